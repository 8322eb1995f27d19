"""Consultations, their role offers, and the stakeholder categories they are open to."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.cache import cacheable
from consult.database import add_months, utcnow
from consult.enums import ConsultationState, LabelledEnum, Role, enum_column, with_labels
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
    # Reviewers (not admins) judge the proposal without the person: no name, email,
    # organization, biography, country or gender.
    anonymised_review: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

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


class QuestionKind(LabelledEnum):
    """What a custom question asks for (the form field it becomes)."""

    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"  # one of the options
    CHOICES = "choices"  # any of the options
    YES_NO = "yes_no"
    DATE = "date"
    NUMBER = "number"

    @property
    def has_options(self) -> bool:
        return self in (QuestionKind.CHOICE, QuestionKind.CHOICES)

    @property
    def filterable(self) -> bool:
        """Answers from a fixed set: the queue filters by them."""
        return self.has_options or self is QuestionKind.YES_NO


QUESTION_KIND_LABELS = with_labels(
    QuestionKind,
    {
        QuestionKind.SHORT_TEXT: _l("Short text"),
        QuestionKind.LONG_TEXT: _l("Long text"),
        QuestionKind.CHOICE: _l("One choice"),
        QuestionKind.CHOICES: _l("Several choices"),
        QuestionKind.YES_NO: _l("Yes or no"),
        QuestionKind.DATE: _l("A date"),
        QuestionKind.NUMBER: _l("A number"),
    },
)


@cacheable
class Question(db.Model):
    """A question of the secretariat's own on the application form of a consultation
    ("Do you need a visa invitation letter?"), for some roles or all. The English text
    is on the row; other languages are ContentTranslation rows (owner "question"); the
    options are one per line, translated line by line."""

    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, 16))
    label: Mapped[str] = mapped_column(sa.String(300))
    help: Mapped[str] = mapped_column(sa.Text, default="")
    options: Mapped[str] = mapped_column(sa.Text, default="")  # one per line
    required: Mapped[bool] = mapped_column(default=False)
    # The roles asked, comma-separated role values; "" asks every role.
    roles: Mapped[str] = mapped_column(sa.String(64), default="")
    # A retired question is no longer asked; the answers it has are kept and shown.
    active: Mapped[bool] = mapped_column(default=True)
    # Its answers go on the venue security office's list ("Nationality", "Identity
    # document you will bring"): what the security office asks for, and nothing more.
    for_security: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    @property
    def role_list(self) -> list[Role]:
        return [Role(value) for value in self.roles.split(",") if value]

    def asks(self, role: Role | None) -> bool:
        """Is this question on the form of an applicant for `role`?"""
        return self.active and (not self.roles or (role is not None and role in self.role_list))


@cacheable
class ContentTranslation(db.Model):
    """An admin's text in another language for one field of a consultation, a role offer
    or a stakeholder category. The English text stays on the row itself (required);
    see consult.consultations.content for how a page picks the text to show."""

    __tablename__ = "content_translation"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(sa.String(16))  # consultation | offer | category | ...
    owner_id: Mapped[int]
    field: Mapped[str] = mapped_column(sa.String(32))
    language: Mapped[str] = mapped_column(sa.String(8))
    text: Mapped[str] = mapped_column(sa.Text)

    __table_args__ = (
        sa.UniqueConstraint("owner", "owner_id", "field", "language"),
        sa.Index("ix_content_translation_language", "language", "owner"),
    )
