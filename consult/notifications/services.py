"""Queueing email in the outbox, inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from sqlalchemy import select

from consult.database import transaction, utcnow
from consult.extensions import db
from consult.notifications.models import OutboxMessage, OutboxState


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute URL under CONSULT_PUBLIC_URL, for links that leave the site (emails)."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    if has_request_context():
        path = url_for(endpoint, **values)
        script_root = url_for("consultations.home").rstrip("/")
        path = path[len(script_root) :] if script_root else path
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return base + path


def queue_email(
    *,
    key: str,
    template: str,
    to: str,
    language: str,
    context: dict[str, Any],
    application_id: int | None = None,
    calendar: str = "",
) -> OutboxMessage:
    """Render emails/<template>.{subject.txt,txt,html} and add it to the outbox.

    The caller commits (the email belongs to the caller's state change). A key that
    was queued before returns the existing message instead of a second one.
    """
    existing = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    with force_locale(language):
        subject = render_template(f"emails/{template}.subject.txt", **context)
        body_text = render_template(f"emails/{template}.txt", **context)
        body_html = render_template(f"emails/{template}.html", **context)
    message = OutboxMessage(
        idempotency_key=key,
        template=template,
        language=language,
        to_address=to,
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
        application_id=application_id,
        calendar=calendar,
    )
    db.session.add(message)
    return message


class NotificationError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def resend(message: OutboxMessage) -> None:
    """Queue a failed message again, with a fresh set of attempts."""
    if message.state != OutboxState.FAILED:
        raise NotificationError("Only failed messages can be resent.")
    with transaction():
        message.state = OutboxState.QUEUED
        message.attempts = 0
        message.next_attempt_at = utcnow()
        message.claimed_by = ""
        message.lease_until = None
