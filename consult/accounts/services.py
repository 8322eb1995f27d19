"""Secretariat accounts: creation, passwords, deactivation, authentication."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from consult.accounts.models import User, UserRole
from consult.database import transaction, utcnow
from consult.extensions import db

MIN_PASSWORD_LENGTH = 12
# Compared against when the email is unknown, so a wrong email and a wrong password
# take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password-at-all")


class AccountError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")


def find_user(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()


def create_user(email: str, name: str, role: UserRole, password: str) -> User:
    email = email.strip().lower()
    if not email or "@" not in email:
        raise AccountError("Give a valid email address.")
    if not name.strip():
        raise AccountError("Give the person's name.")
    check_password_strength(password)
    if find_user(email) is not None:
        raise AccountError(f"There is already an account for {email}.")
    with transaction():
        user = User(
            email=email,
            name=name.strip(),
            role=role,
            password_hash=generate_password_hash(password),
        )
        db.session.add(user)
    return user


def set_password(user: User, password: str) -> None:
    check_password_strength(password)
    with transaction():
        user.password_hash = generate_password_hash(password)
        user.session_epoch += 1


def set_active(user: User, active: bool) -> None:
    with transaction():
        user.active = active
        user.session_epoch += 1


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user = find_user(email or "")
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    with transaction():
        user.last_login_at = utcnow()
    return user


def load_user(identity: str) -> User | None:
    """Flask-Login's loader: "<id>:<epoch>"; a stale epoch ends the session."""
    try:
        user_id, epoch = (int(part) for part in identity.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_epoch != epoch or not user.active:
        return None
    return user


def all_users() -> list[User]:
    return list(db.session.execute(select(User).order_by(User.name)).scalars())
