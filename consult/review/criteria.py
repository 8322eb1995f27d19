"""What reviewers score: per consultation, the admins define criteria
("Relevance to financing ICT4D", "Originality", "Regional perspective"), each scored 1–5
and counted with a weight. A review's total is the weighted mean of its scores; the
application's average and spread are computed over those totals. A consultation with
no criteria keeps the single overall score; reviews given before the criteria existed
keep their overall score as their total.

Every change is an event in the security log (the admins' record of settings)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.accounts.services import require_admin
from consult.applications.models import Application
from consult.cache import cached
from consult.consultations.models import Consultation
from consult.database import transaction
from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.review.models import (
    MAX_WEIGHT,
    MIN_WEIGHT,
    CriterionScore,
    Review,
    ReviewCriterion,
)
from consult.review.services import InvalidReview, refresh_scores, save_review
from consult.security.models import SecurityTag
from consult.security.services import record_event

MAX_CRITERIA = 12


class CriterionError(Invalid):
    """A criterion that cannot be saved as given (field: the form field to show it at)."""


class CriterionInUse(Conflict):
    """A deletion that would throw away reviewers' scores."""


def criteria_of(consultation_id: int) -> list[ReviewCriterion]:
    """The consultation's criteria in order (read-only copies from the process's cache:
    no query on a review page)."""

    def load(session):
        return list(
            session.execute(
                select(ReviewCriterion)
                .where(ReviewCriterion.consultation_id == consultation_id)
                .order_by(ReviewCriterion.position, ReviewCriterion.id)
            ).scalars()
        )

    return cached("criteria", consultation_id, load)


def weighted_mean(criteria: list[ReviewCriterion], scores: dict[int, int]) -> float:
    """The total of one review: Σ weight × score / Σ weight over the criteria."""
    weights = sum(c.weight for c in criteria)
    return sum(c.weight * scores[c.id] for c in criteria) / weights


def scored(consultation_id: int) -> dict[int, int]:
    """How many scores each criterion has been given: {criterion id: scores}."""
    return dict(
        db.session.execute(
            select(CriterionScore.criterion_id, func.count(CriterionScore.id))
            .join(ReviewCriterion, ReviewCriterion.id == CriterionScore.criterion_id)
            .where(ReviewCriterion.consultation_id == consultation_id)
            .group_by(CriterionScore.criterion_id)
        ).all()
    )


@dataclass(frozen=True)
class CriterionSettings:
    """What the admin's form gives (lengths checked by the form)."""

    name: str
    weight: int
    description: str = ""


def _check(by: User, settings: CriterionSettings | None = None) -> None:
    require_admin(by, _("Only administrators may change the review criteria."))
    if settings is None:
        return
    if not settings.name.strip():
        raise CriterionError(_("Give the criterion a name."), field="name")
    if not MIN_WEIGHT <= settings.weight <= MAX_WEIGHT:
        raise CriterionError(
            _("A weight goes from %(low)d to %(high)d.", low=MIN_WEIGHT, high=MAX_WEIGHT),
            field="weight",
        )


def _record(consultation_id: int, what: str) -> None:
    record_event(
        SecurityTag.SETTINGS_CHANGED, target=f"consultation {consultation_id}", detail=what
    )


def _described(criterion: ReviewCriterion) -> str:
    return f"review criterion {criterion.id} “{criterion.name}”, weight {criterion.weight}"


def add_criterion(consultation: Consultation, settings: CriterionSettings, by: User):
    """A new criterion, last in the list. Reviews saved before it keep their totals;
    a reviewer who changes their review then scores it too."""
    _check(by, settings)
    existing = db.session.execute(
        select(func.count(ReviewCriterion.id), func.max(ReviewCriterion.position)).where(
            ReviewCriterion.consultation_id == consultation.id
        )
    ).one()
    if existing[0] >= MAX_CRITERIA:
        raise CriterionError(
            ngettext(
                "A consultation can have at most %(num)d criterion.",
                "A consultation can have at most %(num)d criteria.",
                MAX_CRITERIA,
            ),
            field="name",
        )
    with transaction():
        criterion = ReviewCriterion(
            consultation_id=consultation.id,
            position=(existing[1] or 0) + 1,
            name=settings.name.strip(),
            description=settings.description.strip(),
            weight=settings.weight,
        )
        db.session.add(criterion)
        db.session.flush()
        _record(consultation.id, f"added {_described(criterion)}")
    return criterion


def change_criterion(criterion: ReviewCriterion, settings: CriterionSettings, by: User):
    """Rename, reword or reweigh a criterion. A new weight recounts every review that
    scored it, and the averages and spreads of their applications, in the same
    transaction: the queue never shows totals of two weightings."""
    _check(by, settings)
    reweighed = settings.weight != criterion.weight
    with transaction():
        criterion.name = settings.name.strip()
        criterion.description = settings.description.strip()
        criterion.weight = settings.weight
        db.session.flush()
        if reweighed:
            recount(criterion.consultation_id)
        _record(criterion.consultation_id, f"changed {_described(criterion)}")
    return criterion


def delete_criterion(criterion: ReviewCriterion, by: User) -> None:
    """Delete a criterion nobody has scored yet (scores are reviewers' work: a scored
    criterion is kept; its weight can still change)."""
    _check(by)
    if scored(criterion.consultation_id).get(criterion.id):
        raise CriterionInUse(
            _("Reviewers have scored this criterion: it cannot be deleted. Change its weight.")
        )
    with transaction():
        _record(criterion.consultation_id, f"deleted {_described(criterion)}")
        db.session.delete(criterion)


def recount(consultation_id: int) -> None:
    """Each review of the consultation that has criterion scores gets its total again
    from the current weights (one UPDATE), then the applications' averages and spreads
    (one more). In the caller's transaction."""
    weights = (
        select(func.sum(CriterionScore.score * ReviewCriterion.weight) * 1.0)
        .join(ReviewCriterion, ReviewCriterion.id == CriterionScore.criterion_id)
        .where(CriterionScore.review_id == Review.id)
        .scalar_subquery()
    )
    total_weight = (
        select(func.sum(ReviewCriterion.weight))
        .join(CriterionScore, CriterionScore.criterion_id == ReviewCriterion.id)
        .where(CriterionScore.review_id == Review.id)
        .scalar_subquery()
    )
    in_consultation = select(Application.id).where(Application.consultation_id == consultation_id)
    db.session.execute(
        Review.__table__.update()
        .where(
            Review.application_id.in_(in_consultation),
            Review.id.in_(select(CriterionScore.review_id)),
        )
        .values(score=weights / total_weight)
    )
    refresh_scores(Application.consultation_id == consultation_id, Application.review_count > 0)
    db.session.expire_all()


def save_scored_review(
    application: Application, reviewer: User, scores: dict[int, int], comment: str
) -> Review:
    """A review on the consultation's criteria: a score for each, the total their
    weighted mean."""
    criteria = criteria_of(application.consultation_id)
    if set(scores) != {c.id for c in criteria}:
        raise InvalidReview(_("Score each criterion from 1 to 5."))
    return save_review(
        application, reviewer, weighted_mean(criteria, scores), comment, criterion_scores=scores
    )


def translatable_criteria(consultation: Consultation) -> list[tuple[object, str, str]]:
    """The criteria's names and descriptions on the Translations page, for reviewers
    who read the app in another language (`translatable_rows`)."""
    return [
        (c, _("Review criterion: %(name)s", name=c.name), f"criterion-{c.id}")
        for c in criteria_of(consultation.id)
    ]
