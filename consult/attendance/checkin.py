"""The check-in desk and who came.

One click checks a confirmed participant in. Checking in twice says when and by whom
the first was, and never counts twice: the CheckIn row is unique per application, so
two desks pressing at once make one check-in (the second insert fails inside its
savepoint and reads the first). An undo is allowed the same day (in the meeting's time
zone). Every check-in and undo is an event in the application's history, naming the
desk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.applications.audit import EventKind, record_staff_change
from consult.applications.models import Application
from consult.applications.search import matching_applications
from consult.attendance.models import CheckIn
from consult.consultations.models import Consultation
from consult.database import utc_to_local, utcnow
from consult.enums import ApplicationState
from consult.errors import Conflict, Forbidden
from consult.extensions import db

SEARCH_LIMIT = 20


class CheckInRefused(Conflict):
    """Not someone who can be checked in (not confirmed, another consultation)."""


def may_work_the_desk(user: User) -> bool:
    return user.active and (user.is_admin or user.is_desk)


def _check(user: User) -> None:
    if not may_work_the_desk(user):
        raise Forbidden(_("Only the check-in desk and administrators may check people in."))


@dataclass(frozen=True)
class Outcome:
    check_in: CheckIn
    new: bool  # False: they were checked in before (check_in says when, by whom)


def check_in(application: Application, *, by: User, desk: str = "") -> Outcome:
    """Check a confirmed participant in, once."""
    _check(by)
    if application.state != ApplicationState.CONFIRMED:
        raise CheckInRefused(
            _(
                "%(name)s is not a confirmed participant: not checked in.",
                name=application.full_name,
            )
        )
    existing = checked_in(application.id)
    if existing is not None:
        return Outcome(existing, new=False)
    row = CheckIn(
        application_id=application.id,
        consultation_id=application.consultation_id,
        by_user_id=by.id,
        desk=desk.strip()[:64],
    )
    try:
        db.session.add(row)
        db.session.flush()
    except sa.exc.IntegrityError:
        # Another desk did it a moment ago: theirs is the check-in. (Nothing else is
        # in this transaction: the request does only this.)
        db.session.rollback()
        return Outcome(checked_in(application.id), new=False)
    record_staff_change(
        application,
        by,
        note=f"Checked in{f' at {row.desk}' if row.desk else ''}.",
        kind=EventKind.CHECKED_IN,
    )
    db.session.commit()
    return Outcome(row, new=True)


def checked_in(application_id: int) -> CheckIn | None:
    return db.session.execute(
        select(CheckIn).where(CheckIn.application_id == application_id)
    ).scalar_one_or_none()


def can_undo(row: CheckIn, consultation: Consultation, now: datetime | None = None) -> bool:
    """Undo is for a mistake at the desk: the same day, in the meeting's time zone."""
    tz = consultation.timezone
    return utc_to_local(row.checked_in_at, tz).date() == utc_to_local(now or utcnow(), tz).date()


def undo(application: Application, *, by: User, desk: str = "") -> bool:
    """Take a check-in back (the same day). False if there was none to take back."""
    _check(by)
    row = checked_in(application.id)
    if row is None:
        return False
    if not can_undo(row, application.consultation):
        raise CheckInRefused(_("A check-in can be undone only on the day it was made."))
    db.session.delete(row)
    desk = desk.strip()[:64]
    record_staff_change(
        application,
        by,
        note=f"Check-in undone{f' at {desk}' if desk else ''}.",
        kind=EventKind.CHECK_IN_UNDONE,
    )
    db.session.commit()
    return True


def find_participants(
    consultation: Consultation, text: str
) -> list[tuple[Application, CheckIn | None]]:
    """Confirmed participants whose name, organization, reference or email contains
    `text`, with their check-in if any (one query)."""
    text = text.strip()
    if not text:
        return []
    return participants(consultation, matching_applications(text), limit=SEARCH_LIMIT)


def participants(
    consultation: Consultation, *conditions, limit: int | None = None
) -> list[tuple[Application, CheckIn | None]]:
    """The confirmed participants (who match `conditions`), by name, each with their
    check-in or None (one query): the desk's search, the security office's list."""
    rows = db.session.execute(
        _confirmed(select(Application, CheckIn), consultation)
        .where(*conditions)
        .order_by(Application.full_name, Application.id)
        .limit(limit)
    ).all()
    return [(a, c) for a, c in rows]


def _confirmed(query, consultation: Consultation):
    return query.outerjoin(CheckIn, CheckIn.application_id == Application.id).where(
        Application.consultation_id == consultation.id,
        Application.state == ApplicationState.CONFIRMED,
    )


def attendance_counts(consultation: Consultation) -> tuple[int, int]:
    """(checked in, confirmed) for the desk's heading (one query)."""
    confirmed, came = db.session.execute(
        _confirmed(select(func.count(Application.id), func.count(CheckIn.id)), consultation)
    ).one()
    return came, confirmed
