"""Private links: unguessable tokens that reach one application.

A token is 32 random bytes (URL-safe base64); only its SHA-256 is stored. Tokens are
minted when an email is *sent*, never when it is queued: a queued message holds the
link with LINK_TOKEN in place of a token, and the mail worker fills in a fresh token
for each delivery (see consult.notifications.worker). So no outbox row, database dump
or outbox page ever shows a live private link.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from consult.applications.audit import EventKind, record_change
from consult.applications.models import AccessToken, Application
from consult.applications.states import Actor
from consult.consultations.services import consultation_by_id
from consult.database import transaction, utcnow
from consult.extensions import db
from consult.http import public_url
from consult.links import LINK_TOKEN
from consult.text import counted

MAX_TOKEN_LENGTH = 128


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def mint_token(application_id: int) -> str:
    """A new private link for the application (added to the session; the caller
    commits). The raw token is returned and exists nowhere else."""
    raw = secrets.token_urlsafe(32)
    db.session.add(AccessToken(application_id=application_id, token_hash=hash_token(raw)))
    return raw


# A link is written down when it is used, at most this often (not on every page).
_TOUCH_EVERY = timedelta(days=1)


def find_by_token(raw: str, now: datetime | None = None) -> Application | None:
    """The application a private link points to, or None: unknown, malformed, past the
    consultation's retention date, or expired -- a link that is not the application's
    latest expires after LINK_IDLE_DAYS without use (the latest never does: every email
    brings a new link, and the newest must always work). Opening a link changes nothing
    of the application; when it was last used is noted (daily at most)."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH or raw == LINK_TOKEN:
        return None
    token = db.session.execute(
        select(AccessToken)
        .where(AccessToken.token_hash == hash_token(raw))
        .options(joinedload(AccessToken.application))
    ).scalar_one_or_none()
    if token is None:
        return None
    application = token.application
    if application.erased_at is not None:
        return None
    # Its consultation (with offers and categories) from the cache, into this session:
    # application.consultation and .category then load without a query.
    consultation_by_id(application.consultation_id)
    now = now or utcnow()
    expires = application.consultation.retention_until
    if expires is not None and now >= expires:
        return None
    idle = timedelta(days=current_app.config["LINK_IDLE_DAYS"])
    if now - (token.last_used_at or token.created_at) > idle and not _is_latest(token):
        return None
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        token.last_used_at = now
        db.session.commit()
    return application


def _is_latest(token: AccessToken) -> bool:
    newest = db.session.execute(
        select(func.max(AccessToken.id)).where(AccessToken.application_id == token.application_id)
    ).scalar_one()
    return token.id == newest


def _other_than(application: Application, raw: str):
    """The condition "a private link to the application, not this one"."""
    return (AccessToken.application_id == application.id) & (
        AccessToken.token_hash != hash_token(raw)
    )


def other_links(application: Application, raw: str) -> int:
    """How many other private links to the application exist (from earlier emails)."""
    return db.session.execute(
        select(func.count(AccessToken.id)).where(_other_than(application, raw))
    ).scalar_one()


def revoke_other_links(application: Application, raw: str) -> int:
    """ "Sign out the other links": every private link to the application but this one
    stops working. Returns how many went; recorded in the audit log."""
    with transaction():
        gone = db.session.execute(delete(AccessToken).where(_other_than(application, raw))).rowcount
        if gone:
            record_change(
                application,
                actor=Actor.APPLICANT.value,
                note=f"Signed out {counted(gone, 'other private link')}.",
                kind=EventKind.LINKS,
            )
    return gone


def status_link() -> str:
    """The private link as stored in emails: LINK_TOKEN stands for the token, which the
    mail worker mints when it sends the message."""
    return public_url("applications.status", token=LINK_TOKEN)


def mint_link_for_message(message) -> str | None:
    """The outbox's `link_minter` (consult.notifications.worker): a new private link
    for the application an email is about, minted when it is sent."""
    if message.application_id is None:
        return None
    return mint_token(message.application_id)
