"""Applications, the private links that reach them, and their append-only audit trail."""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.consultations.models import (
    Consultation,
    Organization,
    RoleOffer,
    StakeholderCategory,
)
from consult.database import utcnow
from consult.database.append_only import AppendOnlyViolation, append_only
from consult.database.personal import SPECIAL, personal
from consult.enums import ENDED_STATES, ApplicationState, Role, enum_column
from consult.extensions import db

if TYPE_CHECKING:  # the programme sits above: its model is named, not imported
    from consult.programme.models import ProgrammeSession

ERASED_NAME = "(erased)"
_ended = ", ".join(f"'{state.value}'" for state in ENDED_STATES)
LIVE_CONDITION = sa.text(f"state NOT IN ({_ended})")
PENDING_CONDITION = sa.text("pending_decision IS NOT NULL")


class Application(db.Model):
    """One person asking for one role in one consultation."""

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(32), unique=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation.id"))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    state: Mapped[ApplicationState] = mapped_column(
        enum_column(ApplicationState), default=ApplicationState.SUBMITTED
    )
    # Bumped by every change (SQLAlchemy's version counter): a change made on a stale
    # copy is refused both by the services and by the UPDATE's WHERE clause.
    version: Mapped[int] = mapped_column(default=1)

    # Columns marked personal(...) are the data classification (docs/data-protection.md):
    # erasure and the purge blank exactly these.
    full_name: Mapped[str] = mapped_column(sa.String(200), info=personal(erased=ERASED_NAME))
    email: Mapped[str] = mapped_column(
        sa.String(254), info=personal(erased=lambda row: f"erased-{row.id}@invalid")
    )
    organization_name: Mapped[str] = mapped_column(sa.String(200), default="", info=personal())
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organization.id"), info=personal(erased=None)
    )
    job_title: Mapped[str] = mapped_column(sa.String(200), default="", info=personal())
    country: Mapped[str] = mapped_column(sa.String(2))  # ISO 3166-1 alpha-2
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("stakeholder_category.id"))
    gender: Mapped[str] = mapped_column(sa.String(32), default="", info=personal(SPECIAL))
    topic: Mapped[str] = mapped_column(sa.String(300), default="", info=personal())
    abstract: Mapped[str] = mapped_column(sa.Text, default="", info=personal())
    bio: Mapped[str] = mapped_column(sa.Text, default="", info=personal())
    accessibility_needs: Mapped[str] = mapped_column(sa.Text, default="", info=personal(SPECIAL))
    # Consent to be named in public: withdrawn with the data.
    list_publicly: Mapped[bool] = mapped_column(default=False, info=personal(erased=False))
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    # The secretariat's latest message to the applicant (with a decision). Kept here,
    # not in the append-only audit log, so that it can be erased with the person.
    secretariat_message: Mapped[str] = mapped_column(sa.Text, default="", info=personal())
    # A decision an admin recorded but has not announced (consult.applications.decisions):
    # the applicant sees and hears nothing of it until it is announced.
    pending_decision: Mapped[str | None] = mapped_column(sa.String(16), info=personal(erased=None))
    pending_message: Mapped[str] = mapped_column(
        sa.Text, default="", server_default="", info=personal()
    )
    # The secretariat stopped the applicant from editing the application themself.
    editing_locked: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Why the person withdrew or cancelled, if they said (it may be their health): here,
    # not in the append-only audit log, so that it is erased with them.
    leaving_reason: Mapped[str] = mapped_column(sa.Text, default="", info=personal(SPECIAL))
    erasure_requested_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
    # SHA-256 of the one-time key of the form that made it: the same form sent again (a
    # retry after a lost answer) is recognised and answered like the first time.
    submission_key: Mapped[str | None] = mapped_column(sa.String(64))

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    email_verified_at: Mapped[datetime | None]
    # Kept up to date by the review services, so the queue sorts by score on an index.
    # The programme session a selected speaker is placed in (None: unassigned), and the
    # SEQUENCE of their calendar entry, raised whenever their session or its time changes.
    programme_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programme_session.id", ondelete="SET NULL"), index=True
    )
    calendar_sequence: Mapped[int] = mapped_column(default=0)
    review_count: Mapped[int] = mapped_column(default=0)
    average_score: Mapped[float] = mapped_column(sa.Float, default=0.0)
    # The variance of the reviews' scores (0 with fewer than two): where reviewers
    # disagree. Kept as the variance (both databases compute it); shown as its root.
    score_variance: Mapped[float] = mapped_column(sa.Float, default=0.0)

    consultation: Mapped[Consultation] = relationship()
    category: Mapped[StakeholderCategory] = relationship()
    organization: Mapped[Organization | None] = relationship()
    programme_session: Mapped[ProgrammeSession | None] = relationship()
    offer: Mapped[RoleOffer] = relationship(
        primaryjoin="and_(Application.consultation_id == foreign(RoleOffer.consultation_id),"
        " Application.role == foreign(RoleOffer.role))",
        viewonly=True,
        uselist=False,
    )
    answers: Mapped[list[Answer]] = relationship(
        cascade="all, delete-orphan", order_by="Answer.question_id"
    )
    events: Mapped[list[AuditEvent]] = relationship(
        back_populates="application", order_by="AuditEvent.id", viewonly=True
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["consultation_id", "role"], ["role_offer.consultation_id", "role_offer.role"]
        ),
        # One live application per person, consultation and role.
        sa.Index(
            "uq_application_live_email",
            "consultation_id",
            "role",
            "email",
            unique=True,
            sqlite_where=LIVE_CONDITION,
            postgresql_where=LIVE_CONDITION,
        ),
        sa.Index("ix_application_consultation_state", "consultation_id", "role", "state"),
        # Review queue: one index per sort order, each led by the consultation.
        sa.Index("ix_application_queue_created", "consultation_id", "created_at", "id"),
        sa.Index("ix_application_queue_score", "consultation_id", "average_score", "id"),
        sa.Index("ix_application_queue_spread", "consultation_id", "score_variance", "id"),
        sa.Index("ix_application_queue_name", "consultation_id", "full_name", "id"),
        sa.Index("ix_application_queue_state_created", "consultation_id", "state", "created_at"),
        # The queue's counts per state for a country (the kept counts have regions only).
        sa.Index("ix_application_country_state", "consultation_id", "country", "state"),
        # The queue's organization filter, and search by a listed organization's name.
        sa.Index("ix_application_organization", "consultation_id", "organization_id"),
        # The decisions not yet announced: a few rows among many (a partial index).
        sa.Index(
            "ix_application_pending",
            "consultation_id",
            sqlite_where=PENDING_CONDITION,
            postgresql_where=PENDING_CONDITION,
        ),
    )

    @property
    def score_spread(self) -> float:
        """How far the reviews' scores lie apart: their standard deviation."""
        return math.sqrt(max(self.score_variance or 0.0, 0.0))

    @property
    def is_confirmed(self) -> bool:
        return self.state == ApplicationState.CONFIRMED

    @property
    def display_organization(self) -> str:
        if self.organization is not None:
            return self.organization.display_name
        return self.organization_name


class Answer(db.Model):
    """An applicant's answer to one of the consultation's own questions, as text: the
    option's English text for a choice (several joined by new lines), "yes"/"no", an
    ISO date, a number as typed. Personal data: erased with the person."""

    __tablename__ = "application_answer"

    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("question.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    value: Mapped[str] = mapped_column(sa.Text, default="", info=personal())


class AccessToken(db.Model):
    """A private link to an application. Only the SHA-256 of the token is stored."""

    __tablename__ = "access_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    application: Mapped[Application] = relationship()


@append_only
class AuditEvent(db.Model):
    """Who moved which application from what state to what, when, and why.

    Append-only: the ORM refuses updates and deletes (below) and the database
    refuses them too (triggers in the initial migration).
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(254))
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("secretariat_user.id"))
    from_state: Mapped[ApplicationState | None] = mapped_column(enum_column(ApplicationState))
    to_state: Mapped[ApplicationState] = mapped_column(enum_column(ApplicationState))
    version: Mapped[int]  # the application's version after this change
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # What a change that is not a transition was (consult.applications.audit.EventKind):
    # what the history shows instead of "Confirmed -> Confirmed". "" for transitions.
    kind: Mapped[str] = mapped_column(sa.String(32), default="", server_default="")

    application: Mapped[Application] = relationship(back_populates="events")
    actor_user: Mapped[User | None] = relationship()


# The name tests and callers know the refusal by.
AuditLogIsAppendOnly = AppendOnlyViolation


def applications_where(*conditions, order_by=None, limit: int | None = None) -> list[Application]:
    """The applications that meet every condition, in `order_by` (default: by id): the
    one shape of "list these applications" that several features need."""
    query = sa.select(Application).where(*conditions)
    query = query.order_by(*(order_by if order_by is not None else (Application.id,)))
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.execute(query).scalars())
