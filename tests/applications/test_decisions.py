"""Admins' decisions: transitions, capacity, emails, lost updates, bulk, promotion."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from consult.applications.decisions import record_pending_many
from consult.applications.models import Application, AuditEvent
from consult.applications.services import (
    CapacityReached,
    Decision,
    NotAllowed,
    StaleApplication,
    TransitionNotAllowed,
    decide_application,
)
from consult.enums import ApplicationState, Role
from consult.extensions import db
from consult.links import LINK_TOKEN
from consult.notifications.models import OutboxMessage
from tests.conftest import csrf_token, form_version
from tests.factories import make_consultation, submit, under_review, verify
from tests.settings import is_postgres

S = ApplicationState


def emails_for(application: Application) -> list[OutboxMessage]:
    return list(
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.application_id == application.id)
            .order_by(OutboxMessage.id)
        ).scalars()
    )


@pytest.mark.parametrize(
    ("decision", "state", "template", "subject"),
    [
        (Decision.ACCEPT, S.ACCEPTED, "accepted", "is accepted"),
        (Decision.WAITLIST, S.WAITLISTED, "waitlisted", "waiting list"),
        (Decision.REJECT, S.REJECTED, "rejected", "About your application"),
    ],
)
def test_a_decision_moves_the_application_audits_and_emails(
    ctx, admin, decision, state, template, subject
):
    application, _ = under_review(make_consultation())
    event = decide_application(
        application,
        decision,
        by=admin,
        expected_version=2,
        message="Thank you for the thoughtful proposal.",
    )
    assert application.state == state and application.version == 3
    assert (event.from_state, event.to_state, event.actor, event.actor_user_id) == (
        S.UNDER_REVIEW,
        state,
        admin.email,
        admin.id,
    )
    # The message is personal data: on the (erasable) application, not in the audit log.
    assert event.note == "With a message to the applicant."
    assert application.secretariat_message == "Thank you for the thoughtful proposal."
    message = emails_for(application)[-1]
    assert message.template == template
    assert subject in message.subject
    assert "Thank you for the thoughtful proposal." in message.body_text
    assert "Thank you for the thoughtful proposal." in message.body_html
    # The email carries the private link; the worker makes it live when it sends.
    assert f"http://consult.test/a/{LINK_TOKEN}" in message.body_text


def test_the_acceptance_email_names_the_confirmation_deadline(ctx, admin):
    from datetime import timedelta

    from consult.database import transaction, utcnow

    consultation = make_consultation()
    with transaction():
        consultation.offer_for(Role.PANELIST).confirm_by = utcnow() + timedelta(days=10)
    application, _ = under_review(consultation)
    decide_application(application, Decision.ACCEPT, by=admin, expected_version=2)
    assert "Please confirm by" in emails_for(application)[-1].body_text


def test_reviewers_cannot_decide(ctx, reviewer):
    application, _ = under_review(make_consultation())
    with pytest.raises(NotAllowed):
        decide_application(application, Decision.ACCEPT, by=reviewer, expected_version=2)
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == S.UNDER_REVIEW


@pytest.mark.parametrize("decision", list(Decision))
def test_decisions_on_unverified_applications_are_refused(ctx, admin, decision):
    application, _ = submit(make_consultation())
    with pytest.raises(TransitionNotAllowed):
        decide_application(application, decision, by=admin, expected_version=1)


def test_accepting_past_capacity_is_refused_unless_overridden(ctx, admin):
    consultation = make_consultation(capacities={Role.KEYNOTE: 1})
    first, _ = under_review(consultation, Role.KEYNOTE)
    second, _ = under_review(consultation, Role.KEYNOTE)
    decide_application(first, Decision.ACCEPT, by=admin, expected_version=2)
    full = "The 1 place for the role “Keynote speaker” is taken"
    with pytest.raises(CapacityReached, match=full):
        decide_application(second, Decision.ACCEPT, by=admin, expected_version=2)
    db.session.expire_all()
    second = db.session.get(Application, second.id)
    assert second.state == S.UNDER_REVIEW and len(emails_for(second)) == 2
    decide_application(
        second, Decision.ACCEPT, by=admin, expected_version=2, override_capacity=True
    )
    assert second.state == S.ACCEPTED


def test_promotion_from_the_waitlist_sends_the_promoted_email(ctx, admin):
    application, _ = under_review(make_consultation())
    decide_application(application, Decision.WAITLIST, by=admin, expected_version=2)
    decide_application(application, Decision.ACCEPT, by=admin, expected_version=3)
    assert application.state == S.ACCEPTED
    assert emails_for(application)[-1].template == "promoted"
    assert "A place is free for you" in emails_for(application)[-1].subject


def test_a_stale_decision_is_refused(ctx, admin):
    application, _ = under_review(make_consultation())
    decide_application(application, Decision.WAITLIST, by=admin, expected_version=2)
    with pytest.raises(StaleApplication):
        decide_application(application, Decision.REJECT, by=admin, expected_version=2)
    assert application.state == S.WAITLISTED


def test_bulk_decisions_report_each_outcome(ctx, admin):
    consultation = make_consultation()
    ok, _ = under_review(consultation)
    stale, _ = under_review(consultation)
    unverified, _ = submit(consultation)
    outcomes = record_pending_many(
        [(ok.id, 2), (stale.id, 1), (unverified.id, 1), (999999, 1)],
        Decision.REJECT,
        by=admin,
        message="Sorry",
    )
    assert [(o.reference, o.ok) for o in outcomes] == [
        (ok.reference, True),
        (stale.reference, False),
        (unverified.reference, False),
        ("#999999", False),
    ]
    assert "changed while you were looking" in outcomes[1].message
    db.session.expire_all()
    assert db.session.get(Application, ok.id).pending_decision == "reject"
    assert db.session.get(Application, stale.id).pending_decision is None


def test_raising_capacity_promotes_waitlisted_attendees_automatically(ctx, admin):
    from consult.consultations.services import save_consultation
    from tests.consultations.test_settings import settings_of

    consultation = make_consultation(capacities={Role.ATTENDEE: 1})
    states = [verify(submit(consultation, Role.ATTENDEE)[1]).state for _ in range(3)]
    assert states == [S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    settings = settings_of(consultation)
    settings.offers[2].capacity = 2
    save_consultation(consultation, settings)
    rows = db.session.execute(select(Application).order_by(Application.id)).scalars().all()
    assert [a.state for a in rows] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]
    promoted = emails_for(rows[1])[-1]
    assert promoted.template == "promoted"
    assert "is confirmed" in promoted.body_text
    event = (
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.application_id == rows[1].id)
            .order_by(AuditEvent.id.desc())
        )
        .scalars()
        .first()
    )
    assert (event.actor, event.to_state) == ("system", S.CONFIRMED)


# --- through the web ---------------------------------------------------------------


def decision_page(client, application_id):
    page = client.get(f"/secretariat/applications/{application_id}")
    version = form_version(page.text)
    return page, version


def test_admin_accepts_from_the_detail_page(admin_client, ctx):
    application, _ = under_review(make_consultation())
    page, version = decision_page(admin_client, application.id)
    response = admin_client.post(
        f"/secretariat/applications/{application.id}/decision",
        data={
            "csrf_token": csrf_token(page.text),
            "version": version,
            "decision": "accept",
            "message": "Welcome",
            "announce": "now",
        },
    )
    assert response.status_code == 302
    html = admin_client.get(response.headers["Location"]).text
    assert "Decision recorded" in html and "is now accepted" in html
    assert "your application FM-P-0001 is accepted" in html  # in the emails list


def test_the_second_of_two_admins_is_told_the_application_changed(admin_client, ctx):
    application, _ = under_review(make_consultation())
    page, version = decision_page(admin_client, application.id)
    token = csrf_token(page.text)
    first = admin_client.post(
        f"/secretariat/applications/{application.id}/decision",
        data={"csrf_token": token, "version": version, "decision": "accept", "announce": "now"},
    )
    second = admin_client.post(
        f"/secretariat/applications/{application.id}/decision",
        data={"csrf_token": token, "version": version, "decision": "reject", "announce": "now"},
    )
    assert first.status_code == 302
    assert second.status_code == 409
    assert "changed while you were looking at it" in second.text
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == S.ACCEPTED


def test_capacity_refusal_is_shown_on_the_page(admin_client, ctx, admin):
    consultation = make_consultation(capacities={Role.KEYNOTE: 0})
    application, _ = under_review(consultation, Role.KEYNOTE)
    page, version = decision_page(admin_client, application.id)
    response = admin_client.post(
        f"/secretariat/applications/{application.id}/decision",
        data={
            "csrf_token": csrf_token(page.text),
            "version": version,
            "decision": "accept",
            "announce": "now",
        },
    )
    assert response.status_code == 409
    assert "All 0 places for the role “Keynote speaker” are taken" in response.text
    response = admin_client.post(
        f"/secretariat/applications/{application.id}/decision",
        data={
            "csrf_token": csrf_token(page.text),
            "version": version,
            "decision": "accept",
            "override_capacity": "y",
            "announce": "now",
        },
    )
    assert response.status_code == 302


def test_reviewers_see_no_decision_form(reviewer_client, ctx):
    application, _ = under_review(make_consultation())
    html = reviewer_client.get(f"/secretariat/applications/{application.id}").text
    assert "Record as pending" not in html and "Decide and email now" not in html
    assert "Decisions are taken by administrators." in html


def test_bulk_decision_from_the_queue(admin_client, ctx):
    consultation = make_consultation()
    a, _ = under_review(consultation)
    b, _ = under_review(consultation)
    url = f"/secretariat/applications?consultation={consultation.id}"
    page = admin_client.get(url)
    response = admin_client.post(
        "/secretariat/applications/decide",
        data={
            "csrf_token": csrf_token(page.text),
            "decision": "waitlist",
            "selected": [f"{a.id}:2", f"{b.id}:1"],
            "return_to": url,
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == url
    html = admin_client.get(url).text
    assert "Pending decision “Put on the waiting list” recorded for FM-P-0001." in html
    assert "FM-P-0002: This application changed while you were looking at it." in html


def test_bulk_decision_needs_a_selection(admin_client, ctx):
    consultation = make_consultation()
    under_review(consultation)
    page = admin_client.get("/secretariat/applications")
    response = admin_client.post(
        "/secretariat/applications/decide",
        data={
            "csrf_token": csrf_token(page.text),
            "decision": "accept",
            "return_to": "https://evil.example/",
        },
    )
    assert response.headers["Location"] == "/secretariat/applications"
    assert (
        "Select at least one application first."
        in admin_client.get("/secretariat/applications").text
    )


@pytest.mark.skipif(not is_postgres(), reason="needs two real connections to PostgreSQL")
def test_two_concurrent_decisions_exactly_one_wins(app, ctx, admin):
    """Two admins in two sessions decide the same application at the same moment."""
    application, _ = under_review(make_consultation())
    # Plain ids: the threads must not touch this test's session (objects lazy-load).
    admin_id, application_id, admin_email = admin.id, application.id, admin.email
    barrier = threading.Barrier(2, timeout=15)
    results: dict[str, str] = {}

    def decide(name: str, decision: Decision) -> None:
        with app.app_context():
            from consult.accounts.models import User

            user = db.session.get(User, admin_id)
            mine = db.session.get(Application, application_id)
            db.session.commit()  # hold no snapshot or lock while waiting for the other
            barrier.wait()
            try:
                decide_application(mine, decision, by=user, expected_version=2)
                results[name] = "won"
            except StaleApplication:
                results[name] = "stale"
            except Exception as error:  # reported by the assertion below
                results[name] = repr(error)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=decide, args=("a", Decision.ACCEPT)),
        threading.Thread(target=decide, args=("b", Decision.REJECT)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == ["stale", "won"]
    db.session.expire_all()
    final = db.session.get(Application, application_id)
    assert final.version == 3
    decided = [e for e in final.events if e.actor == admin_email]
    assert len(decided) == 1
    assert len([m for m in emails_for(final) if m.template in ("accepted", "rejected")]) == 1
