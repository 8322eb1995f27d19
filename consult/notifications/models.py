"""The transactional outbox: emails written in the same transaction as their cause."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.cache import cacheable
from consult.database import utcnow
from consult.database.personal import personal
from consult.enums import LabelledEnum, enum_column, with_labels
from consult.extensions import db

if TYPE_CHECKING:
    from consult.applications.models import Application


class OutboxState(LabelledEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


OUTBOX_STATE_LABELS = with_labels(
    OutboxState,
    {
        OutboxState.QUEUED: _l("Queued"),
        OutboxState.SENDING: _l("Sending"),
        OutboxState.SENT: _l("Sent"),
        OutboxState.FAILED: _l("Failed"),
    },
)


class OutboxMessage(db.Model):
    """One email to send. Rendered when queued: links carry tokens that exist only then."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Same transition, same key: a transition can never queue the same email twice.
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    template: Mapped[str] = mapped_column(sa.String(64))
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    # personal(...): blanked when the person the email is about is erased (an admin's
    # own subject may name them: {name}).
    to_address: Mapped[str] = mapped_column(sa.String(254), info=personal(erased="erased@invalid"))
    subject: Mapped[str] = mapped_column(sa.String(300), info=personal(erased="(erased)"))
    body_text: Mapped[str] = mapped_column(sa.Text, info=personal())
    body_html: Mapped[str] = mapped_column(sa.Text, default="", info=personal())
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("application.id", ondelete="SET NULL"), index=True
    )
    # Set only for a message queued with its application in one flush (see applications).
    application: Mapped[Application | None] = relationship()
    state: Mapped[OutboxState] = mapped_column(enum_column(OutboxState), default=OutboxState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    # The worker that claimed the message and until when; after that it may be reclaimed.
    claimed_by: Mapped[str] = mapped_column(sa.String(64), default="")
    lease_until: Mapped[datetime | None]
    # An iCalendar attachment (confirmations), rendered with the message.
    calendar: Mapped[str] = mapped_column(sa.Text, default="", info=personal())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    # Temporary failures are retried until then (None: created_at + MAIL_LIFETIME_HOURS;
    # a resend starts a new lifetime).
    expires_at: Mapped[datetime | None]

    __table_args__ = (sa.Index("ix_outbox_message_due", "state", "next_attempt_at"),)

    @property
    def can_resend(self) -> bool:
        return self.state == OutboxState.FAILED

    @property
    def waiting_for_retry(self) -> bool:
        return self.state == OutboxState.QUEUED and self.attempts > 0


@cacheable
class EmailText(db.Model):
    """An admin's own subject and body for one email of one consultation, in one language.

    Plain text with {placeholders} only (see consult.notifications.texts): no template
    code typed in the browser is ever executed.
    """

    __tablename__ = "email_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE")
    )
    template: Mapped[str] = mapped_column(sa.String(64))
    language: Mapped[str] = mapped_column(sa.String(8))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(sa.String(254), default="")

    __table_args__ = (sa.UniqueConstraint("consultation_id", "template", "language"),)


class MailWorker(db.Model):
    """A running mail worker's heartbeat: written at start and after every poll, removed
    when it stops cleanly. Admins see who is sending and when each last reported."""

    __tablename__ = "mail_worker"

    worker_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    hostname: Mapped[str] = mapped_column(sa.String(255), default="")
    pid: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_total: Mapped[int] = mapped_column(default=0)
    failed_total: Mapped[int] = mapped_column(default=0)
