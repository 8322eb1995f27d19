"""Staff sessions kept on the server, and sign-in throttling.

The session cookie holds only a random key; its SHA-256 names a `staff_session` row.
Signing out ends the row, so a copied cookie stops working; a session also ends after
STAFF_IDLE_MINUTES without a request and STAFF_MAX_HOURS after sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, request, session
from limits import parse_many
from sqlalchemy import select, update

from consult import ratelimits
from consult.accounts.models import PendingSignIn, StaffSession, User
from consult.database import spend_once, utcnow
from consult.extensions import db
from consult.security.models import SecurityTag
from consult.security.services import record_event

SESSION_KEY = "staff_session"
PENDING_KEY = "pending_sign_in"
# How long the second step of signing in may wait after the password was checked.
PENDING_FOR = timedelta(minutes=5)
# last_seen_at is written at most this often (not on every request).
_TOUCH_EVERY = timedelta(seconds=60)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_staff_session(user: User) -> None:
    """A fresh session for `user`: the old one (and its CSRF token) is cleared first,
    so nothing from before sign-in carries over (session fixation)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    key = secrets.token_urlsafe(32)
    db.session.add(
        StaffSession(
            key_hash=_hash(key),
            user_id=user.id,
            user_agent=(request.user_agent.string or "")[:300],
            ip_address=(request.remote_addr or "")[:64],
        )
    )
    user.last_login_at = utcnow()
    db.session.commit()
    session[SESSION_KEY] = key


def start_pending_sign_in(user: User) -> None:
    """The password is right and a code is due: a fresh session holding only a random
    key to a server-side row (nothing else from before carries over)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    key = secrets.token_urlsafe(32)
    db.session.add(PendingSignIn(key_hash=_hash(key), user_id=user.id))
    db.session.commit()
    session[PENDING_KEY] = key


def pending_sign_in() -> PendingSignIn | None:
    """The live pending sign-in this session's cookie names: unused and younger than
    PENDING_FOR; None otherwise (a forged or replayed cookie names no live row)."""
    key = session.get(PENDING_KEY)
    if not isinstance(key, str):
        return None
    row = db.session.execute(
        select(PendingSignIn).where(PendingSignIn.key_hash == _hash(key))
    ).scalar_one_or_none()
    if row is None or row.used_at is not None or utcnow() - row.created_at > PENDING_FOR:
        return None
    return row


def use_pending_sign_in(row: PendingSignIn) -> bool:
    """Spend the pending sign-in (once: a second request with the same cookie, at the
    same moment or later, gets False). The caller then starts the staff session."""
    spent = spend_once(PendingSignIn, row.id)
    db.session.commit()
    session.pop(PENDING_KEY, None)
    return spent


def forget_pending_sign_in() -> None:
    session.pop(PENDING_KEY, None)


def current_staff_session(user_id: int) -> StaffSession | None:
    """The live server-side session the cookie names, for `user_id`; None when it is
    missing, ended, idle too long or too old (and then it is ended)."""
    key = session.get(SESSION_KEY)
    if not isinstance(key, str):
        return None
    row = db.session.execute(
        select(StaffSession).where(StaffSession.key_hash == _hash(key))
    ).scalar_one_or_none()
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return None
    now = utcnow()
    why = _expired(row, now)
    if why is not None:
        row.ended_at = now
        record_event(
            SecurityTag.SESSION_EXPIRED, user=db.session.get(User, row.user_id), detail=why
        )
        db.session.commit()
        return None
    if now - row.last_seen_at > _TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return row


def end_staff_session() -> None:
    """Sign-out: the server forgets the session, whatever the browser keeps."""
    key = session.get(SESSION_KEY)
    if isinstance(key, str):
        db.session.execute(
            update(StaffSession)
            .where(StaffSession.key_hash == _hash(key), StaffSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
        db.session.commit()
    session.clear()


def verified_since(session_row: StaffSession) -> datetime:
    """When the person last proved who they are in this session."""
    return session_row.verified_at or session_row.created_at


def mark_verified() -> None:
    """The person just gave their password again in this session (step-up)."""
    key = session.get(SESSION_KEY)
    if isinstance(key, str):
        db.session.execute(
            update(StaffSession)
            .where(StaffSession.key_hash == _hash(key))
            .values(verified_at=utcnow())
        )
        db.session.commit()


def live_sessions(user: User) -> list[StaffSession]:
    """The account's sessions that have not ended, newest first (the "Active sessions"
    page; idle or too old ones end when next used, and are not shown)."""
    now = utcnow()
    rows = db.session.execute(
        select(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .order_by(StaffSession.last_seen_at.desc())
    ).scalars()
    return [row for row in rows if _expired(row, now) is None]


def _expired(row: StaffSession, now: datetime) -> str | None:
    """Why a session is over by the clock -- "idle" (STAFF_IDLE_MINUTES without a
    request) or "too old" (STAFF_MAX_HOURS after sign-in) -- or None while it lives."""
    config = current_app.config
    if now - row.last_seen_at > timedelta(minutes=config["STAFF_IDLE_MINUTES"]):
        return "idle"
    if now - row.created_at > timedelta(hours=config["STAFF_MAX_HOURS"]):
        return "too old"
    return None


def this_session_id() -> int | None:
    """The row of the session this request comes from."""
    key = session.get(SESSION_KEY)
    if not isinstance(key, str):
        return None
    return db.session.execute(
        select(StaffSession.id).where(StaffSession.key_hash == _hash(key))
    ).scalar_one_or_none()


def end_sessions(user: User, *, keep: int | None = None, only: int | None = None) -> int:
    """End the account's sessions: one (`only`), or all but `keep`. Returns how many."""
    query = update(StaffSession).where(
        StaffSession.user_id == user.id, StaffSession.ended_at.is_(None)
    )
    if only is not None:
        query = query.where(StaffSession.id == only)
    if keep is not None:
        query = query.where(StaffSession.id != keep)
    ended = db.session.execute(query.values(ended_at=utcnow())).rowcount
    db.session.commit()
    return ended


def end_all_sessions(user: User) -> None:
    """End every session of `user` (password change, deactivation); no commit."""
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


# --- sign-in throttling ------------------------------------------------------------------


def count_sign_in_attempt(address: str, email: str) -> bool:
    """Count one sign-in attempt *before* the password is checked, atomically in the
    limiter's storage (Redis when configured, so every web process shares the count).
    False when the attempt is over a limit: per address and email, per address, and per
    account from any address (a guess spread over many addresses is slowed, never
    locked out). Parallel guesses cannot slip through: each is counted before it is
    tried."""
    config = current_app.config
    email = email.strip().lower()
    return ratelimits.hit_each(
        (config["LOGIN_RATE_LIMIT"], ("login-email", address, email)),
        (config["LOGIN_ADDRESS_RATE_LIMIT"], ("login-address", address)),
        (config["LOGIN_ACCOUNT_RATE_LIMIT"], ("login-account", email)),
    )


def forget_sign_in_attempts(address: str, email: str) -> None:
    """A successful sign-in clears the per-email count (a colleague's earlier typos
    should not lock them out later); the per-address count stays."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    for item in parse_many(current_app.config["LOGIN_RATE_LIMIT"]):
        ratelimits.clear(item, "login-email", address, email.strip().lower())
