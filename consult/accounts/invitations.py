"""Invite staff by email: an admin gives a new reviewer or admin's name,
address and role; the person gets an email with a link to set their own password (and,
for an admin, then to set up the second factor). Nobody else ever knows the password.

The link is single-use and short-lived. Like an applicant's private link, its token
does not exist until the mail worker sends the email: the stored email holds
LINK_TOKEN, and `mint_invitation` (the outbox's link minter) makes a fresh token, keeps
only its hash on the account and replaces any earlier one, so only the newest email's
link works. Setting the password spends it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _

from consult.accounts.models import User, UserRole
from consult.accounts.services import (
    AccountError,
    check_password_strength,
    find_user,
    hash_password,
    new_user,
    record_account_event,
)
from consult.accounts.sessions import end_all_sessions
from consult.database import transaction, utcnow
from consult.extensions import db
from consult.http import public_url
from consult.links import LINK_TOKEN
from consult.notifications.services import queue_email
from consult.security.models import SecurityTag

TEMPLATE = "staff_invitation"
VALID_FOR = timedelta(days=7)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def invite_user(
    email: str,
    name: str,
    role: UserRole,
    *,
    by: User,
    language: str,
    organization_id: int | None = None,
) -> User:
    """A new account that nobody can sign in to until the person accepts the
    invitation emailed to them (one transaction: the account, its event, the email)."""
    with transaction():
        user = new_user(
            email,
            name,
            role,
            secrets.token_urlsafe(32),  # (unknown to anyone: replaced on accepting)
            by=by,
            organization_id=organization_id,
        )
        user.must_change_password = False
        user.language = language
        _queue_invitation(user, by)
    return user


def invite_again(user: User, *, by: User) -> None:
    """A new invitation email (the link of any earlier one stops working when it is
    sent). Only for an account whose invitation is not yet accepted."""
    if not user.invitation_pending:
        raise AccountError(_("%(email)s has already accepted the invitation.", email=user.email))
    with transaction():
        _queue_invitation(user, by)


def _queue_invitation(user: User, by: User) -> None:
    user.invited_at = utcnow()
    queue_email(
        key=f"user:{user.id}:invitation:{user.invited_at:%Y%m%dT%H%M%S.%f}",
        template=TEMPLATE,
        to=user.email,
        language=user.language or "en",
        context={
            "user": user,
            "by": by,
            "link": public_url("invitations.accept", token=LINK_TOKEN),
            "days": VALID_FOR.days,
        },
    )
    record_account_event(SecurityTag.USER_INVITED, user, by)


def mint_invitation(message) -> str | None:
    """The outbox's `link_minter` for invitation emails: a fresh token whose hash
    replaces the account's earlier one, valid for VALID_FOR from now."""
    if message.template != TEMPLATE:
        return None
    user = find_user(message.to_address)
    if user is None or not user.invitation_pending:
        return None
    raw = secrets.token_urlsafe(32)
    user.invitation_hash = _hash(raw)
    user.invitation_expires_at = utcnow() + VALID_FOR
    return raw


def invited_by(raw: str) -> User | None:
    """The account a link invites, while the link is valid (newest, unused, unexpired,
    account active)."""
    if not raw or len(raw) > 128:
        return None
    user = db.session.query(User).filter(User.invitation_hash == _hash(raw)).one_or_none()
    if (
        user is None
        or not user.active
        or not user.invitation_pending
        or user.invitation_expires_at is None
        or user.invitation_expires_at <= utcnow()
    ):
        return None
    return user


def accept_invitation(user: User, password: str) -> None:
    """The person's own password: the link is spent, the account can sign in."""
    check_password_strength(password, email=user.email, name=user.name)
    with transaction():
        user.password_hash = hash_password(password)
        user.must_change_password = False
        user.password_changed_at = utcnow()
        user.invited_at = user.invitation_hash = user.invitation_expires_at = None
        end_all_sessions(user)
        record_account_event(SecurityTag.INVITATION_ACCEPTED, user, user)
