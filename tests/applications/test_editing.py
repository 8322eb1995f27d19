"""Applicants change their own application, through the real pages: until
the call closes or the decision, unless the secretariat locked it; each change is an
audit event, and a reviewer who reviewed before sees "changed after your review"."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from consult.applications.audit import EventKind
from consult.applications.models import Application
from consult.applications.services import Decision, decide_application
from consult.consultations.models import Consultation
from consult.database import transaction, utcnow
from consult.enums import ApplicationState, Role
from consult.extensions import db
from consult.review.services import save_review
from tests.applications.test_views import field_error
from tests.conftest import csrf_token, form_version
from tests.factories import make_consultation, submit, under_review


@pytest.fixture
def consultation(ctx):
    return make_consultation(slug="geneva")


@pytest.fixture
def applied(consultation):
    application, token = under_review(consultation, abstract="First draft.", accessibility_needs="")
    return application, f"/a/{token}"


def edit_data(page_html: str, **changes) -> dict:
    """The edit form as the page fills it in, with `changes`."""
    data = {
        "csrf_token": csrf_token(page_html),
        "version": form_version(page_html),
        "organization_id": "",
    }
    for name, value in re.findall(r'<input [^>]*name="(\w+)"[^>]*value="([^"]*)"', page_html):
        data.setdefault(name, unescape(value))
    for name, value in re.findall(
        r'<textarea [^>]*name="(\w+)"[^>]*>\n?(.*?)</textarea>', page_html, re.S
    ):
        data.setdefault(name, unescape(value))
    data.update(changes)
    return data


def test_the_applicant_edits_and_the_reviewer_sees_it_changed_after_review(
    client, admin_client, admin, applied, consultation
):
    application, link = applied
    save_review(application, admin, 4, "Good.")
    status = client.get(link).text
    assert "Change my application" in status
    page = client.get(f"{link}/edit")
    assert page.status_code == 200 and "First draft." in page.text

    response = client.post(
        f"{link}/edit",
        data=edit_data(page.text, abstract="A better abstract.", accessibility_needs="Captions"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert (application.abstract, application.accessibility_needs) == (
        "A better abstract.",
        "Captions",
    )
    event = application.events[-1]
    assert event.kind == EventKind.EDITED and event.actor == "applicant"
    assert event.note == "Changed: abstract, accessibility needs."
    assert "You changed your application" in client.get(link).text

    detail = admin_client.get(f"/secretariat/applications/{application.id}").text
    assert "Changed after your review" in detail and "abstract, accessibility needs" in detail
    queue = admin_client.get(f"/secretariat/applications?consultation={consultation.id}").text
    assert "Changed after your review" in queue
    # Reviewing again clears it.
    save_review(application, admin, 5, "Better.")
    detail = admin_client.get(f"/secretariat/applications/{application.id}").text
    assert "Changed after your review" not in detail


def test_nothing_changed_records_nothing(client, applied):
    application, link = applied
    events = len(application.events)
    page = client.get(f"{link}/edit")
    assert client.post(f"{link}/edit", data=edit_data(page.text)).status_code == 302
    db.session.expire_all()
    assert len(db.session.get(Application, application.id).events) == events


def test_bad_input_is_said_beside_the_field_and_nothing_is_saved(client, applied):
    application, link = applied
    page = client.get(f"{link}/edit")
    response = client.post(f"{link}/edit", data=edit_data(page.text, full_name="", abstract=""))
    assert response.status_code == 422
    assert "Enter your full name." in field_error(response.text, "full_name")
    assert "Speakers must give an abstract." in field_error(response.text, "abstract")
    db.session.expire_all()
    assert db.session.get(Application, application.id).full_name == "Amina Diallo"


def test_a_stale_page_is_refused(client, applied):
    application, link = applied
    page = client.get(f"{link}/edit")
    first = client.post(f"{link}/edit", data=edit_data(page.text, abstract="One."))
    assert first.status_code == 302
    second = client.post(f"{link}/edit", data=edit_data(page.text, abstract="Two."))
    assert second.status_code == 409
    assert "changed while you were looking" in second.text
    db.session.expire_all()
    assert db.session.get(Application, application.id).abstract == "One."


def test_an_attendee_cannot_give_a_proposal(client, consultation):
    # (Address not yet confirmed: attendees are not reviewed, so that is before a decision.)
    application, token = submit(consultation, Role.ATTENDEE, topic="", abstract="", bio="")
    link = f"/a/{token}"
    assert application.state == ApplicationState.SUBMITTED
    page = client.get(f"{link}/edit")
    assert 'name="topic"' not in page.text
    client.post(f"{link}/edit", data=edit_data(page.text, topic="Sneaked in"))
    db.session.expire_all()
    assert db.session.get(Application, application.id).topic == ""


def test_the_secretariat_locks_and_unlocks_editing(client, admin_client, applied):
    application, link = applied
    detail = admin_client.get(f"/secretariat/applications/{application.id}")
    admin_client.post(
        f"/secretariat/applications/{application.id}/editing",
        data={"csrf_token": csrf_token(detail.text), "locked": "1"},
    )
    page = client.get(f"{link}/edit")
    assert page.status_code == 302  # back to the status page, which says why
    status = client.get(link).text
    assert "The secretariat has closed your application to changes." in status
    assert "Change my application" not in status
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.events[-1].kind == EventKind.EDITING_LOCKED
    assert "Editing locked" in admin_client.get(f"/secretariat/applications/{application.id}").text

    admin_client.post(
        f"/secretariat/applications/{application.id}/editing",
        data={"csrf_token": csrf_token(detail.text), "locked": "0"},
    )
    assert client.get(f"{link}/edit").status_code == 200


def test_a_posted_edit_after_locking_changes_nothing(client, admin_client, applied):
    application, link = applied
    page = client.get(f"{link}/edit")
    detail = admin_client.get(f"/secretariat/applications/{application.id}")
    admin_client.post(
        f"/secretariat/applications/{application.id}/editing",
        data={"csrf_token": csrf_token(detail.text), "locked": "1"},
    )
    response = client.post(f"{link}/edit", data=edit_data(page.text, abstract="Late change."))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).abstract == "First draft."


def test_no_edits_after_the_decision_or_the_deadline(client, admin, applied, consultation):
    application, link = applied
    decide_application(application, Decision.ACCEPT, by=admin, expected_version=application.version)
    assert "The secretariat has taken a decision" in client.get(link).text
    assert client.get(f"{link}/edit").status_code == 302

    other, token = under_review(consultation, Role.KEYNOTE)
    with transaction():
        row = db.session.get(Consultation, consultation.id)
        row.applications_open_at = utcnow() - timedelta(days=10)
        row.applications_close_at = utcnow() - timedelta(minutes=1)
    assert "The call for applications has closed." in client.get(f"/a/{token}").text
    assert client.get(f"/a/{token}/edit").status_code == 302
    page = client.get(f"/a/{token}")
    assert "Change my application" not in page.text
    assert (
        db.session.execute(
            select(Application.abstract).where(Application.id == other.id)
        ).scalar_one()
        == other.abstract
    )
