"""Reviews: one per reviewer and application, editable; the average drives the queue."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from consult.applications.models import Application
from consult.extensions import db
from consult.http import status_for
from consult.review.models import Review
from consult.review.services import ReviewError, save_review
from tests.conftest import csrf_token
from tests.factories import make_consultation, submit, under_review


def test_reviews_are_one_per_reviewer_and_editable(ctx, admin, reviewer):
    application, _ = under_review(make_consultation())
    save_review(application, admin, 5, "Excellent")
    save_review(application, reviewer, 2, "Off topic")
    assert (application.review_count, application.average_score) == (2, 3.5)
    save_review(application, reviewer, 4, "On reflection, good")
    assert (application.review_count, application.average_score) == (2, 4.5)
    assert db.session.execute(select(func.count(Review.id))).scalar_one() == 2
    assert application.version == 2  # reviews are not decisions


@pytest.mark.parametrize("score", [0, 6, -1])
def test_scores_outside_1_to_5_are_refused(ctx, admin, score):
    application, _ = under_review(make_consultation())
    with pytest.raises(ReviewError) as refused:
        save_review(application, admin, score, "")
    assert status_for(refused.value) == 422  # bad input, not a conflict with the state


def test_unverified_applications_cannot_be_reviewed(ctx, admin):
    application, _ = submit(make_consultation())
    with pytest.raises(ReviewError, match="confirmed email") as refused:
        save_review(application, admin, 3, "")
    assert status_for(refused.value) == 409  # the state does not allow it (yet)


def test_a_reviewer_scores_from_the_detail_page(reviewer_client, ctx):
    application, _ = under_review(make_consultation())
    url = f"/secretariat/applications/{application.id}"
    page = reviewer_client.get(url)
    assert "Your review" in page.text
    response = reviewer_client.post(
        f"{url}/review",
        data={
            "csrf_token": csrf_token(page.text),
            "score": "4",
            "comment": "Solid, regional angle",
        },
    )
    assert response.status_code == 302
    html = reviewer_client.get(url).text
    assert "Your review is saved." in html
    assert "Solid, regional angle" in html
    assert "Average: 4.0 from 1 review." in html
    radio = re.search(r'<input[^>]*name="score"[^>]*value="4"[^>]*>', html).group(0)
    assert "checked" in radio  # the form shows the reviewer's own score again
    db.session.expire_all()
    assert db.session.get(Application, application.id).average_score == 4.0


def test_a_review_without_a_score_is_refused_beside_the_field(reviewer_client, ctx):
    application, _ = under_review(make_consultation())
    url = f"/secretariat/applications/{application.id}"
    page = reviewer_client.get(url)
    response = reviewer_client.post(
        f"{url}/review", data={"csrf_token": csrf_token(page.text), "comment": "x" * 5001}
    )
    assert response.status_code == 422
    assert 'id="score-error"' in response.text
    assert 'id="comment-error"' in response.text
    assert db.session.execute(select(func.count(Review.id))).scalar_one() == 0
