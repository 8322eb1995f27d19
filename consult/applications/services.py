"""Application transitions: the only code that changes an application's state.

Each public function is one transaction: check who may do it and from which state,
change the state (bumping the version), write an audit event and queue its emails.
Views and the CLI call these; none of them sets `state` by hand.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from consult.accounts.models import User
from consult.accounts.services import email_admins, require_admin
from consult.applications.audit import EventKind, record_change
from consult.applications.models import Answer, Application, AuditEvent, applications_where
from consult.applications.places import (  # noqa: F401  (re-exported for callers)
    lock_offer,
    places_taken,
    places_taken_by_role,
    waiting_list,
)
from consult.applications.states import (  # noqa: F401  (re-exported for callers)
    EFFECTS,
    TRANSITIONS,
    Actor,
    admission_of,
    admitted,
    can_answer,
    can_transition,
    can_verify,
    can_withdraw,
    confirmation_open,
    holds_place,
    leaving_selection,
)
from consult.applications.tokens import find_by_token, hash_token, status_link  # noqa: F401
from consult.consultations.models import Consultation, RoleOffer
from consult.consultations.questions import questions_asked
from consult.consultations.services import active_organizations
from consult.database import transaction, utcnow
from consult.enums import ENDED_STATES, ApplicationState, Role
from consult.errors import Conflict, DomainError, Forbidden, Gone, Invalid
from consult.extensions import db
from consult.http import public_url
from consult.notifications.calendar import consultation_ics
from consult.notifications.models import OutboxMessage
from consult.notifications.services import queue_email

S = ApplicationState


class ApplicationError(DomainError):
    """A refused operation on an application (consult.errors: the kind gives the status)."""


class ApplicationsNotOpen(ApplicationError, Gone):
    pass


class DuplicateApplication(ApplicationError, Conflict):
    pass


class InvalidApplication(ApplicationError, Invalid):
    pass


class TransitionNotAllowed(ApplicationError, Conflict):
    pass


class StaleApplication(ApplicationError, Conflict):
    pass


class CapacityReached(ApplicationError, Conflict):
    pass


class NotAllowed(ApplicationError, Forbidden):
    pass


class ConfirmationClosed(ApplicationError, Gone):
    pass


class Decision(enum.StrEnum):
    """What an admin decides about an application under review or on the waitlist."""

    ACCEPT = "accept"
    WAITLIST = "waitlist"
    REJECT = "reject"

    @property
    def target(self) -> ApplicationState:
        return {
            Decision.ACCEPT: S.ACCEPTED,
            Decision.WAITLIST: S.WAITLISTED,
            Decision.REJECT: S.REJECTED,
        }[self]


def decisions_from(state: ApplicationState) -> list[Decision]:
    """The decisions an admin can take on an application in `state`."""
    return [d for d in Decision if can_transition(state, d.target, Actor.ADMIN)]


@dataclass(frozen=True)
class ApplicationData:
    """What an applicant gives; already validated for form and length by the form."""

    full_name: str
    email: str
    country: str
    category_id: int
    role: Role
    organization_name: str = ""
    organization_id: int | None = None
    job_title: str = ""
    gender: str = ""
    topic: str = ""
    abstract: str = ""
    bio: str = ""
    accessibility_needs: str = ""
    list_publicly: bool = False
    # Answers to the consultation's own questions asked of the role: {question id: text}
    # (consult.applications.answers).
    answers: dict[int, str] = field(default_factory=dict)
    # The form's one-time key (a retry of the same form is not a second application).
    submission_key: str = ""


def submission_key_hash(raw: str) -> str | None:
    return hash_token(raw) if raw else None


def normalise_email(address: str) -> str:
    return address.strip().lower()


def other_live_applications(application: Application) -> list[Application]:
    """The same person's other live applications to the same consultation (another
    role: one per role is allowed), by email address. Someone applying as a panelist and
    as an attendee is told, and the secretariat sees it."""
    if application.erased_at is not None:
        return []
    return applications_where(
        Application.consultation_id == application.consultation_id,
        Application.email == application.email,
        Application.id != application.id,
        Application.state.not_in(ENDED_STATES),
        Application.erased_at.is_(None),
    )


STALE_MESSAGE = _l(
    "This application changed while you were looking at it. "
    "Please review its current state and try again."
)


def check_version(application: Application, expected_version: int | None) -> None:
    if expected_version is not None and application.version != expected_version:
        raise StaleApplication(STALE_MESSAGE)


def move_state(
    application: Application,
    to: ApplicationState,
    *,
    actor: Actor,
    actor_name: str,
    actor_user_id: int | None = None,
    note: str = "",
    expected_version: int | None = None,
    notify: bool = True,
    **email_context,
) -> AuditEvent:
    """Make one move of the state machine and apply its declared effects (EFFECTS in
    states.py), inside the caller's transaction (no commit): check the version and who
    may move it, take a speaker out of the programme (the `leaving_selection` hook),
    change the state (bumping the version), write the audit event, queue the
    applicant's email (unless `notify` is off) and give a freed place to the waiting
    list. A move that frees a place needs the offer locked by the caller (lock_offer)."""
    check_version(application, expected_version)
    if not can_transition(application.state, to, actor):
        raise TransitionNotAllowed(
            _(
                "An application that is “%(state)s” cannot be moved to “%(to)s”.",
                state=application.state.label,
                to=to.label,
            )
        )
    previous = application.state
    effects = EFFECTS[(previous, to)]
    if effects.leaves_programme:
        # In the same event, so the programme page can tell the secretariat. (Before the
        # state changes: reading the session must not autoflush a second version.)
        note += "".join(leaving_selection(application))
    application.state = to
    application.pending_decision = None  # (a decision not yet announced is overtaken)
    application.pending_message = ""
    try:
        db.session.flush()  # the UPDATE checks the version: a concurrent change fails here
    except StaleDataError as exc:
        raise StaleApplication(STALE_MESSAGE) from exc
    event = AuditEvent(
        application_id=application.id,
        actor=actor_name,
        actor_user_id=actor_user_id,
        from_state=previous,
        to_state=to,
        version=application.version,
        note=note,
    )
    db.session.add(event)
    db.session.flush()
    if effects.admits:
        admitted(application)
    if notify and effects.email:
        queue_applicant_email(
            application, effects.email, event, calendar=effects.calendar, **email_context
        )
    if notify and effects.tells_admins:
        _queue_secretariat_notice(application, previous)
    if effects.frees_place:  # (declared only for moves out of a held place)
        fill_free_places(application.offer)
    return event


def queue_applicant_email(
    application: Application,
    template: str,
    event: AuditEvent | None,
    *,
    key: str = "",
    check_existing: bool = True,
    calendar: bool = False,
    send_after: timedelta | None = None,
    coalesce: bool = False,
    texts: tuple[str, str] | None = None,
    **context,
) -> OutboxMessage:
    """Queue `template` for the applicant, in their language: the one way every email
    to an applicant is queued. `calendar` attaches the meeting's .ics (with a link to
    the printable confirmation). Links are stored with LINK_TOKEN in place of a token
    (the mail worker mints one when it sends: see tokens.py). `send_after` and
    `coalesce` are queue_email's (one email per batch of edits); `texts` too (a
    subject and body the secretariat wrote, with placeholders)."""
    link = status_link()
    context["link"] = link
    ics = ""
    if calendar:
        context.setdefault("admission", admission_of(application))
        ics = consultation_ics(application.consultation, application, url=link)
        context.setdefault("confirmation_link", link + "/confirmation")
    message = queue_email(
        key=key or f"application:{application.id}:{template}:{event.id}",
        template=template,
        to=application.email,
        language=application.language,
        context={"application": application, "consultation": application.consultation, **context},
        application_id=application.id,
        calendar=ics,
        check_existing=check_existing,
        send_after=send_after,
        coalesce=coalesce,
        texts=texts,
    )
    message.application = application  # (before its first flush, the id is not known)
    return message


# Stands in for a new application's reference while its email is rendered (see
# submit_application); text no template changes (no case, no escaping).
REFERENCE_SLOT = "FM-REF-0000000000"


def _next_reference(consultation: Consultation, offer: RoleOffer) -> str:
    number = db.session.execute(
        update(RoleOffer)
        .where(RoleOffer.id == offer.id)
        .values(last_reference_number=RoleOffer.last_reference_number + 1)
        .returning(RoleOffer.last_reference_number)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    db.session.expire(offer, ["last_reference_number"])
    return f"{consultation.reference_prefix}-{offer.role.letter}-{number:04d}"


def live_application_exists(consultation: Consultation, role: Role, email: str) -> bool:
    return (
        db.session.execute(
            select(Application.id).where(
                Application.consultation_id == consultation.id,
                Application.role == role,
                Application.email == normalise_email(email),
                Application.state.not_in(ENDED_STATES),
            )
        ).first()
        is not None
    )


# (lazy: translated when raised, in the language of whoever is told)
_DUPLICATE_MESSAGE = _l(
    "You have already applied for this role with this email address. "
    "Follow your application with the link in the email we sent you."
)


def check_answers(consultation: Consultation, role: Role, answers: dict[int, str]) -> None:
    """Answers only to questions asked of the role, and one to each required one (the
    form checks the same beside each field; this is the rule for any caller)."""
    asked = questions_asked(consultation.id, role)
    if set(answers) - {q.id for q in asked}:
        raise InvalidApplication(_("Answer only the questions on the form."))
    if any(q.required and not answers.get(q.id) for q in asked):
        raise InvalidApplication(_("Answer every required question."))


def _check_application(consultation: Consultation, data: ApplicationData) -> RoleOffer:
    """Refuse what the form cannot: a closed window, an offer, category or organization
    the consultation does not have, a live application of the same address and role.
    Returns the role's offer."""
    if not consultation.accepts_applications_at(utcnow()):
        raise ApplicationsNotOpen(_("This consultation is not accepting applications."))
    offer = consultation.offer_for(data.role)
    if offer is None:
        raise InvalidApplication(_("This consultation does not offer that role."))
    if data.category_id not in {category.id for category in consultation.categories}:
        raise InvalidApplication(_("This consultation is not open to that stakeholder category."))
    if data.organization_id is not None and data.organization_id not in {
        o.id for o in active_organizations()
    }:
        raise InvalidApplication(_("Please choose an organization from the list."))
    check_answers(consultation, data.role, data.answers)
    if live_application_exists(consultation, data.role, normalise_email(data.email)):
        raise DuplicateApplication(_DUPLICATE_MESSAGE)
    return offer


def _new_application(consultation: Consultation, data: ApplicationData, language: str):
    """The application as given (stripped; speaker fields only for speakers), with a
    stand-in reference (REFERENCE_SLOT) until the number is taken."""
    speaker = data.role.is_speaker
    return Application(
        reference=REFERENCE_SLOT,
        consultation_id=consultation.id,
        consultation=consultation,  # for the email, rendered before the flush
        role=data.role,
        state=S.SUBMITTED,
        full_name=data.full_name.strip(),
        email=normalise_email(data.email),
        organization_name=data.organization_name.strip(),
        organization_id=data.organization_id,
        job_title=data.job_title.strip(),
        country=data.country,
        category_id=data.category_id,
        gender=data.gender,
        topic=data.topic.strip() if speaker else "",
        abstract=data.abstract.strip() if speaker else "",
        bio=data.bio.strip() if speaker else "",
        accessibility_needs=data.accessibility_needs.strip(),
        list_publicly=data.list_publicly,
        language=language,
        submission_key=submission_key_hash(data.submission_key),
        answers=[Answer(question_id=q, value=v) for q, v in sorted(data.answers.items()) if v],
    )


def submit_application(
    consultation: Consultation, data: ApplicationData, *, language: str = "en"
) -> Application:
    """Create a submitted application and queue the email that verifies its address.

    The email's private link is minted by the mail worker when it sends it.
    """
    offer = _check_application(consultation, data)
    try:
        with transaction():
            # Everything is built and the email rendered first, with a stand-in for the
            # reference; the reference counter's row lock (and the kept count's, taken
            # by the INSERT) is then held only for the writes and the commit, so
            # concurrent applications for a role wait for each other as briefly as can be.
            application = _new_application(consultation, data, language)
            db.session.add(application)
            # One flush for the three rows: the event and the email refer to the new
            # application by relationship, and the email's key by its reference (there
            # is no id before the flush).
            event = AuditEvent(
                application=application,
                actor=Actor.APPLICANT.value,
                from_state=None,
                to_state=S.SUBMITTED,
                version=1,
            )
            db.session.add(event)
            message = queue_applicant_email(
                application,
                "verify_email",
                event,
                key=f"application:{REFERENCE_SLOT}:verify_email",
                check_existing=False,  # a new application's key cannot have been queued
            )
            with db.session.no_autoflush:
                reference = _next_reference(consultation, offer)
            application.reference = reference
            for part in ("idempotency_key", "subject", "body_text", "body_html"):
                setattr(message, part, getattr(message, part).replace(REFERENCE_SLOT, reference))
    except IntegrityError as exc:
        # Two submissions raced past the check above; the partial unique index decided.
        if live_application_exists(consultation, data.role, normalise_email(data.email)):
            raise DuplicateApplication(_DUPLICATE_MESSAGE) from exc
        raise
    return application


# A repeat application is answered exactly like a first one; the owner of the address
# gets "you already applied, here is your link" at most this often per address.
ALREADY_APPLIED_WINDOW = timedelta(hours=24)
ALREADY_APPLIED_PER_WINDOW = 3


def apply(
    consultation: Consultation, data: ApplicationData, *, language: str = "en"
) -> Application | None:
    """What the public form does: submit a new application, or, when this address
    already has a live one for the role, email its owner a reminder with the link.

    The caller must answer both the same way (the page must not reveal whether an
    address has applied). Returns the new application, or None for a repeat.
    """
    try:
        return submit_application(consultation, data, language=language)
    except DuplicateApplication:
        remind_existing_application(
            consultation, data.role, data.email, submission_key=data.submission_key
        )
        return None


def remind_existing_application(
    consultation: Consultation, role: Role, email: str, *, submission_key: str = ""
) -> bool:
    """Queue "you have already applied" for the live application of `email`, unless the
    address had ALREADY_APPLIED_PER_WINDOW of them lately (so the form cannot be used
    to flood someone's mailbox), or unless it is the very form that made it, sent again
    (a retry after a lost answer: the first email is on its way). Returns whether an
    email was queued."""
    email = normalise_email(email)
    application = db.session.execute(
        select(Application).where(
            Application.consultation_id == consultation.id,
            Application.role == role,
            Application.email == email,
            Application.state.not_in(ENDED_STATES),
        )
    ).scalar_one_or_none()
    if application is None:
        return False
    key = submission_key_hash(submission_key)
    if key is not None and application.submission_key == key:
        return False
    now = utcnow()
    recent = db.session.execute(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.to_address == email,
            OutboxMessage.template == "already_applied",
            OutboxMessage.created_at > now - ALREADY_APPLIED_WINDOW,
        )
    ).scalar_one()
    if recent >= ALREADY_APPLIED_PER_WINDOW:
        return False
    with transaction():
        queue_applicant_email(
            application,
            "already_applied",
            None,
            key=f"application:{application.id}:already_applied:{now:%Y%m%dT%H%M%S.%f}",
        )
    return True


def verify_email_address(application: Application) -> Application:
    """The applicant confirms their address (a POST from the private-link page; never
    merely opening the link, which mail scanners and previews do on their behalf).

    Verification moves a submitted application on: to review for roles that need
    it, otherwise (attendees) to confirmed while places remain, else the waitlist.
    Confirming an already confirmed address changes nothing.
    """
    if application.state != S.SUBMITTED:
        return application
    with transaction():
        # Lock the offer so two verifications cannot both take the last place.
        offer = lock_offer(application)
        db.session.refresh(application)
        if application.state != S.SUBMITTED:  # verified by a parallel request
            return application
        if offer.needs_review:
            to, note = S.UNDER_REVIEW, ""
        elif places_taken(offer) < offer.capacity:
            to, note = S.CONFIRMED, ""
        else:
            to, note = S.WAITLISTED, " All places are taken."
        # Set only now: a change made before the count above would be flushed by it,
        # and the application would get two versions for one transition.
        application.email_verified_at = utcnow()
        move_state(
            application,
            to,
            actor=Actor.APPLICANT,
            actor_name=Actor.APPLICANT.value,
            note="Email address confirmed." + note,
        )
    return application


def _applicant_answer(
    application: Application,
    to: ApplicationState,
    *,
    note: str,
    expected_version: int,
    leaving_reason: str | None = None,
) -> Application:
    """An applicant's own move from their status page (withdraw, confirm, decline):
    one transaction with the offer locked (a place it frees goes to the waiting list).
    A `leaving_reason` is kept on the application before the move (its effects, the
    admins' notice, say it)."""
    with transaction():
        offer = lock_offer(application)
        check_version(application, expected_version)
        if to == S.CONFIRMED:
            _check_confirmation_deadline(offer)
        if leaving_reason is not None:
            application.leaving_reason = leaving_reason
        move_state(
            application,
            to,
            actor=Actor.APPLICANT,
            actor_name=Actor.APPLICANT.value,
            note=note,
            expected_version=expected_version,
        )
    return application


def set_public_listing(application: Application, listed: bool, *, expected_version: int):
    """The applicant's consent to be named in public, changed from their status page:
    one audit event (and one version), effective at once."""
    with transaction():
        check_version(application, expected_version)
        if application.list_publicly == listed:
            return application
        application.list_publicly = listed
        try:
            record_change(
                application,
                actor=Actor.APPLICANT.value,
                note="Agreed to be named in public."
                if listed
                else "Withdrew consent to be named in public.",
                kind=EventKind.CONSENT,
            )
        except StaleDataError as exc:
            raise StaleApplication(STALE_MESSAGE) from exc
    return application


def withdraw_application(
    application: Application, *, expected_version: int, reason: str = ""
) -> Application:
    """The applicant withdraws, or cancels a confirmed place (CANCELLED), with an
    optional reason for the secretariat (kept on the application, erased with it; the
    append-only audit event only says that one was given).

    A place held (accepted, confirmed) is freed: the waiting list moves up
    (fill_free_places), a speaker leaves their session, and the secretariat's admins
    are emailed, so that nobody learns of it only on the day.
    """
    reason = reason.strip()
    cancelling = application.state is S.CONFIRMED
    note = ("Cancelled" if cancelling else "Withdrawn") + " by the applicant."
    note += " They gave a reason." if reason else ""
    return _applicant_answer(
        application,
        S.CANCELLED if cancelling else S.WITHDRAWN,
        note=note,
        expected_version=expected_version,
        leaving_reason=reason,
    )


def _queue_secretariat_notice(application: Application, previous: ApplicationState) -> None:
    """Email each active admin that a person holding a place has left -- declined,
    withdrew or cancelled (in the admin's own language), with their reason and a link
    to the application. The `tells_admins` effect of those moves."""
    email_admins(
        "participant_left",
        f"application:{application.id}:left:{application.version}",
        {
            "application": application,
            "consultation": application.consultation,
            "was_confirmed": previous is S.CONFIRMED,
            "declined": application.state is S.DECLINED,
            "reason": application.leaving_reason or "",
            "link": public_url("review.detail", application_id=application.id),
        },
        # (It names the person: tied to the application, it is erased with it.)
        application_id=application.id,
    )


def fill_free_places(offer: RoleOffer) -> list[Application]:
    """Promote waitlisted people into free places of an offer without review.

    Runs inside the caller's transaction (with the offer locked). Offers that need
    review are left to the secretariat, whose queue shows who is next.
    """
    if offer.needs_review:
        return []
    promoted = []
    free = offer.capacity - places_taken(offer)
    if free <= 0:
        return []
    for application in waiting_list(offer, limit=free):
        move_state(
            application,
            S.CONFIRMED,
            actor=Actor.SYSTEM,
            actor_name=Actor.SYSTEM.value,
            note="A place became free.",
        )
        promoted.append(application)
    return promoted


def check_deciding(by: User) -> None:
    """Only an active administrator decides (now, or pending for later)."""
    require_admin(by, _("Only administrators may decide on applications."), NotAllowed)


def decide_application(
    application: Application,
    decision: Decision,
    *,
    by: User,
    expected_version: int,
    message: str = "",
    override_capacity: bool = False,
) -> AuditEvent:
    """An admin accepts, waitlists or rejects; the applicant is emailed the outcome.

    Accepting when every place is taken is refused unless `override_capacity`.
    """
    check_deciding(by)
    message = message.strip()
    with transaction():
        offer = lock_offer(application)
        check_version(application, expected_version)
        if application.state is S.REJECTED and live_application_exists(
            application.consultation, application.role, application.email
        ):
            # (A rejected application is no longer live: the person may have applied
            # again since, and two live ones for a role cannot be.)
            raise DuplicateApplication(
                _(
                    "This person has applied again for this role since: decide on that "
                    "application instead."
                )
            )
        if decision is Decision.ACCEPT and not override_capacity:
            taken = places_taken(offer)
            if taken >= offer.capacity:
                raise CapacityReached(
                    ngettext(
                        "The %(num)d place for the role “%(role)s” is taken. "
                        "Choose to accept beyond capacity if you mean to.",
                        "All %(num)d places for the role “%(role)s” are taken. "
                        "Choose to accept beyond capacity if you mean to.",
                        offer.capacity,
                        role=offer.role.label,
                    )
                )
        # The message is personal data: it lives on the application (erasable), and the
        # append-only audit log only says that there was one. A decision taken replaces
        # any pending one (consult.applications.decisions).
        application.secretariat_message = message
        application.pending_decision = None
        application.pending_message = ""
        event = move_state(
            application,
            decision.target,
            actor=Actor.ADMIN,
            actor_name=by.email,
            actor_user_id=by.id,
            note="With a message to the applicant." if message else "",
            expected_version=expected_version,
            message=message,
            offer=offer,
        )
    return event


@dataclass(frozen=True)
class DecisionOutcome:
    reference: str
    ok: bool
    message: str = ""


def _check_confirmation_deadline(offer: RoleOffer) -> None:
    if offer.confirm_by is not None and utcnow() > offer.confirm_by:
        raise ConfirmationClosed(
            _("The deadline to confirm has passed. Please write to the secretariat.")
        )


def confirm_participation(application: Application, *, expected_version: int) -> Application:
    """An accepted speaker confirms before the offer's deadline; the confirmation email
    carries the meeting's calendar entry."""
    return _applicant_answer(
        application,
        S.CONFIRMED,
        note="Participation confirmed.",
        expected_version=expected_version,
    )


def decline_participation(application: Application, *, expected_version: int) -> Application:
    """An accepted speaker declines; the place goes back (see fill_free_places)."""
    return _applicant_answer(
        application,
        S.DECLINED,
        note="Declined by the applicant.",
        expected_version=expected_version,
    )


REMINDER_WINDOW = timedelta(days=3)
# The second, last reminder: a day before the deadline.
LAST_REMINDER_WINDOW = timedelta(days=1)


def queue_confirmation_reminders(now: datetime | None = None) -> int:
    """Reminders to accepted people who have not answered: one when the deadline is
    less than 3 days away, a last one when it is less than a day away (the first is
    skipped if the last is already due). Idempotent: the key names the deadline and
    the reminder, so running it again (from cron, say) queues nothing new."""
    now = now or utcnow()
    due = db.session.execute(
        select(Application, RoleOffer.confirm_by)
        .join(
            RoleOffer,
            (RoleOffer.consultation_id == Application.consultation_id)
            & (RoleOffer.role == Application.role),
        )
        .where(
            Application.state == S.ACCEPTED,
            RoleOffer.confirm_by.is_not(None),
            RoleOffer.confirm_by > now,
            RoleOffer.confirm_by <= now + REMINDER_WINDOW,
        )
        .order_by(Application.id)
    ).all()
    queued = 0
    for application, deadline in due:
        key = f"application:{application.id}:reminder:{deadline:%Y%m%dT%H%M}"
        last = deadline - now <= LAST_REMINDER_WINDOW
        if last:
            key += ":last"
        if db.session.execute(
            select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)
        ).first():
            continue
        with transaction():
            queue_applicant_email(
                application,
                "confirmation_reminder",
                None,
                key=key,
                deadline=deadline,
                offer=application.offer,
                last_reminder=last,
            )
        queued += 1
    return queued


def sample_application(consultation: Consultation) -> Application:
    """The made-up applicant of email previews (`preview_recipient`): nobody's real data,
    never added to the database."""
    return Application(
        full_name="Amina Diallo",
        reference=f"{consultation.reference_prefix}-P-0042",
        role=Role.PANELIST,
        email="amina.diallo@example.org",
    )
