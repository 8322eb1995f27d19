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
from datetime import datetime

from sqlalchemy import select

from consult.applications.models import AccessToken, Application
from consult.database import utcnow
from consult.extensions import db
from consult.http import public_url
from consult.links import LINK_TOKEN

MAX_TOKEN_LENGTH = 128


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def mint_token(application_id: int) -> str:
    """A new private link for the application (added to the session; the caller
    commits). The raw token is returned and exists nowhere else."""
    raw = secrets.token_urlsafe(32)
    db.session.add(AccessToken(application_id=application_id, token_hash=hash_token(raw)))
    return raw


def find_by_token(raw: str, now: datetime | None = None) -> Application | None:
    """The application a private link points to, or None (unknown, malformed, or past
    the consultation's retention date). Opening a link changes nothing."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH or raw == LINK_TOKEN:
        return None
    token = db.session.execute(
        select(AccessToken).where(AccessToken.token_hash == hash_token(raw))
    ).scalar_one_or_none()
    if token is None:
        return None
    application = token.application
    if application.erased_at is not None:
        return None
    expires = application.consultation.retention_until
    if expires is not None and (now or utcnow()) >= expires:
        return None
    return application


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
