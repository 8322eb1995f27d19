"""Anonymised review and need to know: in an anonymised review a reviewer
judges the proposal without the person -- nothing of it in the rendered pages, the
search, the sort or an export -- while admins see everything; and reviewers never see
accessibility needs."""

from __future__ import annotations

import pytest

from consult.database import transaction
from consult.enums import Role
from tests.factories import make_consultation, under_review

NAME, EMAIL, ORG = "Zanele Mokoena", "zanele@mokoena.example", "Khanyisa Connect"
BIO, NEEDS = "Built rural networks for ten years.", "A sign language interpreter"


@pytest.fixture
def consultation(ctx):
    consultation = make_consultation(slug="geneva")
    with transaction():
        consultation.anonymised_review = True
    return consultation


@pytest.fixture
def application(consultation):
    application, _ = under_review(
        consultation,
        Role.PANELIST,
        full_name=NAME,
        email=EMAIL,
        organization_name=ORG,
        job_title="Chief Executive",
        bio=BIO,
        country="ZA",
        gender="female",
        topic="Community networks in the Eastern Cape",
        abstract="What a cooperative can finance.",
        accessibility_needs=NEEDS,
    )
    return application


def hidden(html: str) -> list[str]:
    return [
        secret
        for secret in (NAME, "Zanele", EMAIL, ORG, "Chief Executive", BIO, "South Africa", NEEDS)
        if secret in html
    ]


def test_a_reviewer_sees_the_proposal_not_the_person(reviewer_client, application, consultation):
    page = reviewer_client.get(f"/secretariat/applications/{application.id}").text
    assert hidden(page) == []
    assert "Community networks in the Eastern Cape" in page and "What a cooperative" in page
    assert "African States" in page  # the region, not the country
    assert ">Woman<" not in page  # nor gender
    queue = reviewer_client.get(f"/secretariat/applications?consultation={consultation.id}").text
    assert hidden(queue) == [] and application.reference in queue
    assert "Name (A–Z)" not in queue  # no sorting by name


@pytest.mark.parametrize("text", ["Zanele", "Mokoena", "mokoena.example", "Khanyisa"])
def test_a_reviewer_cannot_find_the_person_by_searching(
    reviewer_client, application, consultation, text
):
    found = reviewer_client.get(
        "/secretariat/applications", query_string={"consultation": consultation.id, "q": text}
    ).text
    assert application.reference not in found


def test_a_reviewer_finds_the_proposal_by_its_topic(reviewer_client, application, consultation):
    found = reviewer_client.get(
        "/secretariat/applications",
        query_string={"consultation": consultation.id, "q": "eastern cape"},
    ).text
    assert application.reference in found


def test_sorting_by_name_is_refused_quietly(reviewer_client, application, consultation):
    html = reviewer_client.get(
        f"/secretariat/applications?consultation={consultation.id}&sort=name"
    ).text
    assert application.reference in html and hidden(html) == []


def test_no_export_for_reviewers(reviewer_client, application, consultation):
    response = reviewer_client.get(
        f"/secretariat/applications/export.csv?consultation={consultation.id}"
    )
    assert response.status_code == 403 and hidden(response.text) == []


def test_admins_see_everything(admin_client, application, consultation):
    page = admin_client.get(f"/secretariat/applications/{application.id}").text
    assert {NAME, EMAIL, ORG, BIO, NEEDS} <= {
        s for s in (NAME, EMAIL, ORG, BIO, NEEDS) if s in page
    }
    found = admin_client.get(
        "/secretariat/applications", query_string={"consultation": consultation.id, "q": "Zanele"}
    ).text
    assert application.reference in found


def test_reviewers_never_see_accessibility_needs_even_when_not_anonymised(
    reviewer_client, admin_client, application, consultation
):
    with transaction():
        consultation.anonymised_review = False
    page = reviewer_client.get(f"/secretariat/applications/{application.id}").text
    assert NAME in page  # not anonymised: the person is shown
    assert NEEDS not in page  # but not their accessibility needs: need to know
    assert NEEDS in admin_client.get(f"/secretariat/applications/{application.id}").text


def test_the_setting_is_on_the_settings_page(admin_client, consultation):
    html = admin_client.get(f"/secretariat/consultations/{consultation.id}/settings").text
    assert (
        'name="anonymised_review"' in html
        and "checked"
        in html.split('name="anonymised_review"')[0][-200:]
        + html.split('name="anonymised_review"')[1][:100]
    )
