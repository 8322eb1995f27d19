"""Secretariat users: admins decide and configure; reviewers score and comment."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from consult.database import utcnow
from consult.enums import LabelledEnum, enum_column, with_labels
from consult.extensions import db


class UserRole(LabelledEnum):
    ADMIN = "admin"
    REVIEWER = "reviewer"
    DESK = "desk"  # the check-in desk on the day: that page only


USER_ROLE_LABELS = with_labels(
    UserRole,
    {
        UserRole.ADMIN: _l("Administrator"),
        UserRole.REVIEWER: _l("Reviewer"),
        UserRole.DESK: _l("Check-in desk"),
    },
)


class User(UserMixin, db.Model):
    __tablename__ = "secretariat_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[UserRole] = mapped_column(enum_column(UserRole), default=UserRole.REVIEWER)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # A password someone else set (an admin, the CLI, the demo seed) must be changed at
    # the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    password_changed_at: Mapped[datetime | None]
    # TOTP second factor (RFC 6238): the base32 seed once enrolled, sealed with
    # CONSULT_ENCRYPTION_KEYS (consult.sealing: a copy of the database alone gives no
    # one's codes), and the last time step accepted, so a code cannot be used twice.
    totp_seed_sealed: Mapped[str | None] = mapped_column(sa.Text)
    totp_last_step: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # The language the staff member chose for the secretariat's pages ("" = browser's).
    language: Mapped[str] = mapped_column(sa.String(8), default="")
    # The listed organization the staff member works for: applications from it are never
    # assigned to them for review (a conflict of interest by default).
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id"))
    # An invitation by email (consult.accounts.invitations): when the last one was
    # queued (None once accepted, or for an account made with a password), and the
    # hash of the link the mail worker minted when it sent it, valid until a time.
    invited_at: Mapped[datetime | None]
    invitation_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True, index=True)
    invitation_expires_at: Mapped[datetime | None]

    @property
    def two_factor_enabled(self) -> bool:
        return bool(self.totp_seed_sealed)

    @property
    def invitation_pending(self) -> bool:
        return self.invited_at is not None

    @property
    def needs_two_factor_enrolment(self) -> bool:
        """Admins must use a second factor; reviewers may."""
        return self.is_admin and not self.two_factor_enabled

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN

    @property
    def home(self) -> str:
        """The endpoint of the page this account starts on."""
        return "attendance.index" if self.is_desk else "review.queue"

    @property
    def is_desk(self) -> bool:
        """The check-in desk: the check-in page and nothing else."""
        return self.role == UserRole.DESK

    def get_id(self) -> str:
        return str(self.id)


class StaffSession(db.Model):
    """A signed-in staff session, kept on the server: the cookie holds only its random
    id. Signing out, or going past the idle or absolute limit, ends it here, so a
    copied cookie stops working."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the random id in the cookie.
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("secretariat_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    # When the person last proved who they are in this session (signing in, or again
    # before a sensitive action: consult.accounts.step_up).
    verified_at: Mapped[datetime | None]
    # What the person sees on their "Active sessions" page to tell sessions apart.
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")
    ip_address: Mapped[str] = mapped_column(sa.String(64), default="")


class PendingSignIn(db.Model):
    """ "Password checked, code pending": kept on the server, single use, named by a
    random key in the session cookie (only its SHA-256 here), for a few minutes. The
    secret key alone cannot make one: the key must exist in this table."""

    __tablename__ = "pending_sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("secretariat_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class RecoveryCode(db.Model):
    """A one-time code that stands in for the second factor (hashed, like passwords)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("secretariat_user.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    used_at: Mapped[datetime | None]
