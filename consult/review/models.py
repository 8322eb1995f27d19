"""One reviewer's score and comment on one application."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from consult.accounts.models import User
from consult.database import utcnow
from consult.database.personal import personal
from consult.extensions import db

MIN_SCORE, MAX_SCORE = 1, 5


class Review(db.Model):
    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("secretariat_user.id"), index=True)
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="", info=personal())  # the scores stay
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    reviewer: Mapped[User] = relationship()

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
