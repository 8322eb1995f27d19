"""Secretariat users: admins decide and configure; reviewers score and comment."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from consult.database import utcnow
from consult.enums import enum_column
from consult.extensions import db


class UserRole(enum.StrEnum):
    ADMIN = "admin"
    REVIEWER = "reviewer"

    @property
    def label(self) -> str:
        return str({UserRole.ADMIN: _l("Administrator"), UserRole.REVIEWER: _l("Reviewer")}[self])


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
    # Part of the session identity: changing the password or deactivating the account
    # ends every session that was opened before.
    session_epoch: Mapped[int] = mapped_column(default=1)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"
