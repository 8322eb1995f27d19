"""Private links: unguessable tokens that reach one application.

A token is 32 random bytes (URL-safe base64); only its SHA-256 is stored. Tokens are
minted when an email is *sent*, never when it is queued: a queued message holds the
link with LINK_TOKEN in place of a token, and the mail worker fills in a fresh token
for each delivery (see consult.notifications.worker). So no outbox row, database dump
or outbox page ever shows a live private link.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from sqlalchemy import select

from consult.applications.models import AccessToken, Application
from consult.database import utcnow
from consult.extensions import db

# Stands for the token in stored emails. Only URL-safe characters, so it survives
# HTML escaping and URL quoting unchanged.
LINK_TOKEN = "private-link-token-filled-in-when-sent"
MASK = "[private-link]"
MAX_TOKEN_LENGTH = 128
# A raw token in a URL path: /a/<43 URL-safe base64 characters>.
_RAW_TOKEN_IN_PATH = re.compile(r"/a/[A-Za-z0-9_\-]{20,128}")


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


def fill_token(text: str, raw: str) -> str:
    """A stored email part with its link made live (the worker, at send time)."""
    return text.replace(LINK_TOKEN, raw)


def mask_token(text: str) -> str:
    """What staff see of a stored email: links shown, never usable."""
    return _RAW_TOKEN_IN_PATH.sub(lambda m: "/a/" + MASK, text.replace(LINK_TOKEN, MASK))


def scrub_raw_tokens(text: str) -> str:
    """Replace raw tokens in old stored emails by LINK_TOKEN (the scrub migration)."""
    return _RAW_TOKEN_IN_PATH.sub("/a/" + LINK_TOKEN, text or "")
