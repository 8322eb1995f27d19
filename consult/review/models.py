"""One reviewer's score and comment on one application."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from consult.accounts.models import User
from consult.cache import cacheable
from consult.database import utcnow
from consult.database.personal import personal
from consult.extensions import db

MIN_SCORE, MAX_SCORE = 1, 5
MIN_WEIGHT, MAX_WEIGHT = 1, 10


class Review(db.Model):
    """One reviewer's review: `score` is their overall score, or, where the
    consultation has criteria, the weighted mean of their `scores` on each."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("secretariat_user.id"), index=True)
    score: Mapped[float] = mapped_column(sa.Float)
    comment: Mapped[str] = mapped_column(sa.Text, default="", info=personal())  # the scores stay
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    reviewer: Mapped[User] = relationship()
    scores: Mapped[list[CriterionScore]] = relationship(
        back_populates="review", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        sa.UniqueConstraint("application_id", "reviewer_id"),
        sa.CheckConstraint(f"score BETWEEN {MIN_SCORE} AND {MAX_SCORE}", name="score_range"),
    )


class _ReviewerAndApplication:
    """The columns a reviewer's relation to an application has (an assignment, a
    conflict): one row per pair."""

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("secretariat_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @declared_attr
    def reviewer(cls) -> Mapped[User]:  # noqa: N805  (a declared attribute)
        return relationship()


class ReviewAssignment(_ReviewerAndApplication, db.Model):
    """An admin asked this reviewer to review this application (by hand or spread
    automatically): their "assigned to me" list and "review the next one"."""

    __tablename__ = "review_assignment"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "reviewer_id"),
        # "Assigned to me": a reviewer's assignments, by application.
        sa.Index("ix_review_assignment_reviewer", "reviewer_id", "application_id"),
    )


class ReviewConflict(_ReviewerAndApplication, db.Model):
    """A reviewer declared a conflict of interest on an application: it is hidden from
    them and never assigned to them; admins see it."""

    __tablename__ = "review_conflict"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "reviewer_id"),
        sa.Index("ix_review_conflict_reviewer", "reviewer_id", "application_id"),
    )


@cacheable
class ReviewCriterion(db.Model):
    """What reviewers score an application on, in one consultation (relevance,
    originality, regional perspective), each 1–5, counted with its weight in the
    review's total (the weighted mean). No criteria: one overall score."""

    __tablename__ = "review_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    weight: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(f"weight BETWEEN {MIN_WEIGHT} AND {MAX_WEIGHT}", name="weight_range"),
    )


class CriterionScore(db.Model):
    """One reviewer's score on one criterion (part of their review)."""

    __tablename__ = "review_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("review.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_criterion.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int]

    review: Mapped[Review] = relationship(back_populates="scores")
    criterion: Mapped[ReviewCriterion] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("review_id", "criterion_id"),
        sa.CheckConstraint(f"score BETWEEN {MIN_SCORE} AND {MAX_SCORE}", name="score_range"),
    )
