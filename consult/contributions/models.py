"""Written contributions to an open consultation: the guiding questions, the
contributions with their answers and attachments, the private links that reach them,
their history, and the secretariat's themes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.consultations.models import Consultation, StakeholderCategory
from consult.database import utcnow
from consult.database.append_only import append_only
from consult.database.personal import SPECIAL, personal
from consult.enums import LabelledEnum, enum_column, with_labels
from consult.extensions import db

ERASED_NAME = "(erased)"


class ContributionCall(db.Model):
    """When a consultation takes written contributions (independent of the speaker
    call), and the counter of its contribution references."""

    __tablename__ = "contribution_call"

    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    last_number: Mapped[int] = mapped_column(default=0)

    def open_at(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


class GuidingQuestion(db.Model):
    """One of the questions a consultation asks contributors (translatable)."""

    __tablename__ = "guiding_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(sa.String(300))
    help: Mapped[str] = mapped_column(sa.Text, default="")


class ContributionState(LabelledEnum):
    UNVERIFIED = "unverified"  # the email address is not confirmed yet
    NEW = "new"  # waiting for the secretariat
    PUBLISHED = "published"  # with the contributor's name
    ANONYMOUS = "anonymous"  # published without the name
    NOT_PUBLISHED = "not_published"
    WITHDRAWN = "withdrawn"

    @property
    def is_public(self) -> bool:
        return self in (ContributionState.PUBLISHED, ContributionState.ANONYMOUS)


CONTRIBUTION_STATE_LABELS = with_labels(
    ContributionState,
    {
        ContributionState.UNVERIFIED: _l("Email not confirmed"),
        ContributionState.NEW: _l("Waiting for moderation"),
        ContributionState.PUBLISHED: _l("Published"),
        ContributionState.ANONYMOUS: _l("Published anonymously"),
        ContributionState.NOT_PUBLISHED: _l("Not published"),
        ContributionState.WITHDRAWN: _l("Withdrawn"),
    },
)
PUBLIC_STATES = (ContributionState.PUBLISHED, ContributionState.ANONYMOUS)


class Consent(LabelledEnum):
    NAMED = "named"
    ANONYMOUS = "anonymous"
    PRIVATE = "private"


CONSENT_LABELS = with_labels(
    Consent,
    {
        Consent.NAMED: _l("Publish it with my name and organization"),
        Consent.ANONYMOUS: _l("Publish it without my name"),
        Consent.PRIVATE: _l("Do not publish it; it is for the secretariat only"),
    },
)


class OnBehalf(LabelledEnum):
    PERSONAL = "personal"
    ORGANIZATION = "organization"


ON_BEHALF_LABELS = with_labels(
    OnBehalf,
    {
        OnBehalf.PERSONAL: _l("In a personal capacity"),
        OnBehalf.ORGANIZATION: _l("On behalf of my organization"),
    },
)

contribution_theme_link = sa.Table(
    "contribution_theme_link",
    db.metadata,
    sa.Column(
        "contribution_id",
        sa.ForeignKey("contribution.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "theme_id",
        sa.ForeignKey("contribution_theme.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class ContributionTheme(db.Model):
    """A free tag the secretariat gives contributions; the synthesis is grouped by it. A
    theme can point to the programme's panel that discusses it."""

    __tablename__ = "contribution_theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programme_session.id", ondelete="SET NULL")
    )

    __table_args__ = (sa.UniqueConstraint("consultation_id", "name"),)


class Contribution(db.Model):
    """A stakeholder's written input to a consultation. Personal data until published
    (docs/data-protection.md); the published parts are what the contributor consented to."""

    __tablename__ = "contribution"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(32), unique=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation.id"))
    state: Mapped[ContributionState] = mapped_column(
        enum_column(ContributionState, 16), default=ContributionState.UNVERIFIED
    )
    version: Mapped[int] = mapped_column(default=1)
    full_name: Mapped[str] = mapped_column(sa.String(200), info=personal(erased=ERASED_NAME))
    email: Mapped[str] = mapped_column(
        sa.String(254), info=personal(erased=lambda row: f"erased-w{row.id}@invalid")
    )
    organization: Mapped[str] = mapped_column(sa.String(200), default="", info=personal())
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("stakeholder_category.id"))
    country: Mapped[str] = mapped_column(sa.String(2))
    gender: Mapped[str] = mapped_column(sa.String(32), default="", info=personal(SPECIAL))
    on_behalf: Mapped[OnBehalf] = mapped_column(enum_column(OnBehalf, 16))
    consent: Mapped[Consent] = mapped_column(enum_column(Consent, 16))
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    # Why the secretariat did not publish it (told to the contributor).
    moderation_reason: Mapped[str] = mapped_column(sa.Text, default="", info=personal())
    # The passage the synthesis quotes (the secretariat's choice; empty: the opening).
    passage: Mapped[str] = mapped_column(sa.Text, default="", info=personal())
    # The answers as folded plain text: what the public search compares.
    search_text: Mapped[str] = mapped_column(sa.Text, default="", info=personal())
    # SHA-256 of the answers' normalised text: the same text sent twice is recognised.
    fingerprint: Mapped[str] = mapped_column(sa.String(64), default="", index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contribution.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    email_verified_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]

    consultation: Mapped[Consultation] = relationship()
    category: Mapped[StakeholderCategory] = relationship()
    answers: Mapped[list[ContributionAnswer]] = relationship(
        cascade="all, delete-orphan", order_by="ContributionAnswer.question_id"
    )
    files: Mapped[list[ContributionFile]] = relationship(
        cascade="all, delete-orphan", order_by="ContributionFile.id"
    )
    themes: Mapped[list[ContributionTheme]] = relationship(
        secondary=contribution_theme_link, order_by="ContributionTheme.name"
    )
    duplicate_of: Mapped[Contribution | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # The public list: a consultation's published contributions, newest first.
        sa.Index("ix_contribution_public", "consultation_id", "state", "published_at", "id"),
        sa.Index("ix_contribution_queue", "consultation_id", "state", "created_at"),
    )

    @property
    def is_public(self) -> bool:
        return self.state.is_public

    @property
    def shows_name(self) -> bool:
        return self.state == ContributionState.PUBLISHED

    def public_file_name(self, attached: ContributionFile) -> str:
        """An attachment's name as the public reads it: its own where the contribution
        is published with the name; else the reference and a number (a file's name
        often says who wrote it)."""
        if self.shows_name:
            return attached.name
        number = next(n for n, f in enumerate(self.files, 1) if f.id == attached.id)
        return f"{self.reference}-{number}.{attached.kind}"


class ContributionAnswer(db.Model):
    """The answer to one guiding question: HTML that went through the allow-list
    sanitizer (consult.contributions.sanitize) before it was stored."""

    __tablename__ = "contribution_answer"

    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contribution.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("guiding_question.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    body: Mapped[str] = mapped_column(sa.Text, default="", info=personal())
    # The contributor's own text, kept when the secretariat fixed its formatting.
    original: Mapped[str] = mapped_column(sa.Text, default="", info=personal())


class ContributionFile(db.Model):
    """An attachment: stored outside the web root under a random name, its type
    checked by its content (consult.contributions.files)."""

    __tablename__ = "contribution_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(160), info=personal(erased="(erased)"))
    kind: Mapped[str] = mapped_column(sa.String(8))  # pdf | docx | odt
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    stored_as: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContributionToken(db.Model):
    """A private link to a contribution (only its SHA-256 is stored)."""

    __tablename__ = "contribution_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contribution: Mapped[Contribution] = relationship()


@append_only
class ContributionEvent(db.Model):
    """What happened to a contribution, by whom (append-only; notes hold no personal
    data: a reason lives on the contribution and is erased with it)."""

    __tablename__ = "contribution_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(sa.ForeignKey("contribution.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(254))
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("secretariat_user.id"))
    state: Mapped[ContributionState] = mapped_column(enum_column(ContributionState, 16))
    note: Mapped[str] = mapped_column(sa.Text, default="")
