"""Applicants' personal data: what is kept, how a person gets a copy, and erasure.

Classification (docs/data-protection.md explains it for people):
- personal: name, email, organization, job title, topic, abstract, biography, the
  secretariat's message, reviewers' comments, email bodies and addresses;
- personal too: the answers to the consultation's own questions (deleted on erasure);
- special category: gender and accessibility needs (never exported in bulk without a
  security event, erased like the rest);
- kept after erasure, anonymous: reference, role, stakeholder category, country, state,
  dates and the audit trail's states (what the balance and the counts need).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from consult.applications.answers import answered_questions, erase_answers
from consult.applications.audit import EventKind, applicant_history, record_change
from consult.applications.models import AccessToken, Application
from consult.applications.places import lock_offer
from consult.applications.services import move_state
from consult.applications.states import Actor, can_transition
from consult.consultations.models import Consultation
from consult.database import transaction, utcnow
from consult.database.personal import erased_values
from consult.enums import ApplicationState
from consult.extensions import db
from consult.hooks import Hook
from consult.links import mask_token
from consult.notifications.models import OutboxMessage, OutboxState

# Fired with the ids of applications whose personal data is being erased (by a person's
# request or the retention purge), inside the erasing transaction: a feature above that
# keeps personal data about applications erases its part (the review comments).
erasing: Hook[[list[int]], None] = Hook("erasing")
# Asked for the person's own copy of their data (personal_data): a feature above that
# keeps data about an application gives its part as {section: value} (the reviews, the
# programme placement).
collecting: Hook[[Application], dict] = Hook("collecting")

# Asked by `consult data purge` (daily) of the features that keep data only until the
# meeting is over (the passport details of visa letters): each purges what is due and
# returns a line for the operator.
after_meetings: Hook[[], str] = Hook("after_meetings")


def personal_data(application: Application) -> dict:
    """Everything the secretariat holds about the person, for their own download."""
    consultation = application.consultation
    emails = db.session.execute(
        select(OutboxMessage)
        .where(OutboxMessage.application_id == application.id)
        .order_by(OutboxMessage.id)
    ).scalars()
    return {
        "reference": application.reference,
        "consultation": consultation.title,
        "role": application.role.value,
        "state": application.state.value,
        "stakeholder_category": application.category.name,
        "full_name": application.full_name,
        "email": application.email,
        "organization": application.display_organization,
        "job_title": application.job_title,
        "country": application.country,
        "gender": application.gender,
        "proposed_topic": application.topic,
        "abstract": application.abstract,
        "short_biography": application.bio,
        "accessibility_needs": application.accessibility_needs,
        "listed_publicly": application.list_publicly,
        "language": application.language,
        "answers": [
            {"question": a.question.label, "answer": a.value}
            for a in answered_questions(application)
            if a.value
        ],
        "message_from_the_secretariat": application.secretariat_message,
        "submitted_at": _iso(application.created_at),
        "email_confirmed_at": _iso(application.email_verified_at),
        "erasure_requested_at": _iso(application.erasure_requested_at),
        "history": [
            {"at": _iso(e.created_at), "state": e.to_state.value}
            for e in applicant_history(application)
        ],
        "emails": [
            {
                "queued_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
                "state": m.state.value,
                "to": m.to_address,
                "subject": m.subject,
                # As sent, except the private links (a copy must not open the account).
                "text": mask_token(m.body_text),
            }
            for m in emails
        ],
        **{section: value for part in collecting(application) for section, value in part.items()},
        "retention": {
            "erased_after": _iso(consultation.retention_until),
            "months_after_the_meeting": consultation.retention_months,
        },
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def request_erasure(application: Application) -> None:
    """The applicant asks for erasure (their status page): recorded for the secretariat,
    who erases (the request cannot be undone by the link)."""
    if application.erasure_requested_at is not None:
        return
    with transaction():
        application.erasure_requested_at = utcnow()
        record_change(
            application,
            actor=Actor.APPLICANT.value,
            note="The applicant asked for their personal data to be erased.",
            kind=EventKind.ERASURE_REQUESTED,
        )


def erase_application(application: Application, *, by: str, user_id: int | None = None) -> None:
    """Erase one person's data (an admin's action, or the retention purge): a live
    application is withdrawn first, so its place is freed; then every personal field,
    review comment, email body and private link goes. The audit log records that it
    happened, not what was erased."""
    if application.erased_at is not None:
        return
    with transaction():
        lock_offer(application)  # the withdrawal may free a place
        if can_transition(application.state, ApplicationState.WITHDRAWN, Actor.ADMIN):
            move_state(
                application,
                ApplicationState.WITHDRAWN,
                actor=Actor.ADMIN,
                actor_name=by,
                actor_user_id=user_id,
                note="Withdrawn because the person's data is erased.",
                notify=False,  # nothing is sent to a person whose data is being erased
            )
        _blank(application)
        # That it happened, by whom, never what was erased.
        record_change(
            application,
            actor=by,
            user_id=user_id,
            note="Personal data erased.",
            kind=EventKind.ERASED,
        )


def _blank(application: Application) -> None:
    """Every column the classification marks personal (consult.database.personal)."""
    now = utcnow()
    for name, value in erased_values(Application, application).items():
        setattr(application, name, value)
    application.erased_at = now
    application.erasure_requested_at = application.erasure_requested_at or now
    _erase_related([application.id])


def _erase_related(application_ids: list[int]) -> None:
    db.session.execute(delete(AccessToken).where(AccessToken.application_id.in_(application_ids)))
    erase_answers(application_ids)
    erasing(application_ids)
    # Unsent email to an erased person is not sent; of the others, what is not personal
    # stays (template, language, dates, state).
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.application_id.in_(application_ids),
            OutboxMessage.state.in_((OutboxState.QUEUED, OutboxState.SENDING)),
        )
        .values(state=OutboxState.FAILED, last_error="Not sent: the person's data was erased.")
    )
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.application_id.in_(application_ids))
        .values(**erased_values(OutboxMessage))
    )


def purge_expired(now: datetime | None = None) -> list[Consultation]:
    """Erase the personal data of every consultation past its retention date (cron-safe:
    a purged consultation is skipped). States and counts stay; places are not moved."""
    now = now or utcnow()
    purged = []
    candidates = db.session.execute(
        select(Consultation).where(Consultation.purged_at.is_(None)).order_by(Consultation.id)
    ).scalars()
    for consultation in list(candidates):
        if consultation.retention_until is None or consultation.retention_until > now:
            continue
        with transaction():
            applications = db.session.execute(
                select(Application).where(
                    Application.consultation_id == consultation.id,
                    Application.erased_at.is_(None),
                )
            ).scalars()
            for application in applications:
                _blank(application)
                record_change(
                    application,
                    actor=Actor.SYSTEM.value,
                    note="Personal data erased after the retention period.",
                    kind=EventKind.ERASED,
                )
            consultation.purged_at = now
        purged.append(consultation)
    return purged
