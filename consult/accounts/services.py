"""Secretariat accounts: creation, passwords, deactivation, authentication."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import cache

from flask import current_app, has_request_context
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from consult.accounts.models import User, UserRole
from consult.accounts.sessions import current_staff_session, end_all_sessions
from consult.database import transaction, utcnow
from consult.errors import DomainError, Forbidden, Invalid
from consult.extensions import db
from consult.http import parse_id
from consult.notifications.services import queue_email
from consult.security.models import SecurityTag
from consult.security.services import record_event

MIN_PASSWORD_LENGTH = 12
PEPPERED = "pepper:"


def hash_secret(secret: str) -> str:
    """werkzeug's salted hash of a secret (a peppered password, a recovery code) with
    the method the configuration names (PASSWORD_HASH_METHOD)."""
    return generate_password_hash(secret, method=current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not-a-real-password-at-all", method=method)


def dummy_hash() -> str:
    """Compared against when the email is unknown, so a wrong email and a wrong password
    take the same time. Made on first use, not at import (a worker boots fast)."""
    return _dummy_hash(current_app.config["PASSWORD_HASH_METHOD"])


def _pepper_id(pepper: str) -> str:
    return hashlib.sha256(b"consult pepper " + pepper.encode()).hexdigest()[:8]


def _peppered(password: str, pepper: str) -> str:
    return hmac.new(pepper.encode(), password.encode(), hashlib.sha256).hexdigest()


def hash_password(password: str) -> str:
    """The stored form of a password: HMAC-SHA256 with the first of PASSWORD_PEPPERS (a
    secret from the environment, never in the database: a stolen database alone cannot
    be brute-forced, ASVS 2.4.5), then werkzeug's salted scrypt. The pepper's id is kept
    with the hash, so a hash made with an older pepper is still checked (rotation)."""
    pepper = current_app.config["PASSWORD_PEPPERS"][0]
    return f"{PEPPERED}{_pepper_id(pepper)}${hash_secret(_peppered(password, pepper))}"


def password_matches(stored: str, password: str) -> tuple[bool, bool]:
    """(whether `password` is the one stored, whether the hash should be made again:
    made before the pepper, or with a pepper that is no longer the first)."""
    password = password or ""
    if not stored.startswith(PEPPERED):  # from before the pepper
        matches = check_password_hash(stored, password)
        return matches, matches
    pepper_id, _sep, inner = stored[len(PEPPERED) :].partition("$")
    peppers = current_app.config["PASSWORD_PEPPERS"]
    pepper = next((p for p in peppers if _pepper_id(p) == pepper_id), None)
    if pepper is None:  # its pepper was dropped: the person sets a new password
        check_password_hash(dummy_hash(), password)
        return False, False
    matches = check_password_hash(inner, _peppered(password, pepper))
    return matches, matches and pepper != peppers[0]


class AccountError(Invalid):
    """An account that cannot be created or a password that cannot be set."""


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def N_(message: str) -> str:  # noqa: N802  (gettext's name for "mark for translation only")
    """Marks a message for extraction (`make translations`); translated where used."""
    return message


# zxcvbn's own feedback: its English texts, translated like every other message when
# shown (password_problem).
ZXCVBN_FEEDBACK = frozenset(
    {
        N_("Capitalization doesn't help very much."),
        N_("Dates are often easy to guess."),
        N_("No need for symbols, digits, or uppercase letters."),
        N_("Recent years are easy to guess."),
        N_("Reversed words aren't much harder to guess."),
        N_("Use a few words, avoid common phrases."),
        N_("A word by itself is easy to guess."),
        N_("Add another word or two. Uncommon words are better."),
        N_("Avoid dates and years that are associated with you."),
        N_("Avoid recent years."),
        N_("Avoid repeated words and characters."),
        N_("Avoid sequences."),
        N_("Avoid years that are associated with you."),
        N_("Common names and surnames are easy to guess."),
        N_("Names and surnames by themselves are easy to guess."),
        N_("Short keyboard patterns are easy to guess."),
        N_("Straight rows of keys are easy to guess."),
        N_("This is a top-10 common password."),
        N_("This is a top-100 common password."),
        N_("This is a very common password."),
        N_("This is similar to a commonly used password."),
        N_("Use a longer keyboard pattern with more turns."),
        N_('Repeats like "aaa" are easy to guess.'),
        N_('Sequences like "abc" or "6543" are easy to guess.'),
    }
)


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a password is too weak, or None: shorter than MIN_PASSWORD_LENGTH, or easy
    to guess (zxcvbn's offline estimate, which knows the common and breached-list
    passwords, keyboard patterns and the person's own name and address) -- with
    zxcvbn's own advice on what to change, in the reader's language (ASVS 2.1.8)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return ngettext(
            "Passwords need at least %(num)d character.",
            "Passwords need at least %(num)d characters.",
            MIN_PASSWORD_LENGTH,
        )
    inputs = [part for part in (email, email.split("@")[0], name, "ungis", "consult") if part]
    result = zxcvbn(password[:100], user_inputs=inputs)
    if result["score"] >= 3:
        return None
    feedback = result.get("feedback") or {}
    advice = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
    return " ".join(
        [
            _(
                "This password is too common or too easy to guess. Use a longer one, "
                "for example four unrelated words."
            ),
            *(_(text) for text in advice if text in ZXCVBN_FEEDBACK),
        ]
    ).strip()


def check_password_strength(password: str, *, email: str = "", name: str = "") -> None:
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise AccountError(problem)


def sign_in_actor(typed: str) -> str:
    """Who a sign-in attempt names, for the security log: a known account's address as
    it is; anything else (people paste passwords into the email field) only as a keyed
    fingerprint, so repeated attempts can be told apart without keeping what was typed."""
    user = find_user(typed or "")
    if user is not None:
        return user.email
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, (typed or "").strip().lower().encode(), hashlib.sha256)
    return f"unknown address #{digest.hexdigest()[:12]}"


def email_admins(template: str, key: str, context: dict, **options) -> None:
    """Queue `template` for each admin who can sign in, in their own language (the
    admin is `user` in the template; `key` is made one per admin): how the system tells
    the secretariat of what needs it (security alerts, a participant who left).
    `options` are queue_email's. The caller commits."""
    admins = db.session.execute(
        select(User).where(User.role == UserRole.ADMIN, User.active.is_(True))
    ).scalars()
    for admin in admins:
        queue_email(
            key=f"{key}:{admin.id}",
            template=template,
            to=admin.email,
            language=admin.language or "en",
            context={"user": admin, **context},
            **options,
        )


def find_user(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()


Actor = User | str | None
"""Who makes an account change, for the security log: the signed-in admin (a User), a
command ("consult users create"), or None (the signed-in person, else the system)."""


def record_account_event(tag: SecurityTag, user: User, by: Actor = None) -> None:
    """The security event of an account change, in the change's transaction: every
    way of making it (a page, the CLI, the demo) is recorded, since the service records."""
    if isinstance(by, User):
        record_event(tag, user=by, target=f"user {user.id} ({user.email})")
    else:
        record_event(tag, actor=by or "system", target=f"user {user.id} ({user.email})")


def require_admin(by: User, message: str, error: type[DomainError] = Forbidden) -> None:
    """The services' own check, whatever page or command calls them: an active
    administrator, or `error` with `message`."""
    if not by.is_admin or not by.active:
        raise error(message)


def create_user(
    email: str,
    name: str,
    role: UserRole,
    password: str,
    *,
    must_change: bool = True,
    by: Actor = None,
    organization_id: int | None = None,
) -> User:
    """A new account. Its password was chosen by someone else (the operator, the demo
    seed), so by default it must be changed at the first sign-in. (Admins invite by
    email instead: consult.accounts.invitations.)"""
    check_password_strength(password, email=email.strip().lower(), name=name)
    with transaction():
        user = new_user(email, name, role, password, by=by, organization_id=organization_id)
        user.must_change_password = must_change
    return user


def new_user(
    email: str,
    name: str,
    role: UserRole,
    password: str,
    *,
    by: Actor = None,
    organization_id: int | None = None,
) -> User:
    """Add an account and its security event to the caller's transaction."""
    email = email.strip().lower()
    if not email or "@" not in email:
        raise AccountError(_("Give a valid email address."))
    if not name.strip():
        raise AccountError(_("Give the person’s name."))
    if find_user(email) is not None:
        raise AccountError(_("There is already an account for %(email)s.", email=email))
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password),
        must_change_password=True,
        organization_id=organization_id,
    )
    db.session.add(user)
    db.session.flush()
    record_account_event(SecurityTag.USER_CREATED, user, by)
    return user


def set_password(user: User, password: str, *, by_self: bool, by: Actor = None) -> None:
    """A new password: every session of the account ends, and the person is emailed
    (so a change they did not make does not go unnoticed). A password set by someone
    else (`by_self=False`) must be changed at the next sign-in."""
    check_password_strength(password, email=user.email, name=user.name)
    with transaction():
        user.password_hash = hash_password(password)
        user.must_change_password = not by_self
        user.password_changed_at = utcnow()
        end_all_sessions(user)
        queue_email(
            key=f"user:{user.id}:password_changed:{user.password_changed_at:%Y%m%dT%H%M%S.%f}",
            template="password_changed",
            to=user.email,
            language=user.language or "en",
            context={"user": user, "by_self": by_self, "when": user.password_changed_at},
        )
        record_account_event(
            SecurityTag.PASSWORD_CHANGED if by_self else SecurityTag.USER_PASSWORD_SET, user, by
        )


def set_active(user: User, active: bool, *, by: Actor = None) -> None:
    """Let an account sign in, or not (its sessions end)."""
    with transaction():
        user.active = active
        end_all_sessions(user)
        record_account_event(
            SecurityTag.USER_ACTIVATED if active else SecurityTag.USER_DEACTIVATED, user, by
        )


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user = find_user(email or "")
    if user is None:
        check_password_hash(dummy_hash(), password or "")
        return None
    if not check_current_password(user, password) or not user.active:
        return None
    return user


def check_current_password(user: User, password: str) -> bool:
    """Whether `password` is the user's; a right one stored the old way (before the
    pepper, or with an older pepper) is hashed again with the current pepper."""
    matches, again = password_matches(user.password_hash, password)
    if again:
        with transaction():
            user.password_hash = hash_password(password)
    return matches


def load_user(identity: str) -> User | None:
    """Flask-Login's loader: the account, while the server-side staff session the
    cookie names is live (the one way a session ends: signing out, idle or too old, a
    new password, deactivation -- accounts.sessions)."""
    user_id = parse_id(identity.partition(":")[0])  # (":<epoch>": cookies of before)
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.active:
        return None
    if not has_request_context() or current_staff_session(user.id) is None:
        return None  # signed out, idle or too old: the server-side session is gone
    return user


def all_users() -> list[User]:
    return list(db.session.execute(select(User).order_by(User.name)).scalars())
