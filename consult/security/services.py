"""Recording and reading security events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select

from consult.extensions import db
from consult.hooks import Hook
from consult.security.models import SecurityEvent, SecurityTag

# Fired with every event recorded, in its transaction: a feature above watches the log
# for patterns worth an alert (consult.accounts.alerts).
recorded: Hook[[SecurityEvent], None] = Hook("recorded")


def record_event(
    tag: SecurityTag,
    *,
    user=None,
    actor: str = "",
    target: str = "",
    detail: str = "",
    commit: bool = False,
) -> SecurityEvent:
    """Add a security event to the session (the caller's transaction commits it, so
    the event and the change it records are saved together); `commit=True` for
    events that have no transaction of their own (a refused request, a sign-in)."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    event = SecurityEvent(
        tag=tag.value,
        actor_user_id=user.id if user is not None else None,
        actor=(user.email if user is not None else actor)[:254],
        ip_address=(request.remote_addr or "")[:64] if has_request_context() else "cli",
        target=target[:300],
        detail=detail,
    )
    db.session.add(event)
    recorded(event)
    if commit:
        db.session.commit()
    return event


def security_events(
    *, tag: str | None = None, before: int | None = None, limit: int = 100
) -> list[SecurityEvent]:
    """Newest first, keyset-paginated by id."""
    query = select(SecurityEvent).order_by(SecurityEvent.id.desc()).limit(limit)
    if tag:
        query = query.where(SecurityEvent.tag == tag)
    if before:
        query = query.where(SecurityEvent.id < before)
    return list(db.session.execute(query).scalars())


def iter_security_events(since: datetime | None = None) -> Iterator[SecurityEvent]:
    """Every event, oldest first, streamed (the CLI export)."""
    query = select(SecurityEvent).order_by(SecurityEvent.id).execution_options(yield_per=500)
    if since is not None:
        query = query.where(SecurityEvent.created_at >= since)
    yield from db.session.execute(query).scalars()
