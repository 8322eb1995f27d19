"""Queueing email in the outbox, inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from consult.cache import cached
from consult.database import transaction, utcnow
from consult.errors import Conflict
from consult.extensions import db
from consult.i18n import offered
from consult.notifications.models import EmailText, MailWorker, OutboxMessage, OutboxState
from consult.notifications.texts import fill, placeholder_values, text_to_html
from consult.notifications.worker import HEARTBEAT_SECONDS


def queue_email(
    *,
    key: str,
    template: str,
    to: str,
    language: str,
    context: dict[str, Any],
    application_id: int | None = None,
    calendar: str = "",
    check_existing: bool = True,
    send_after: timedelta | None = None,
    coalesce: bool = False,
    texts: tuple[str, str] | None = None,
) -> OutboxMessage:
    """Render emails/<template>.{subject.txt,txt,html} and add it to the outbox (or,
    with `texts`, a subject and body the secretariat wrote, placeholders filled).

    The caller commits (the email belongs to the caller's state change). A key that
    was queued before returns the existing message instead of a second one.
    `send_after` holds a new message back that long; with `coalesce`, a message of the
    same template to the same application that is still waiting to be sent (never
    tried) is rewritten in place and waits again, instead of a second one being queued
    (one email per batch of edits).
    """
    if coalesce and application_id is not None:
        pending = _unsent(application_id, template)
        if pending is not None:
            pending.subject, pending.body_text, pending.body_html = render_email(
                template, language, context
            )
            pending.calendar = calendar
            pending.next_attempt_at = utcnow() + (send_after or timedelta())
            return pending
    if check_existing:  # (the unique index refuses a second row in any case)
        existing = db.session.execute(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
        ).scalar_one_or_none()
        if existing is not None:
            return existing
    if texts is not None:
        subject, body_text, body_html = render_custom_email(*texts, offered(language), context)
    else:
        subject, body_text, body_html = render_email(template, language, context)
    now = utcnow()
    message = OutboxMessage(
        idempotency_key=key,
        template=template,
        language=language,
        to_address=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        application_id=application_id,
        calendar=calendar,
        created_at=now,
        next_attempt_at=now + (send_after or timedelta()),
    )
    db.session.add(message)
    return message


def withdraw_unsent(application_ids, template: str) -> int:
    """Delete the messages of `template` to these applications (ids, or a select of
    them) that are queued and were never tried: what they said no longer holds (a
    programme made a draft again). Returns how many; no commit."""
    return db.session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.application_id.in_(application_ids),
            OutboxMessage.template == template,
            OutboxMessage.state == OutboxState.QUEUED,
            OutboxMessage.attempts == 0,
        )
        .execution_options(synchronize_session=False)
    ).rowcount


def _unsent(application_id: int, template: str) -> OutboxMessage | None:
    """The message of `template` to this application that is queued and was never tried
    (locked: a second edit at the same moment waits for this one)."""
    return db.session.execute(
        select(OutboxMessage)
        .where(
            OutboxMessage.application_id == application_id,
            OutboxMessage.template == template,
            OutboxMessage.state == OutboxState.QUEUED,
            OutboxMessage.attempts == 0,
        )
        .with_for_update()
    ).scalar_one_or_none()


def custom_text(consultation_id: int | None, template: str, language: str) -> EmailText | None:
    """The admins' own text for this email in exactly this language, if any."""
    if consultation_id is None:
        return None
    return db.session.execute(
        select(EmailText).where(
            EmailText.consultation_id == consultation_id,
            EmailText.template == template,
            EmailText.language == language,
        )
    ).scalar_one_or_none()


def render_email(template: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject, text and HTML of an email, in `language`.

    The consultation's own text for that language wins; otherwise the built-in
    templates (translated where a translation exists) are used.
    """
    consultation = context.get("consultation")
    language = offered(language)  # never claim a language whose catalog is incomplete
    custom = custom_texts_cached(consultation.id if consultation else None).get(
        (template, language)
    )
    if custom is not None:
        return render_custom_email(*custom, language, context)
    return render_builtin_email(template, language, context)


def render_builtin_email(
    template: str, language: str, context: dict[str, Any]
) -> tuple[str, str, str]:
    """emails/<template>.{subject.txt,txt,html} rendered in `language`."""
    with force_locale(language):
        subject = render_template(f"emails/{template}.subject.txt", **context)
        body_text = render_template(f"emails/{template}.txt", **context)
        body_html = render_template(f"emails/{template}.html", **context)
    return " ".join(subject.split()), body_text, body_html


def render_custom_email(
    subject: str, body: str, language: str, context: dict[str, Any]
) -> tuple[str, str, str]:
    """An admin's plain-text subject and body with their {placeholders} filled; the
    HTML part is made from the text inside the usual layout."""
    values = placeholder_values(context)
    subject = " ".join(fill(subject, values).split())
    body_text = fill(body, values)
    with force_locale(language):
        body_html = render_template(
            "emails/_custom.html", subject=subject, body_html=text_to_html(body_text), **context
        )
    return subject, body_text, body_html


class NotificationError(Conflict):
    """An outbox operation the message's state does not allow."""


def _fresh_start() -> dict:
    now = utcnow()
    lifetime = timedelta(hours=current_app.config["MAIL_LIFETIME_HOURS"])
    return {
        "state": OutboxState.QUEUED,
        "attempts": 0,
        "next_attempt_at": now,
        "expires_at": now + lifetime,
        "claimed_by": "",
        "lease_until": None,
    }


def resend(message: OutboxMessage) -> None:
    """Queue a failed message again, with a new lifetime (same Message-ID)."""
    if message.state != OutboxState.FAILED:
        raise NotificationError(_("Only failed messages can be resent."))
    with transaction():
        for name, value in _fresh_start().items():
            setattr(message, name, value)


def resend_all_failed() -> int:
    """Queue every failed message again (after an outage): one statement."""
    with transaction():
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.state == OutboxState.FAILED)
            .values(**_fresh_start())
            .execution_options(synchronize_session=False)
        )
    return result.rowcount


@dataclass
class DeliveryHealth:
    """What an admin needs to know about email delivery, at a glance."""

    failed: int
    # How long the oldest message that is due now has been waiting (None: nothing due).
    lag: timedelta | None
    workers: list[MailWorker] | None = None  # loaded only when asked for (or when late)

    @property
    def late(self) -> bool:
        limit = timedelta(seconds=current_app.config["MAIL_LAG_WARNING_SECONDS"])
        return self.lag is not None and self.lag > limit

    @property
    def live_workers(self) -> list[MailWorker]:
        return [w for w in self.workers or [] if worker_is_live(w)]


def worker_is_live(worker: MailWorker) -> bool:
    return utcnow() - worker.last_seen_at <= timedelta(seconds=4 * HEARTBEAT_SECONDS)


def delivery_health(with_workers: bool = False) -> DeliveryHealth:
    """Failed messages and outbox lag in one query; the workers' heartbeats as well when
    asked for or when mail is late (so the queue page pays one query in normal times)."""
    now = utcnow()
    failed, oldest_due = db.session.execute(
        select(
            func.count(OutboxMessage.id).filter(OutboxMessage.state == OutboxState.FAILED),
            func.min(OutboxMessage.next_attempt_at).filter(
                OutboxMessage.state == OutboxState.QUEUED, OutboxMessage.next_attempt_at <= now
            ),
        )
    ).one()
    health = DeliveryHealth(failed=failed, lag=(now - oldest_due) if oldest_due else None)
    if with_workers or health.late:
        health.workers = list(
            db.session.execute(
                select(MailWorker).order_by(MailWorker.last_seen_at.desc())
            ).scalars()
        )
    return health


def save_custom_text(
    consultation_id: int, template: str, language: str, subject: str, body: str, by: str
) -> EmailText:
    """Create or replace the consultation's own text for one email and language."""
    with transaction():
        text = custom_text(consultation_id, template, language)
        if text is None:
            text = EmailText(consultation_id=consultation_id, template=template, language=language)
            db.session.add(text)
        text.subject = subject.strip()
        text.body = body.strip()
        text.updated_by = by
    return text


def reset_custom_text(consultation_id: int, template: str, language: str) -> None:
    """Go back to the built-in text."""
    with transaction():
        text = custom_text(consultation_id, template, language)
        if text is not None:
            db.session.delete(text)


def custom_texts_cached(consultation_id: int | None) -> dict[tuple[str, str], tuple[str, str]]:
    """(template, language) -> (subject, body) of a consultation's own email texts, from
    the process's cache (consult/cache.py)."""
    if consultation_id is None:
        return {}

    def load(session):
        rows = session.execute(
            select(EmailText.template, EmailText.language, EmailText.subject, EmailText.body).where(
                EmailText.consultation_id == consultation_id
            )
        )
        return {(t, lang): (subject, body) for t, lang, subject, body in rows}

    return cached("email_texts", consultation_id, load)


def custom_texts(consultation_id: int) -> dict[tuple[str, str], EmailText]:
    rows = db.session.execute(
        select(EmailText).where(EmailText.consultation_id == consultation_id)
    ).scalars()
    return {(row.template, row.language): row for row in rows}
