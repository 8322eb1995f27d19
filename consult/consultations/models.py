"""Consultations, their role offers, and the stakeholder categories they are open to."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.cache import cacheable
from consult.database import add_months, utcnow
from consult.enums import ConsultationState, Role, enum_column
from consult.extensions import db

consultation_category = sa.Table(
    "consultation_category",
    db.metadata,
    sa.Column(
        "consultation_id",
        sa.ForeignKey("consultation.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "category_id",
        sa.ForeignKey("stakeholder_category.id", ondelete="RESTRICT"),
        primary_key=True,
    ),
)


@cacheable
class StakeholderCategory(db.Model):
    """A stakeholder group (government, civil society, ...), kept as data."""

    __tablename__ = "stakeholder_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # Whether applicants under this category pick an organization from the list.
    uses_organization_list: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)


@cacheable
class Organization(db.Model):
    """An organization applicants may pick (the UNGIS members are the seed)."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    acronym: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.acronym})"


@cacheable
class Consultation(db.Model):
    """One meeting, with its own application window, offers and queue."""

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    venue: Mapped[str] = mapped_column(sa.String(300), default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Europe/Zurich")
    # Naive UTC, like every timestamp; shown in the consultation's time zone.
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    applications_open_at: Mapped[datetime]
    applications_close_at: Mapped[datetime]
    state: Mapped[ConsultationState] = mapped_column(
        enum_column(ConsultationState), default=ConsultationState.DRAFT, index=True
    )
    # First part of application references: FM-K-0042.
    reference_prefix: Mapped[str] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Personal data of applicants is erased this many months after the meeting ends
    # (`consult data purge`); anonymous counts and references stay.
    retention_months: Mapped[int] = mapped_column(default=6)
    # When the retention purge erased this consultation's personal data.
    purged_at: Mapped[datetime | None]
    # The programme is public once an admin publishes it; the list of participants
    # (confirmed people who agreed to be listed) only while an admin has it turned on.
    programme_published_at: Mapped[datetime | None]
    participants_public: Mapped[bool] = mapped_column(default=False)

    offers: Mapped[list[RoleOffer]] = relationship(
        back_populates="consultation",
        order_by="RoleOffer.position",
        cascade="all, delete-orphan",
    )
    categories: Mapped[list[StakeholderCategory]] = relationship(
        secondary=consultation_category, order_by=StakeholderCategory.position
    )

    __table_args__ = (
        sa.CheckConstraint("ends_at >= starts_at", name="dates_in_order"),
        sa.CheckConstraint("applications_close_at > applications_open_at", name="window_in_order"),
    )

    def accepts_applications_at(self, moment: datetime) -> bool:
        return (
            self.state == ConsultationState.OPEN
            and self.applications_open_at <= moment < self.applications_close_at
        )

    def opens_later(self, moment: datetime) -> bool:
        """Open for applications, but the window has not started yet."""
        return self.state == ConsultationState.OPEN and moment < self.applications_open_at

    def call_phase(self, moment: datetime) -> str:
        """What the public pages say of the call at `moment` ("open", "later",
        "closed"): kept pages name it, so a page kept before the call opened is not
        shown after."""
        if self.accepts_applications_at(moment):
            return "open"
        return "later" if self.opens_later(moment) else "closed"

    @property
    def retention_until(self) -> datetime | None:
        """When applicants' personal data is erased (and private links stop working):
        `retention_months` after the meeting ends."""
        if self.ends_at is None or self.retention_months is None:
            return None
        return add_months(self.ends_at, self.retention_months)

    def offer_for(self, role: Role) -> RoleOffer | None:
        return next((offer for offer in self.offers if offer.role == role), None)


@cacheable
class RoleOffer(db.Model):
    """What a consultation offers for one role: places, review, confirmation deadline."""

    __tablename__ = "role_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE")
    )
    role: Mapped[Role] = mapped_column(enum_column(Role))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    capacity: Mapped[int]
    needs_review: Mapped[bool] = mapped_column(default=True)
    # Accepted people confirm before this moment (naive UTC); None means no deadline.
    confirm_by: Mapped[datetime | None]
    position: Mapped[int] = mapped_column(default=0)
    # Last number handed out in references for this role (FM-K-0042 -> 42).
    last_reference_number: Mapped[int] = mapped_column(default=0)

    consultation: Mapped[Consultation] = relationship(back_populates="offers")

    __table_args__ = (
        sa.UniqueConstraint("consultation_id", "role"),
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
    )


@cacheable
class ContentTranslation(db.Model):
    """An admin's text in another language for one field of a consultation, a role offer
    or a stakeholder category. The English text stays on the row itself (required);
    see consult.consultations.content for how a page picks the text to show."""

    __tablename__ = "content_translation"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(sa.String(16))  # consultation | offer | category
    owner_id: Mapped[int]
    field: Mapped[str] = mapped_column(sa.String(32))
    language: Mapped[str] = mapped_column(sa.String(8))
    text: Mapped[str] = mapped_column(sa.Text)

    __table_args__ = (
        sa.UniqueConstraint("owner", "owner_id", "field", "language"),
        sa.Index("ix_content_translation_language", "language", "owner"),
    )
