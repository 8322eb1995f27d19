"""The mail worker: claims due outbox messages, sends them over SMTP, retries failures.

Claiming is one short transaction: pick due message ids (on PostgreSQL with
FOR UPDATE SKIP LOCKED, so concurrent workers never pick the same rows), mark them
`sending` with this worker's id and a lease, commit. Sending happens outside any
transaction over one SMTP connection per batch; each result is written back at once.
A worker that dies leaves its messages `sending`; when the lease runs out any worker
reclaims them. Delivery is at-least-once: a worker killed after the SMTP server took a
message but before it marked it sent will send it again after the lease.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_mail import Message
from sqlalchemy import and_, or_, select, update

from consult.applications.tokens import LINK_TOKEN, fill_token, mint_token
from consult.database import utcnow
from consult.extensions import db, mail
from consult.notifications.models import OutboxMessage, OutboxState

log = logging.getLogger(__name__)

# The server answered about this one message (a refused recipient, say): the others
# in the batch go on. Any other OSError (smtplib's errors are OSErrors too: refused,
# disconnected, timed out, authentication) means the server is unusable for now, and
# every message left in the batch is put back for a retry.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
)


@dataclass
class DrainResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __iadd__(self, other: DrainResult) -> DrainResult:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        return self


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{uuid.uuid4().hex[:12]}"


def backoff(attempts: int) -> timedelta:
    """Wait before retry number `attempts`: base, 2×base, 4×base, ... capped."""
    config = current_app.config
    seconds = config["MAIL_RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["MAIL_RETRY_MAX_SECONDS"]))


def _claimable(now):
    return or_(
        and_(OutboxMessage.state == OutboxState.QUEUED, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.state == OutboxState.SENDING, OutboxMessage.lease_until < now),
    )


def claim(worker_id: str, limit: int) -> list[OutboxMessage]:
    """Claim up to `limit` due messages for this worker (commits)."""
    now = utcnow()
    lease = now + timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    try:
        ids = list(
            db.session.execute(
                select(OutboxMessage.id)
                .where(_claimable(now))
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).scalars()
        )
        if ids:
            # The state condition again: on SQLite (no row locks) a second worker that
            # read the same ids finds them taken and claims nothing.
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), _claimable(now))
                .values(
                    state=OutboxState.SENDING,
                    claimed_by=worker_id,
                    lease_until=lease,
                    attempts=OutboxMessage.attempts + 1,
                )
                .execution_options(synchronize_session=False)
            )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    if not ids:
        return []
    return list(
        db.session.execute(
            select(OutboxMessage)
            .where(
                OutboxMessage.id.in_(ids),
                OutboxMessage.claimed_by == worker_id,
                OutboxMessage.state == OutboxState.SENDING,
            )
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        ).scalars()
    )


def _finish(message: OutboxMessage, worker_id: str, **values) -> bool:
    """Write a result, only if the message is still ours (the lease may have run out)."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message.id,
            OutboxMessage.claimed_by == worker_id,
            OutboxMessage.state == OutboxState.SENDING,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _retry_or_fail(message: OutboxMessage, worker_id: str, error: str) -> str:
    if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        _finish(
            message, worker_id, state=OutboxState.FAILED, last_error=error[:2000], lease_until=None
        )
        log.warning("Giving up on message %s: %s", message.id, error)
        return "failed"
    _finish(
        message,
        worker_id,
        state=OutboxState.QUEUED,
        last_error=error[:2000],
        next_attempt_at=utcnow() + backoff(message.attempts),
        lease_until=None,
    )
    return "retried"


def message_id(message: OutboxMessage) -> str:
    """One Message-ID per outbox row, the same for every attempt and resend, so a rare
    duplicate delivery is recognisable as such."""
    digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:16]
    return f"<consult.{message.id}.{digest}@{current_app.config['MAIL_MESSAGE_ID_DOMAIN']}>"


def mint_links(messages: list[OutboxMessage]) -> dict[int, str]:
    """A fresh private-link token for each message whose stored parts hold LINK_TOKEN
    (one transaction for the batch). Tokens exist only from here to the SMTP server."""
    tokens = {}
    for message in messages:
        if message.application_id is None:
            continue
        parts = (message.body_text, message.body_html, message.calendar)
        if any(LINK_TOKEN in (part or "") for part in parts):
            tokens[message.id] = mint_token(message.application_id)
    if tokens:
        db.session.commit()
    return tokens


def build_message(message: OutboxMessage, token: str | None = None) -> Message:
    def live(part: str) -> str:
        return fill_token(part, token) if token else part

    mail_message = Message(
        subject=message.subject,
        recipients=[message.to_address],
        body=live(message.body_text),
        html=live(message.body_html) or None,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers={"X-Consult-Message": message.idempotency_key},
    )
    mail_message.msgId = message_id(message)
    if message.calendar:
        mail_message.attach(
            "consultation.ics",
            "text/calendar; charset=utf-8; method=PUBLISH",
            live(message.calendar).encode(),
        )
    return mail_message


def send_batch(worker_id: str, limit: int = 50) -> DrainResult:
    """Claim one batch and send it over a single SMTP connection."""
    result = DrainResult()
    messages = claim(worker_id, limit)
    if not messages:
        return result
    tokens = mint_links(messages)
    pending = list(messages)
    try:
        with mail.connect() as connection:
            while pending:
                message = pending[0]
                try:
                    connection.send(build_message(message, tokens.get(message.id)))
                except MESSAGE_ERRORS as error:
                    failure = f"{type(error).__name__}: {error}"
                except OSError:
                    raise
                except Exception as error:  # a message that cannot be built or encoded
                    failure = f"{type(error).__name__}: {error}"
                else:
                    failure = None
                if failure is not None:
                    pending.pop(0)
                    outcome = _retry_or_fail(message, worker_id, failure)
                    result.failed += outcome == "failed"
                    result.retried += outcome == "retried"
                    continue
                pending.pop(0)
                if _finish(
                    message,
                    worker_id,
                    state=OutboxState.SENT,
                    sent_at=utcnow(),
                    last_error="",
                    lease_until=None,
                ):
                    result.sent += 1
    except OSError as error:
        reason = f"SMTP server unavailable: {type(error).__name__}: {error}"
        log.warning("%s; %d message(s) will be retried", reason, len(pending))
        for message in pending:
            outcome = _retry_or_fail(message, worker_id, reason)
            result.failed += outcome == "failed"
            result.retried += outcome == "retried"
    return result


def drain(worker_id: str | None = None, batch: int = 50) -> DrainResult:
    """Send everything that is due now, batch after batch, then return."""
    worker_id = worker_id or new_worker_id()
    total = DrainResult()
    while True:
        result = send_batch(worker_id, batch)
        total += result
        if result.sent + result.retried + result.failed == 0:
            return total
        if result.sent == 0 and result.failed == 0:
            return total  # everything was put back for later: the server is down


def work_forever(batch: int = 50, interval: float = 2.0, stop=lambda: False) -> None:
    """Run until stopped: drain, sleep `interval`, repeat."""
    worker_id = new_worker_id()
    log.info("Mail worker %s started", worker_id)
    while not stop():
        try:
            result = drain(worker_id, batch)
            if result.sent or result.failed or result.retried:
                log.info(
                    "Sent %d, retrying %d, failed %d", result.sent, result.retried, result.failed
                )
        except Exception:  # the database went away, say: keep the worker alive
            db.session.rollback()
            log.exception("Mail worker error; trying again in %.0f s", interval)
        time.sleep(interval)
