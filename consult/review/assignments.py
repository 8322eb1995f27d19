"""Who reviews what: admins assign speaker applications to
reviewers, by hand or spread evenly; a reviewer declares a conflict of interest, which
hides the application from them and keeps it from ever being assigned to them; and
"review the next one" takes a reviewer to the application that most needs them.

Every assignment and conflict is an audit event on the application."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from consult.accounts.models import User, UserRole
from consult.accounts.services import require_admin
from consult.applications.audit import EventKind, record_change, record_staff_change
from consult.applications.models import Application, applications_where
from consult.applications.services import DecisionOutcome
from consult.consultations.models import Consultation
from consult.database import transaction
from consult.enums import ApplicationState
from consult.extensions import db
from consult.programme.services import SPEAKER_ROLES
from consult.review.models import Review, ReviewAssignment, ReviewConflict
from consult.review.services import assigned_to, conflicted, reviewed_by


def _check_admin(by: User) -> None:
    require_admin(by, _("Only administrators may assign applications."))


def reviewers() -> list[User]:
    """The active staff who review (reviewers and admins), by name."""
    return list(
        db.session.execute(
            select(User)
            .where(User.active, User.role.in_((UserRole.REVIEWER, UserRole.ADMIN)))
            .order_by(User.name, User.id)
        ).scalars()
    )


def _same_organization(application: Application, reviewer: User) -> bool:
    return (
        application.organization_id is not None
        and application.organization_id == reviewer.organization_id
    )


def _exists(model, application_id: int, reviewer_id: int) -> bool:
    """Is there a row of `model` (an assignment, a conflict) for this pair?"""
    return (
        db.session.execute(
            select(model.id).where(
                model.application_id == application_id, model.reviewer_id == reviewer_id
            )
        ).first()
        is not None
    )


def has_conflict(application_id: int, reviewer_id: int) -> bool:
    return _exists(ReviewConflict, application_id, reviewer_id)


def _assign(application: Application, reviewer: User, by: User, note: str) -> bool:
    """One assignment and its audit event (the caller's transaction); False when it
    was there already."""
    if _exists(ReviewAssignment, application.id, reviewer.id):
        return False
    db.session.add(ReviewAssignment(application_id=application.id, reviewer_id=reviewer.id))
    record_staff_change(
        application,
        by,
        note=f"Assigned to {reviewer.email} for review{note}.",
        kind=EventKind.ASSIGNED,
    )
    return True


def assign(application_ids: list[int], reviewer: User, *, by: User) -> list[DecisionOutcome]:
    """Assign a selection to one reviewer (the queue's bulk form): refused where the
    reviewer declared a conflict or works for the applicant's organization."""
    _check_admin(by)
    outcomes = []
    for application in applications_where(Application.id.in_(application_ids)):
        if has_conflict(application.id, reviewer.id):
            message = _("%(name)s declared a conflict of interest.", name=reviewer.name)
            outcomes.append(DecisionOutcome(application.reference, False, message))
            continue
        if _same_organization(application, reviewer):
            message = _("%(name)s works for the applicant's organization.", name=reviewer.name)
            outcomes.append(DecisionOutcome(application.reference, False, message))
            continue
        with transaction():
            _assign(application, reviewer, by, " (by hand)")
        outcomes.append(DecisionOutcome(application.reference, True))
    return outcomes


def auto_assign(consultation: Consultation, per_application: int, *, by: User) -> int:
    """Give every speaker application under review `per_application` reviewers,
    spreading the load evenly (the least loaded reviewer first), never a reviewer with
    a conflict on it or from the applicant's organization. Returns how many assignments
    were made. One transaction: all or nothing."""
    _check_admin(by)
    staff = reviewers()
    if not staff:
        return 0
    applications = applications_where(
        Application.consultation_id == consultation.id,
        Application.role.in_(SPEAKER_ROLES),
        Application.state == ApplicationState.UNDER_REVIEW,
        order_by=(Application.created_at, Application.id),
    )
    ids = [a.id for a in applications]
    assigned: dict[int, set[int]] = {a.id: set() for a in applications}
    conflicts: dict[int, set[int]] = {a.id: set() for a in applications}
    for model, into in ((ReviewAssignment, assigned), (ReviewConflict, conflicts)):
        for application_id, reviewer_id in db.session.execute(
            select(model.application_id, model.reviewer_id).where(model.application_id.in_(ids))
        ):
            into[application_id].add(reviewer_id)
    load = {user.id: 0 for user in staff}
    for reviewer_ids in assigned.values():
        for reviewer_id in reviewer_ids:
            if reviewer_id in load:
                load[reviewer_id] += 1
    made = 0
    with transaction():
        for application in applications:
            have = assigned[application.id]
            candidates = [
                user
                for user in staff
                if user.id not in have
                and user.id not in conflicts[application.id]
                and not _same_organization(application, user)
            ]
            candidates.sort(key=lambda user: (load[user.id], user.id))
            for user in candidates[: max(0, per_application - len(have))]:
                _assign(application, user, by, " (spread automatically)")
                have.add(user.id)
                load[user.id] += 1
                made += 1
    return made


def declare_conflict(application: Application, reviewer: User) -> None:
    """The reviewer declares a conflict of interest: the application is hidden from
    them, their assignment to it (if any) goes, and it is never assigned to them."""
    if has_conflict(application.id, reviewer.id):
        return
    with transaction():
        db.session.add(ReviewConflict(application_id=application.id, reviewer_id=reviewer.id))
        db.session.execute(
            ReviewAssignment.__table__.delete().where(
                and_(
                    ReviewAssignment.application_id == application.id,
                    ReviewAssignment.reviewer_id == reviewer.id,
                )
            )
        )
        record_change(
            application,
            actor=reviewer.email,
            user_id=reviewer.id,
            note="Conflict of interest declared.",
            kind=EventKind.CONFLICT,
        )


def _of(model, application: Application) -> list:
    return list(
        db.session.execute(
            select(model).where(model.application_id == application.id).order_by(model.id)
        ).scalars()
    )


def conflicts_on(application: Application) -> list[ReviewConflict]:
    return _of(ReviewConflict, application)


def assignments_on(application: Application) -> list[ReviewAssignment]:
    return _of(ReviewAssignment, application)


@dataclass(frozen=True)
class Progress:
    assigned: int
    reviewed: int


def progress_of(consultation_id: int, reviewer_ids: list[int]) -> dict[int, Progress]:
    """For each reviewer, how many applications of the consultation are assigned to
    them and how many of those they have reviewed (one grouped query, however many)."""
    rows = db.session.execute(
        select(
            ReviewAssignment.reviewer_id,
            func.count(ReviewAssignment.id),
            func.count(Review.id),
        )
        .join(Application, Application.id == ReviewAssignment.application_id)
        .outerjoin(
            Review,
            and_(
                Review.application_id == ReviewAssignment.application_id,
                Review.reviewer_id == ReviewAssignment.reviewer_id,
            ),
        )
        .where(
            ReviewAssignment.reviewer_id.in_(reviewer_ids),
            Application.consultation_id == consultation_id,
        )
        .group_by(ReviewAssignment.reviewer_id)
    ).all()
    found = {reviewer_id: Progress(assigned, reviewed) for reviewer_id, assigned, reviewed in rows}
    return {reviewer_id: found.get(reviewer_id, Progress(0, 0)) for reviewer_id in reviewer_ids}


def progress(consultation_id: int, reviewer_id: int) -> Progress:
    """One reviewer's progress (the line above their queue)."""
    return progress_of(consultation_id, [reviewer_id])[reviewer_id]


def next_to_review(consultation_id: int, reviewer_id: int, seen: set[int]) -> Application | None:
    """The application that most needs this reviewer: assigned to them first (if they
    have assignments), then any; reviewable, not reviewed by them, no conflict, not
    already shown in this round (`seen`); fewest reviews, oldest first. One query
    (two when nothing assigned is left)."""
    base = [
        Application.consultation_id == consultation_id,
        Application.role.in_(SPEAKER_ROLES),
        Application.state == ApplicationState.UNDER_REVIEW,
        ~reviewed_by(reviewer_id),
        ~conflicted(reviewer_id),
    ]
    if seen:
        base.append(Application.id.not_in(seen))
    order = (Application.review_count, Application.created_at, Application.id)
    for extra in ([assigned_to(reviewer_id)], []):
        found = db.session.execute(
            select(Application).where(*base, *extra).order_by(*order).limit(1)
        ).scalar_one_or_none()
        if found is not None:
            return found
    return None
