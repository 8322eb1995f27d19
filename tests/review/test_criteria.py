"""Richer scoring, through the real pages: admins define criteria with
weights, reviewers score each, the total is the weighted mean, the queue shows the
average, the number of reviews and the spread, and sorts by disagreement. Reviews
given as one overall score keep working."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consult.applications.models import Application
from consult.enums import Role
from consult.extensions import db
from consult.review.criteria import CriterionSettings, add_criterion, change_criterion
from consult.review.models import CriterionScore, Review, ReviewCriterion
from consult.review.services import save_review
from consult.security.models import SecurityEvent, SecurityTag
from tests.conftest import PASSWORD, csrf_token, login
from tests.factories import make_consultation, make_user, under_review


@pytest.fixture
def consultation(ctx):
    return make_consultation(slug="geneva", capacities={Role.PANELIST: 20})


def criteria_page(consultation) -> str:
    return f"/secretariat/consultations/{consultation.id}/criteria"


def define(client, consultation, name: str, weight, description: str = ""):
    page = client.get(criteria_page(consultation))
    return client.post(
        criteria_page(consultation),
        data={
            "csrf_token": csrf_token(page.text),
            "name": name,
            "weight": weight,
            "description": description,
        },
    )


def score(client, application, scores: dict[int, int], comment: str = ""):
    page = client.get(f"/secretariat/applications/{application.id}")
    data = {"csrf_token": csrf_token(page.text), "comment": comment}
    data |= {f"criterion_{cid}": value for cid, value in scores.items()}
    return client.post(f"/secretariat/applications/{application.id}/review", data=data)


def criteria(consultation) -> list[ReviewCriterion]:
    return list(
        db.session.execute(
            select(ReviewCriterion)
            .where(ReviewCriterion.consultation_id == consultation.id)
            .order_by(ReviewCriterion.position)
        ).scalars()
    )


def test_admin_defines_weighted_criteria_and_each_change_is_logged(
    consultation, admin_client, reviewer_client
):
    assert define(admin_client, consultation, "Relevance to financing ICT4D", 3).status_code == 302
    assert define(admin_client, consultation, "Originality", 1).status_code == 302
    bad = define(admin_client, consultation, "Regional perspective", 11)
    assert bad.status_code == 422
    assert "Give a weight from 1 to 10." in bad.text
    assert define(admin_client, consultation, "", 2).status_code == 422
    relevance, originality = criteria(consultation)
    assert (relevance.weight, originality.weight) == (3, 1)
    page = admin_client.get(criteria_page(consultation)).text
    assert "Relevance to financing ICT4D" in page and "75%" in page and "25%" in page
    # Reviewers neither see nor change the criteria.
    assert reviewer_client.get(criteria_page(consultation)).status_code == 403
    assert define(reviewer_client, consultation, "Mine", 2).status_code in (400, 403)
    details = db.session.execute(
        select(SecurityEvent.detail).where(SecurityEvent.tag == SecurityTag.SETTINGS_CHANGED)
    ).scalars()
    assert sum("review criterion" in d for d in details) == 2


def test_reviewers_score_each_criterion_and_the_total_is_the_weighted_mean(
    app, consultation, admin, admin_client
):
    define(admin_client, consultation, "Relevance", 3)
    define(admin_client, consultation, "Originality", 1)
    relevance, originality = criteria(consultation)
    application, _token = under_review(consultation)
    reviewer = make_user("reviewer", "r@ungis.example")
    client = app.test_client()
    login(client, reviewer.email, PASSWORD)
    form = client.get(f"/secretariat/applications/{application.id}").text
    assert "<legend>Relevance" in form and "Weight: 3." in form
    assert 'name="score"' not in form  # no overall score beside the criteria
    # A criterion left out: said beside it, nothing saved.
    missing = score(client, application, {relevance.id: 5})
    assert missing.status_code == 422
    assert "Score each criterion from 1 to 5." in missing.text
    assert db.session.execute(select(Review)).first() is None
    assert score(client, application, {relevance.id: 5, originality.id: 1}).status_code == 302
    review = db.session.execute(select(Review)).scalar_one()
    assert review.score == pytest.approx((3 * 5 + 1 * 1) / 4)  # 4.0
    assert score(admin_client, application, {relevance.id: 2, originality.id: 2}).status_code == 302
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.review_count == 2
    assert application.average_score == pytest.approx(3.0)
    assert application.score_spread == pytest.approx(1.0)  # totals 4 and 2
    detail = admin_client.get(f"/secretariat/applications/{application.id}").text
    assert "Spread (standard deviation): 1.0." in detail
    # The reviewer changes their mind: their scores are updated, not added.
    assert score(client, application, {relevance.id: 4, originality.id: 4}).status_code == 302
    assert db.session.execute(select(CriterionScore)).scalars().all().__len__() == 4
    page = client.get(f"/secretariat/applications/{application.id}").text
    assert re.search(r'value="4"[^>]*checked|checked[^>]*value="4"', page)


def test_a_new_weight_recounts_every_total_and_the_queue_sorts_by_disagreement(
    consultation, admin, admin_client
):
    relevance = add_criterion(consultation, CriterionSettings("Relevance", 1), by=admin)
    originality = add_criterion(consultation, CriterionSettings("Originality", 1), by=admin)
    agreed, _t = under_review(consultation, full_name="Agreed Person")
    split, _t = under_review(consultation, full_name="Split Person")
    others = [make_user("reviewer") for _ in range(2)]
    from consult.review.criteria import save_scored_review

    for reviewer in others:
        save_scored_review(agreed, reviewer, {relevance.id: 4, originality.id: 4}, "")
    save_scored_review(split, others[0], {relevance.id: 5, originality.id: 1}, "")
    save_scored_review(split, others[1], {relevance.id: 1, originality.id: 1}, "")
    db.session.expire_all()
    assert split.average_score == pytest.approx(2.0)  # totals 3 and 1
    assert split.score_spread == pytest.approx(1.0)
    assert agreed.score_spread == 0
    queue = admin_client.get(
        f"/secretariat/applications?consultation={consultation.id}&sort=spread"
    ).text
    assert queue.index("Split Person") < queue.index("Agreed Person")
    # Relevance now counts three times: 5,1 → 4.0; 1,1 → 1.0.
    change_criterion(relevance, CriterionSettings("Relevance", 3), by=admin)
    db.session.expire_all()
    totals = sorted(
        db.session.execute(select(Review.score).where(Review.application_id == split.id)).scalars()
    )
    assert totals == [pytest.approx(1.0), pytest.approx(4.0)]
    assert split.average_score == pytest.approx(2.5)
    assert split.score_spread == pytest.approx(1.5)
    # The second page of the spread order continues after the first (the cursor).
    assert (
        admin_client.get(
            f"/secretariat/applications?consultation={consultation.id}&sort=spread"
        ).status_code
        == 200
    )


def test_single_scores_keep_working_beside_criteria_and_a_scored_criterion_stays(
    app, consultation, admin, admin_client
):
    application, _token = under_review(consultation)
    early = make_user("reviewer")
    save_review(application, early, 5, "Before the criteria.")
    assert define(admin_client, consultation, "Relevance", 2).status_code == 302
    (relevance,) = criteria(consultation)
    assert score(admin_client, application, {relevance.id: 3}).status_code == 302
    db.session.expire_all()
    assert application.review_count == 2
    assert application.average_score == pytest.approx(4.0)
    detail = admin_client.get(f"/secretariat/applications/{application.id}").text
    assert "Before the criteria." in detail and "not scored" in detail
    # The single score stays as it was when a weight changes.
    change_criterion(relevance, CriterionSettings("Relevance", 5), by=admin)
    db.session.expire_all()
    assert sorted(r.score for r in db.session.execute(select(Review)).scalars()) == [3, 5]
    # Scored: it cannot be deleted (the reviewers' work), only reweighed.
    page = admin_client.get(criteria_page(consultation)).text
    refused = admin_client.post(
        f"{criteria_page(consultation)}/{relevance.id}/delete",
        data={"csrf_token": csrf_token(page)},
        follow_redirects=True,
    )
    assert "Reviewers have scored this criterion" in refused.text
    assert criteria(consultation) == [relevance]
    unscored = add_criterion(consultation, CriterionSettings("Originality", 1), by=admin)
    admin_client.post(
        f"{criteria_page(consultation)}/{unscored.id}/delete", data={"csrf_token": csrf_token(page)}
    )
    assert criteria(consultation) == [relevance]


def test_criteria_are_translated_for_reviewers(consultation, admin, admin_client):
    relevance = add_criterion(
        consultation, CriterionSettings("Relevance", 2, "Is it about financing?"), by=admin
    )
    from consult.consultations.content import set_translation

    set_translation(relevance, "name", "fr", "Pertinence")
    db.session.commit()
    application, _token = under_review(consultation)
    page = admin_client.get(
        f"/secretariat/applications/{application.id}", headers={"Accept-Language": "fr"}
    ).text
    assert "Pertinence" in page
    languages = admin_client.get(f"/secretariat/consultations/{consultation.id}/translations/fr")
    assert "Review criterion: Relevance" in languages.text or "Pertinence" in languages.text
