"""Accepted speakers confirm or decline; confirmations carry a calendar entry;
reminders go out once, 3 days before the deadline."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from consult.applications.models import Application
from consult.applications.services import (
    Decision,
    decide_application,
    queue_confirmation_reminders,
)
from consult.database import transaction, utcnow
from consult.enums import ApplicationState, Role
from consult.extensions import db
from consult.notifications.models import OutboxMessage
from consult.notifications.worker import drain
from tests.conftest import csrf_token, form_version
from tests.factories import make_consultation, under_review, verify

S = ApplicationState


@pytest.fixture
def app_overrides(smtp):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}


def accepted(admin, consultation=None, **overrides):
    consultation = consultation or make_consultation()
    application, raw = under_review(consultation, **overrides)
    decide_application(application, Decision.ACCEPT, by=admin, expected_version=2)
    return application, raw


def link_in(text: str) -> str:
    return re.search(r"http://consult\.test(/a/[A-Za-z0-9_\-]+)", text).group(1)


def test_speaker_confirms_and_gets_a_calendar_entry(client, ctx, admin, smtp):
    application, _ = accepted(admin, email="speaker@example.org")
    drain()
    acceptance = smtp.received[-1]
    assert (
        acceptance.subject
        == f"Please confirm: your application {application.reference} is accepted"
    )
    link = link_in(acceptance.text())

    status = client.get(link)
    assert "Will you take part?" in status.text
    response = client.post(
        f"{link}/confirm",
        data={
            "csrf_token": csrf_token(status.text),
            "version": form_version(status.text),
        },
    )
    assert response.status_code == 302
    page = client.get(link)
    assert "your participation is confirmed" in page.text
    assert "Printable confirmation" in page.text

    drain()
    confirmation = smtp.received[-1]
    assert confirmation.subject == f"Your participation is confirmed – {application.reference}"
    [attachment] = confirmation.attachments()
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "consultation.ics"
    calendar = Calendar.from_ical(attachment.get_content())
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/Zurich"
    consultation = application.consultation
    assert start.astimezone().utctimetuple()[:5] == consultation.starts_at.timetuple()[:5]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Zurich"]
    assert application.reference in str(event["description"])

    printable = re.search(r"http://consult\.test(/a/\S+/confirmation)", confirmation.text())
    sheet = client.get(printable.group(1))
    assert sheet.status_code == 200
    assert "Confirmation of participation" in sheet.text
    assert application.reference in sheet.text
    assert "Amina Diallo" in sheet.text


def test_calendar_download_from_the_status_page(client, ctx, admin):
    application, raw = accepted(admin)
    response = client.get(f"/a/{raw}/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert Calendar.from_ical(response.data).walk("VEVENT")[0]["summary"] == (
        application.consultation.title
    )


def test_declining_frees_the_place_for_the_waiting_list(client, ctx, admin):
    consultation = make_consultation(capacities={Role.PANELIST: 1})
    application, raw = accepted(admin, consultation)
    waiting, _ = under_review(consultation, full_name="Next Person")
    decide_application(waiting, Decision.WAITLIST, by=admin, expected_version=2)
    page = client.get(f"/a/{raw}/decline")
    assert "Yes, I decline" in page.text
    client.post(
        f"/a/{raw}/decline",
        data={"csrf_token": csrf_token(page.text), "version": str(application.version)},
    )
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == S.DECLINED
    sent = {
        (m.template, m.to_address): m
        for m in db.session.execute(
            select(OutboxMessage).where(OutboxMessage.application_id == application.id)
        ).scalars()
    }
    assert ("declined", application.email) in sent
    # The admins hear of it as of a withdrawal or a cancellation: a place went back.
    notice = sent[("participant_left", admin.email)]
    assert notice.subject.startswith("Declined:") and application.reference in notice.subject
    assert "has declined the place they were offered" in notice.body_text
    assert db.session.get(Application, waiting.id).state == S.WAITLISTED  # (speakers: review)


def test_confirming_after_the_deadline_is_refused(client, ctx, admin):
    consultation = make_consultation()
    application, raw = accepted(admin, consultation)
    with transaction():
        consultation.offer_for(Role.PANELIST).confirm_by = utcnow() - timedelta(minutes=1)
    page = client.get(f"/a/{raw}")
    assert "The deadline to confirm has passed." in page.text
    token = csrf_token(client.get(f"/a/{raw}/decline").text)
    response = client.post(
        f"/a/{raw}/confirm", data={"csrf_token": token, "version": str(application.version)}
    )
    assert response.status_code == 302
    assert "deadline to confirm has passed" in client.get(f"/a/{raw}").text
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == S.ACCEPTED


def test_the_printable_confirmation_needs_a_confirmed_application(client, ctx, admin):
    _application, raw = accepted(admin)
    assert client.get(f"/a/{raw}/confirmation").status_code == 404


def test_reminders_go_out_once_three_days_before_the_deadline(app, ctx, admin, smtp):
    consultation = make_consultation()
    offer = consultation.offer_for(Role.PANELIST)
    with transaction():
        offer.confirm_by = utcnow() + timedelta(days=5)
    waiting, _ = accepted(admin, consultation, email="late@example.org")
    done, raw = accepted(admin, consultation, email="done@example.org")
    from consult.applications.services import confirm_participation

    confirm_participation(done, expected_version=done.version)
    assert queue_confirmation_reminders() == 0  # 5 days ahead: too early
    with transaction():
        offer.confirm_by = utcnow() + timedelta(days=2)
    assert queue_confirmation_reminders() == 1
    assert queue_confirmation_reminders() == 0  # idempotent
    result = app.test_cli_runner().invoke(args=["mail", "remind"])
    assert "Queued 0 reminders." in result.output
    drain()
    reminders = [
        r for r in smtp.received if r.subject.startswith("Please confirm your participation")
    ]
    assert [r.rcpt_tos for r in reminders] == [["late@example.org"]]
    assert link_in(reminders[0].text())
    # A new deadline is a new reminder.
    with transaction():
        offer.confirm_by = utcnow() + timedelta(days=1)
    assert queue_confirmation_reminders() == 1


def test_no_reminder_after_the_deadline(ctx, admin):
    consultation = make_consultation()
    with transaction():
        consultation.offer_for(Role.PANELIST).confirm_by = utcnow() - timedelta(hours=1)
    accepted(admin, consultation)
    assert queue_confirmation_reminders() == 0


def test_attendees_confirmed_on_verification_get_the_calendar_too(ctx):
    from tests.factories import submit

    _application, raw = submit(make_consultation(), Role.ATTENDEE)
    verify(raw)
    message = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.template == "participation_confirmed")
    ).scalar_one()
    assert "BEGIN:VCALENDAR" in message.calendar


def test_a_last_reminder_goes_a_day_before_the_deadline(app, ctx, admin, smtp):
    """Issue 20.7: a second reminder one day before the deadline, once; the acceptance
    leads with what to do and by when, in its subject and first line."""
    consultation = make_consultation()
    offer = consultation.offer_for(Role.PANELIST)
    deadline = utcnow() + timedelta(days=10)
    with transaction():
        offer.confirm_by = deadline
    waiting, _ = accepted(admin, consultation, email="late@example.org")
    drain()
    [acceptance] = [r for r in smtp.received if "is accepted" in r.subject]
    assert acceptance.subject.startswith("Please confirm by ")
    first_line = acceptance.text().strip().splitlines()[0]
    assert first_line.startswith("Please confirm by ") and "or decline" in first_line
    assert re.search(r"Decline: http://\S+/a/[\w-]+/decline", acceptance.text())

    assert queue_confirmation_reminders(now=deadline - timedelta(days=2)) == 1
    assert queue_confirmation_reminders(now=deadline - timedelta(hours=20)) == 1
    assert queue_confirmation_reminders(now=deadline - timedelta(hours=10)) == 0  # once
    drain()
    subjects = [r.subject for r in smtp.received if r.rcpt_tos == ["late@example.org"]]
    assert [s.split(" –")[0] for s in subjects[-2:]] == [
        "Please confirm your participation",
        "Last reminder: please confirm your participation",
    ]
