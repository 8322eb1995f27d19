"""Every application transition, allowed and refused, through the service functions."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.applications import services
from consult.applications.models import AccessToken, Application, AuditEvent, AuditLogIsAppendOnly
from consult.applications.services import (
    TRANSITIONS,
    Actor,
    ApplicationsNotOpen,
    DuplicateApplication,
    InvalidApplication,
    StaleApplication,
    TransitionNotAllowed,
    withdraw_application,
)
from consult.applications.tokens import find_by_token, hash_token
from consult.consultations.models import Organization
from consult.database import transaction
from consult.enums import ApplicationState, ConsultationState, Role
from consult.extensions import db
from consult.links import LINK_TOKEN
from consult.notifications.models import OutboxMessage
from tests.factories import category, make_consultation, submit, verify

S = ApplicationState


def outbox(application_id: int) -> list[OutboxMessage]:
    return list(
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.application_id == application_id)
            .order_by(OutboxMessage.id)
        ).scalars()
    )


def events(application_id: int) -> list[tuple]:
    return [
        (e.from_state, e.to_state, e.actor, e.version)
        for e in db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.application_id == application_id)
            .order_by(AuditEvent.id)
        ).scalars()
    ]


def test_submit_creates_a_submitted_application_with_audit_event_and_verification_email(ctx):
    consultation = make_consultation()
    application, raw = submit(consultation, Role.KEYNOTE, email="  Amina@Example.ORG ")

    assert application.state == S.SUBMITTED
    assert application.version == 1
    assert application.email == "amina@example.org"
    assert application.reference == "FM-K-0001"
    assert events(application.id) == [(None, S.SUBMITTED, "applicant", 1)]
    [message] = outbox(application.id)
    assert message.template == "verify_email"
    assert message.to_address == "amina@example.org"
    assert "FM-K-0001" in message.subject
    # The stored email holds no live link: the worker mints one when it sends.
    link = f"http://consult.test/a/{LINK_TOKEN}"
    assert link in message.body_text
    assert f'href="{link}"' in message.body_html
    assert raw not in message.body_text + message.body_html


def test_no_stored_email_ever_holds_a_live_token(ctx):
    """Every email queued by every transition stores the placeholder, never a token."""
    from consult.applications.services import Decision, confirm_participation, decide_application
    from tests.factories import make_user

    consultation = make_consultation(capacities={Role.ATTENDEE: 1})
    attendee, attendee_raw = submit(consultation, Role.ATTENDEE)
    verify(attendee_raw)
    waiting, waiting_raw = submit(consultation, Role.ATTENDEE)
    verify(waiting_raw)
    speaker, speaker_raw = submit(consultation, Role.PANELIST)
    verify(speaker_raw)
    decide_application(
        speaker, Decision.ACCEPT, by=make_user("admin"), expected_version=2, message="Welcome"
    )
    confirm_participation(speaker, expected_version=3)
    tokens = db.session.execute(select(AccessToken.token_hash)).scalars().all()
    assert tokens  # the tests' own links
    for message in db.session.execute(select(OutboxMessage)).scalars():
        for part in (message.body_text, message.body_html, message.calendar):
            for raw in (attendee_raw, waiting_raw, speaker_raw):
                assert raw not in part
            for found in re.findall(r"/a/([A-Za-z0-9_\-]+)", part):
                assert found == LINK_TOKEN


def test_the_token_is_long_random_and_stored_only_as_a_hash(ctx):
    application, raw = submit(make_consultation())
    stored = db.session.execute(select(AccessToken.token_hash)).scalars().all()
    assert len(raw) >= 40
    assert stored == [hash_token(raw)]
    assert raw not in stored[0]
    assert find_by_token(raw).id == application.id
    assert find_by_token(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    assert find_by_token("x" * 500) is None
    assert find_by_token(LINK_TOKEN) is None


def test_references_count_per_role(ctx):
    consultation = make_consultation()
    refs = [
        submit(consultation, role)[0].reference
        for role in (Role.PANELIST, Role.PANELIST, Role.KEYNOTE, Role.ATTENDEE)
    ]
    assert refs == ["FM-P-0001", "FM-P-0002", "FM-K-0001", "FM-A-0001"]


def test_speaker_speech_fields_are_dropped_for_attendees(ctx):
    application, _ = submit(make_consultation(), Role.ATTENDEE, topic="ignored", bio="ignored")
    assert (application.topic, application.bio) == ("", "")


def test_opening_the_link_changes_nothing(client, ctx):
    """A GET (a mail scanner, a staff preview) never verifies; the POST does."""
    application, raw = submit(make_consultation(), Role.ATTENDEE)
    page = client.get(f"/a/{raw}")
    assert page.status_code == 200
    assert "Confirm my email address" in page.text
    db.session.expire_all()
    fresh = db.session.get(Application, application.id)
    assert (fresh.state, fresh.version, fresh.email_verified_at) == (S.SUBMITTED, 1, None)
    assert len(events(application.id)) == 1


def test_confirming_the_address_verifies_a_speaker_into_review(ctx):
    application, raw = submit(make_consultation(), Role.PANELIST)
    opened = verify(raw)
    assert opened.id == application.id
    assert opened.state == S.UNDER_REVIEW
    assert opened.version == 2
    assert opened.email_verified_at is not None
    assert events(application.id)[-1] == (S.SUBMITTED, S.UNDER_REVIEW, "applicant", 2)
    assert [m.template for m in outbox(application.id)] == ["verify_email", "application_received"]


def test_confirming_the_address_again_changes_nothing(ctx):
    application, raw = submit(make_consultation(), Role.PANELIST)
    verify(raw)
    verify(raw)
    assert len(events(application.id)) == 2
    assert len(outbox(application.id)) == 2
    assert db.session.get(Application, application.id).version == 2


def test_attendees_are_confirmed_while_places_remain_then_waitlisted(ctx):
    consultation = make_consultation(capacities={Role.ATTENDEE: 2})
    results = []
    for _ in range(3):
        application, raw = submit(consultation, Role.ATTENDEE)
        results.append(verify(raw).state)
    assert results == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]
    templates = (
        db.session.execute(select(OutboxMessage.template).order_by(OutboxMessage.id))
        .scalars()
        .all()
    )
    assert templates.count("participation_confirmed") == 2
    assert templates.count("waitlisted") == 1


def test_attendees_go_to_review_when_the_offer_needs_it(ctx):
    _application, raw = submit(make_consultation(attendee_review=True), Role.ATTENDEE)
    assert verify(raw).state == S.UNDER_REVIEW


def test_unknown_link_resolves_to_nothing(ctx):
    make_consultation()
    assert verify("not-a-real-token") is None
    assert verify("") is None


@pytest.mark.parametrize("state", [S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED, S.WAITLISTED])
def test_withdraw_from_every_state_before_a_final_one(ctx, state):
    application, raw = submit(make_consultation())
    _force_state(application, state)
    version = application.version
    withdraw_application(application, expected_version=version)
    assert application.state == S.WITHDRAWN
    assert application.version == version + 1
    assert events(application.id)[-1][:3] == (state, S.WITHDRAWN, "applicant")
    assert outbox(application.id)[-1].template == "withdrawal_acknowledged"


@pytest.mark.parametrize("state", [S.DECLINED, S.REJECTED, S.WITHDRAWN, S.CANCELLED])
def test_withdraw_is_refused_from_final_states_and_writes_nothing(ctx, state):
    application, raw = submit(make_consultation())
    _force_state(application, state)
    before = (len(events(application.id)), len(outbox(application.id)), application.version)
    with pytest.raises(TransitionNotAllowed):
        withdraw_application(application, expected_version=application.version)
    db.session.expire_all()
    after_app = db.session.get(Application, application.id)
    assert after_app.state == state
    assert (len(events(application.id)), len(outbox(application.id)), after_app.version) == before


def test_a_decision_on_a_stale_version_is_refused(ctx):
    application, raw = submit(make_consultation())
    verify(raw)
    with pytest.raises(StaleApplication, match="changed while you were looking"):
        withdraw_application(application, expected_version=1)
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == S.UNDER_REVIEW


def test_a_concurrent_change_is_caught_by_the_version_counter(app, ctx):
    """Another process changes the row after we loaded it: our UPDATE matches no row."""
    application, raw = submit(make_consultation())
    loaded_version = application.version
    with app.app_context():  # a second, independent session
        other = db.session.get(Application, application.id)
        withdraw_application(other, expected_version=other.version)
        db.session.remove()
    assert application.version == loaded_version  # our copy has not seen it
    with pytest.raises(StaleApplication), transaction():
        services.move_state(
            application, S.UNDER_REVIEW, actor=Actor.APPLICANT, actor_name="applicant"
        )
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == S.WITHDRAWN


ALL_PAIRS = [
    (a, b, actor)
    for a, b in itertools.product(ApplicationState, repeat=2)
    for actor in Actor
    if a != b
]


@pytest.mark.parametrize(
    ("from_state", "to_state", "actor"),
    ALL_PAIRS,
    ids=[f"{a.value}->{b.value}-{c.value}" for a, b, c in ALL_PAIRS],
)
def test_the_transition_table_decides_every_move(ctx, from_state, to_state, actor):
    application, _raw = submit(make_consultation())
    _force_state(application, from_state)
    allowed = actor in TRANSITIONS.get((from_state, to_state), frozenset())
    if allowed:
        with transaction():
            event = services.move_state(application, to_state, actor=actor, actor_name=actor.value)
        assert application.state == to_state
        assert (event.from_state, event.to_state) == (from_state, to_state)
    else:
        with pytest.raises(TransitionNotAllowed), transaction():
            services.move_state(application, to_state, actor=actor, actor_name=actor.value)
        db.session.expire_all()
        assert db.session.get(Application, application.id).state == from_state


def test_design_state_machine_edges_are_all_present():
    """The table covers exactly the edges drawn in docs/design.md's diagram."""
    expected = {
        (S.SUBMITTED, S.UNDER_REVIEW),
        (S.SUBMITTED, S.CONFIRMED),
        (S.SUBMITTED, S.WAITLISTED),
        (S.UNDER_REVIEW, S.ACCEPTED),
        (S.UNDER_REVIEW, S.REJECTED),
        (S.UNDER_REVIEW, S.WAITLISTED),
        (S.WAITLISTED, S.ACCEPTED),
        (S.WAITLISTED, S.CONFIRMED),
        (S.ACCEPTED, S.CONFIRMED),
        (S.ACCEPTED, S.DECLINED),
    } | {(s, S.WITHDRAWN) for s in (S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED, S.WAITLISTED)}
    # Erasure withdraws a confirmed person too, by an admin only.
    expected.add((S.CONFIRMED, S.WITHDRAWN))
    # A confirmed person who cannot come after all cancels.
    expected.add((S.CONFIRMED, S.CANCELLED))
    # An announced decision corrected, either way.
    expected |= {(S.ACCEPTED, S.REJECTED), (S.REJECTED, S.ACCEPTED)}
    assert set(TRANSITIONS) == expected
    assert TRANSITIONS[(S.CONFIRMED, S.WITHDRAWN)] == {Actor.ADMIN}
    assert TRANSITIONS[(S.CONFIRMED, S.CANCELLED)] == {Actor.APPLICANT}


def test_duplicate_live_application_is_refused(ctx):
    consultation = make_consultation()
    submit(consultation, Role.PANELIST, email="dup@example.org")
    with pytest.raises(DuplicateApplication):
        submit(consultation, Role.PANELIST, email="DUP@example.org")
    assert db.session.execute(select(func.count(Application.id))).scalar_one() == 1


def test_same_person_may_apply_for_another_role_or_again_after_withdrawing(ctx):
    consultation = make_consultation()
    first, raw = submit(consultation, Role.PANELIST, email="again@example.org")
    submit(consultation, Role.ATTENDEE, email="again@example.org")
    withdraw_application(first, expected_version=first.version)
    second, _ = submit(consultation, Role.PANELIST, email="again@example.org")
    assert second.reference == "FM-P-0002"


def test_the_database_refuses_two_live_applications(ctx):
    """The partial unique index is the last line if two requests race past the check."""
    consultation = make_consultation()
    first, _ = submit(consultation, Role.PANELIST, email="race@example.org")
    from sqlalchemy.exc import IntegrityError

    clone = Application(
        reference="FM-P-9999",
        consultation_id=consultation.id,
        role=Role.PANELIST,
        full_name="x",
        email="race@example.org",
        country="FR",
        category_id=first.category_id,
    )
    db.session.add(clone)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"state": ConsultationState.DRAFT},
        {"state": ConsultationState.CLOSED},
        {"opens_in": timedelta(days=2)},
        {"opens_in": timedelta(days=-10), "closes_in": timedelta(minutes=-1)},
    ],
    ids=["draft", "closed", "not-yet-open", "after-deadline"],
)
def test_applications_outside_the_window_are_refused(ctx, kwargs):
    consultation = make_consultation(**kwargs)
    with pytest.raises(ApplicationsNotOpen):
        submit(consultation)
    assert db.session.execute(select(func.count(Application.id))).scalar_one() == 0


def test_category_must_be_one_the_consultation_is_open_to(ctx):
    consultation = make_consultation()
    with pytest.raises(InvalidApplication, match="stakeholder category"):
        submit(consultation, category_id=category("academic_technical").id)


def test_inactive_organizations_cannot_be_chosen(ctx):
    consultation = make_consultation()
    org = db.session.execute(select(Organization).where(Organization.acronym == "ITU")).scalar_one()
    with transaction():
        org.active = False
    with pytest.raises(InvalidApplication, match="organization"):
        submit(
            consultation,
            organization_id=org.id,
            category_id=category("international_organization").id,
        )


def test_the_orm_refuses_to_change_or_delete_audit_events(ctx):
    application, _ = submit(make_consultation())
    event = db.session.execute(select(AuditEvent)).scalar_one()
    event.note = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.execute(select(AuditEvent)).scalar_one())
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.execute(select(AuditEvent.note)).scalars().all() == [""]


def _force_state(application: Application, state: ApplicationState) -> None:
    """Put an application in a state directly: test set-up only, never in app code."""
    with transaction():
        application.state = state


def test_each_transition_bumps_the_version_exactly_once(ctx):
    """version == number of audit events, for every application, after every kind of
    transition (verification, decisions, answers, withdrawal, promotion, erasure)."""
    from consult.applications.privacy import erase_application, request_erasure
    from consult.applications.services import (
        Decision,
        confirm_participation,
        decide_application,
        decline_participation,
    )
    from tests.factories import make_user

    admin = make_user("admin")
    consultation = make_consultation(capacities={Role.ATTENDEE: 1, Role.PANELIST: 3})
    attendees = [submit(consultation, Role.ATTENDEE) for _ in range(3)]
    for _application, raw in attendees:
        verify(raw)
    erase_application(attendees[0][0], by=admin.email)  # frees a place: promotion
    withdraw_application(attendees[2][0], expected_version=attendees[2][0].version)
    speakers = [verify(submit(consultation, Role.PANELIST)[1]) for _ in range(4)]
    for speaker, decision in zip(
        speakers,
        (Decision.ACCEPT, Decision.ACCEPT, Decision.WAITLIST, Decision.REJECT),
        strict=True,
    ):
        decide_application(speaker, decision, by=admin, expected_version=speaker.version)
    confirm_participation(speakers[0], expected_version=speakers[0].version)
    decline_participation(speakers[1], expected_version=speakers[1].version)
    request_erasure(speakers[3])
    erase_application(speakers[0], by=admin.email, user_id=admin.id)
    db.session.expire_all()
    for application in db.session.execute(select(Application)).scalars():
        assert application.version == len(application.events), application.reference


def test_the_verification_email_carries_the_reference_given_at_the_end(ctx):
    """The email is rendered before the reference is taken (so the counter's lock is
    held briefly): the stand-in never reaches the outbox, the real reference does."""
    from consult.applications.services import REFERENCE_SLOT
    from consult.notifications.models import OutboxMessage

    consultation = make_consultation()
    first, _ = submit(consultation, Role.KEYNOTE)
    second, _ = submit(consultation, Role.KEYNOTE)
    assert (first.reference, second.reference) == ("FM-K-0001", "FM-K-0002")
    for application in (first, second):
        message = db.session.execute(
            select(OutboxMessage).where(OutboxMessage.application_id == application.id)
        ).scalar_one()
        assert message.idempotency_key == f"application:{application.reference}:verify_email"
        for part in (message.subject, message.body_text, message.body_html):
            assert application.reference in part
            assert REFERENCE_SLOT not in part
