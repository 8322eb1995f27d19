"""The applicant changes their own application from their private page: until the
call closes or the decision, whichever comes first, unless the secretariat locked it.
Each change is one audit event naming the fields (reviewers see "changed after your
review"). Who the person is (email, country, category, role) is not changed here:
those go through the secretariat."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from consult.accounts.models import User
from consult.applications.answers import save_answers
from consult.applications.audit import EventKind, record_change
from consult.applications.models import Application
from consult.applications.services import (
    STALE_MESSAGE,
    ApplicationError,
    InvalidApplication,
    StaleApplication,
    check_answers,
    check_version,
)
from consult.applications.states import Actor
from consult.consultations.services import active_organizations
from consult.database import transaction, utcnow
from consult.enums import ApplicationState
from consult.errors import Gone

S = ApplicationState
# Before a decision: the address to confirm, or the application with the reviewers.
EDITABLE_STATES = (ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW)

# The audit note's names of the fields (English, like every note in the log).
FIELD_NAMES = {
    "full_name": "name",
    "job_title": "job title",
    "organization_name": "organization",
    "organization_id": "listed organization",
    "topic": "topic",
    "abstract": "abstract",
    "bio": "biography",
    "accessibility_needs": "accessibility needs",
}
SPEAKER_FIELDS = ("topic", "abstract", "bio")


class EditingClosed(ApplicationError, Gone):
    """The application can no longer be changed by the applicant."""


def editing_closed_because(application: Application, now: datetime | None = None) -> str | None:
    """Why the applicant cannot change their application now (for their page), or None
    when they can."""
    now = now or utcnow()
    if application.erased_at is not None:
        return str(_l("Your data has been erased."))
    if application.state in (S.WITHDRAWN, S.DECLINED, S.CANCELLED):
        return str(_l("Your application is no longer open."))
    if application.state not in EDITABLE_STATES:
        return str(_l("The secretariat has taken a decision on your application."))
    if now >= application.consultation.applications_close_at:
        return str(_l("The call for applications has closed."))
    if application.editing_locked:
        return str(_l("The secretariat has closed your application to changes."))
    return None


def can_edit(application: Application, now: datetime | None = None) -> bool:
    return editing_closed_because(application, now) is None


@dataclass(frozen=True)
class ApplicationChanges:
    """The application's details as the applicant now gives them (the form checked
    lengths and the rules of role and category)."""

    full_name: str
    job_title: str = ""
    organization_name: str = ""
    organization_id: int | None = None
    topic: str = ""
    abstract: str = ""
    bio: str = ""
    accessibility_needs: str = ""
    answers: dict[int, str] = field(default_factory=dict)


def edit_application(
    application: Application, changes: ApplicationChanges, *, expected_version: int
) -> list[str]:
    """Save the applicant's changes: one audit event naming what changed (none if
    nothing did). Returns the names of the changed fields (for the page)."""
    reason = editing_closed_because(application)
    if reason is not None:
        raise EditingClosed(_("Your application can no longer be changed: %(why)s", why=reason))
    if changes.organization_id is not None and changes.organization_id not in {
        o.id for o in active_organizations()
    }:
        raise InvalidApplication(_("Please choose an organization from the list."))
    check_answers(application.consultation, application.role, changes.answers)
    with transaction():
        check_version(application, expected_version)
        changed = []
        for name in FIELD_NAMES:
            if name in SPEAKER_FIELDS and not application.role.is_speaker:
                continue
            value = getattr(changes, name)
            if isinstance(value, str):
                value = value.strip()
            if getattr(application, name) != value:
                setattr(application, name, value)
                changed.append(FIELD_NAMES[name])
        answered = save_answers(application, changes.answers)
        if answered:
            changed.append("answers to questions")
        if not changed:
            return []
        try:
            record_change(
                application,
                actor=Actor.APPLICANT.value,
                note="Changed: " + ", ".join(changed) + ".",
                kind=EventKind.EDITED,
            )
        except StaleDataError as exc:
            raise StaleApplication(STALE_MESSAGE) from exc
    return changed


def set_editing_locked(application: Application, locked: bool, *, by: User) -> None:
    """The secretariat closes (or reopens) the application to the applicant's changes
    (e.g. while it is being reviewed): audited; no version check needed, it changes
    nothing the applicant gave."""
    if application.editing_locked == locked:
        return
    with transaction():
        application.editing_locked = locked
        record_change(
            application,
            actor=by.email,
            user_id=by.id,
            note="The applicant can no longer change the application."
            if locked
            else "The applicant can change the application again.",
            kind=EventKind.EDITING_LOCKED if locked else EventKind.EDITING_UNLOCKED,
        )
