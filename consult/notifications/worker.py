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
import os
import smtplib
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from email.charset import QP, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formatdate, parseaddr
from time import monotonic

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy import delete as sa_delete
from sqlalchemy.exc import OperationalError

from consult.database import utcnow
from consult.extensions import db, mail
from consult.hooks import Hook
from consult.links import LINK_TOKEN, fill_token
from consult.notifications.models import MailWorker, OutboxMessage, OutboxState
from consult.text import counted

log = logging.getLogger(__name__)

WIRE = compat32.clone(linesep="\r\n")  # SMTP wants CRLF; bytes are sent as they are
UTF8_QP = Charset("utf-8")
UTF8_QP.body_encoding = QP  # readable, and no line over 76 characters

# A worker reports at least this often, even while backing off from a dead server;
# the outbox page calls one silent for 4x as long "not reporting".
# A working worker reports in this often, from a thread of its own (see Heartbeat).
HEARTBEAT_SECONDS = 5
# Sent messages are written back in groups of this many, or this often.
# Recording that the server took a message is retried this long when the database
# hiccups (the record is retried, never the send).
RECORD_RETRY_SECONDS = 60.0
# Sent messages are recorded this many at a time, or each second (see _Batch).
RECORD_EVERY = 10
RECORD_EVERY_SECONDS = 1.0


class ServerUnavailable(Exception):
    """The SMTP server cannot be used now (refused, dropped, timed out, login refused):
    nothing is wrong with the messages, which go back to the queue unharmed."""


@dataclass
class DrainResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0  # put back untouched (server unavailable, or the worker stopping)
    unavailable: bool = False

    def __iadd__(self, other: DrainResult) -> DrainResult:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.released += other.released
        self.unavailable = self.unavailable or other.unavailable
        return self


def classify(error: Exception) -> tuple[bool, str]:
    """(permanent, reply) for an error about one message, as mail servers decide: a
    5xx reply is permanent (fail now, show the reply); a 4xx reply is temporary."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        permanent = all(code >= 500 for code, _text in replies)
        text = "; ".join(f"{code} {_decode(reply)}" for code, reply in replies)
        return permanent, text
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500, f"{error.smtp_code} {_decode(error.smtp_error)}"
    return True, f"{type(error).__name__}: {error}"  # cannot be built or encoded


def _decode(reply) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{uuid.uuid4().hex[:12]}"


def report_alive(worker_id: str, result: DrainResult | None = None) -> None:
    """The worker's heartbeat (see MailWorker): one short transaction per poll."""
    row = db.session.get(MailWorker, worker_id)
    if row is None:
        row = MailWorker(worker_id=worker_id, hostname=socket.gethostname()[:255], pid=os.getpid())
        db.session.add(row)
    row.last_seen_at = utcnow()
    if result is not None:
        row.sent_total += result.sent
        row.failed_total += result.failed
    db.session.commit()


def forget_dead_workers(after: timedelta = timedelta(days=1)) -> None:
    """Heartbeats of workers that crashed a day ago or more: nobody needs them."""
    try:
        db.session.execute(sa_delete(MailWorker).where(MailWorker.last_seen_at < utcnow() - after))
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("Could not clear old worker heartbeats")


def sign_off(worker_id: str) -> None:
    """A clean stop removes the heartbeat: only crashed workers go stale."""
    db.session.execute(sa_delete(MailWorker).where(MailWorker.worker_id == worker_id))
    db.session.commit()


def backoff(attempts: int) -> timedelta:
    """Wait before retry number `attempts`: base, 2×base, 4×base, ... capped."""
    config = current_app.config
    seconds = config["MAIL_RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["MAIL_RETRY_MAX_SECONDS"]))


def _claimable(now):
    """Due messages, and messages in hand of a worker whose lease ran out or whose
    heartbeat went stale (it died: its claims come back in seconds, not after the lease).
    A worker with no heartbeat row (drain() called directly) keeps its lease."""
    stale = select(MailWorker.worker_id).where(
        MailWorker.last_seen_at
        < now - timedelta(seconds=current_app.config["MAIL_WORKER_STALE_SECONDS"])
    )
    return or_(
        and_(OutboxMessage.state == OutboxState.QUEUED, OutboxMessage.next_attempt_at <= now),
        and_(
            OutboxMessage.state == OutboxState.SENDING,
            or_(OutboxMessage.lease_until < now, OutboxMessage.claimed_by.in_(stale)),
        ),
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


def _finish_sent(ids: list[int], worker_id: str) -> int:
    """Mark sent, in one statement, the messages that are still ours; how many were."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.claimed_by == worker_id,
            OutboxMessage.state == OutboxState.SENDING,
        )
        .values(
            state=OutboxState.SENT,
            attempts=OutboxMessage.attempts + 1,
            sent_at=utcnow(),
            last_error="",
            lease_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def expires_at(message: OutboxMessage):
    """After this, temporary failures are no longer retried (MAIL_LIFETIME_HOURS)."""
    lifetime = timedelta(hours=current_app.config["MAIL_LIFETIME_HOURS"])
    return message.expires_at or (message.created_at + lifetime)


def _temporary_failure(message: OutboxMessage, worker_id: str, error: str) -> str:
    """Retry later with backoff, until the message's lifetime runs out."""
    now = utcnow()
    if now >= expires_at(message):
        return _give_up(message, worker_id, error)
    _finish(
        message,
        worker_id,
        state=OutboxState.QUEUED,
        attempts=message.attempts + 1,
        last_error=error[:2000],
        next_attempt_at=now + backoff(message.attempts + 1),
        claimed_by="",
        lease_until=None,
    )
    return "retried"


def _give_up(message: OutboxMessage, worker_id: str, error: str) -> str:
    """A temporary failure past the message's lifetime: failed for good."""
    return _permanent_failure(
        message, worker_id, f"Gave up when its lifetime ran out. Last error: {error}"
    )


def _permanent_failure(message: OutboxMessage, worker_id: str, error: str) -> str:
    _finish(
        message,
        worker_id,
        state=OutboxState.FAILED,
        attempts=message.attempts + 1,
        last_error=error[:2000],
        lease_until=None,
    )
    log.warning("Message %s failed permanently: %s", message.id, error)
    return "failed"


def release(messages: list[OutboxMessage], worker_id: str, *, delay: timedelta) -> int:
    """Give claims back untouched (no attempt counted): the server is unavailable, or
    the worker is stopping. Returns how many were still ours."""
    if not messages:
        return 0
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_([m.id for m in messages]),
            OutboxMessage.claimed_by == worker_id,
            OutboxMessage.state == OutboxState.SENDING,
        )
        .values(
            state=OutboxState.QUEUED,
            claimed_by="",
            lease_until=None,
            next_attempt_at=utcnow() + delay,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def renew_lease(messages: list[OutboxMessage], worker_id: str) -> list[OutboxMessage]:
    """Extend the lease of the messages still in hand; keep only those still ours (a
    slow server must never let another worker take over a message being sent)."""
    if not messages:
        return []
    lease = utcnow() + timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    kept = set(
        db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_([m.id for m in messages]),
                OutboxMessage.claimed_by == worker_id,
                OutboxMessage.state == OutboxState.SENDING,
            )
            .values(lease_until=lease)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    db.session.commit()
    return [m for m in messages if m.id in kept]


def message_id(message: OutboxMessage) -> str:
    """One Message-ID per outbox row, the same for every attempt and resend, so a rare
    duplicate delivery is recognisable as such."""
    digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:16]
    return f"<consult.{message.id}.{digest}@{current_app.config['MAIL_MESSAGE_ID_DOMAIN']}>"


# The outbox knows no private links of its own: the feature whose messages carry them
# registers a minter (the applications: a new token for the message's application),
# which adds the token's row to the session and returns the raw token, or None.
link_minter: Hook[[OutboxMessage], str | None] = Hook("link_minter")


def mint_links(messages: list[OutboxMessage]) -> dict[int, str]:
    """A fresh private-link token for each message whose stored parts hold LINK_TOKEN
    (one transaction for the batch). Tokens exist only from here to the SMTP server."""
    tokens = {}
    for message in messages:
        parts = (message.body_text, message.body_html, message.calendar)
        if any(LINK_TOKEN in (part or "") for part in parts):
            token = link_minter.first(message)
            if token:
                tokens[message.id] = token
    if tokens:
        db.session.commit()
    return tokens


def build_message(message: OutboxMessage, token: str | None = None) -> bytes:
    """The email's bytes, built with the standard library's lean MIME classes (the
    worker's main cost was building messages): UTF-8 parts in quoted-printable, so long
    lines (a long paragraph from an admin, a decision message) are wrapped instead of
    being refused with "line too long"; RFC 2047 headers where they need it. The bytes
    go over Flask-Mail's SMTP connection (see send_batch)."""

    def live(part: str) -> str:
        return fill_token(part, token) if token else part

    body = MIMEText(live(message.body_text), "plain", UTF8_QP)
    if message.body_html:
        body = MIMEMultipart(
            "alternative", _subparts=[body, MIMEText(live(message.body_html), "html", UTF8_QP)]
        )
    if message.calendar:
        calendar = MIMEText(live(message.calendar), "calendar", UTF8_QP)
        calendar.set_param("method", "PUBLISH")
        calendar.add_header("Content-Disposition", "attachment", filename="consultation.ics")
        body = MIMEMultipart("mixed", _subparts=[body, calendar])
    body["Subject"] = _header(message.subject)
    body["From"] = _header(current_app.config["MAIL_DEFAULT_SENDER"])
    body["To"] = message.to_address
    body["Date"] = formatdate(localtime=False)
    body["Message-ID"] = message_id(message)
    body["X-Consult-Message"] = message.idempotency_key
    return body.as_bytes(policy=WIRE)


def _header(value: str):
    return value if value.isascii() else Header(value, "utf-8")


def envelope_sender() -> str:
    return parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]


def send_batch(worker_id: str, limit: int = 50, stop=lambda: False) -> DrainResult:
    """Claim one batch and send it over a single SMTP connection.

    Before each message the worker checks that it may go on (`stop`) and, once half the
    lease has passed, renews the lease of what it still holds. A message the server
    refuses with 5xx fails at once; 4xx is retried with backoff until its lifetime runs
    out; if the server cannot be used at all, the batch goes back untouched and the
    result says `unavailable` (the caller backs off as a whole)."""
    messages = claim(worker_id, limit)
    if not messages:
        return DrainResult()
    batch = _Batch(worker_id, messages)
    try:
        with mail.connect() as connection:
            batch.send_over(connection, stop)
    except (OSError, ServerUnavailable) as error:
        batch.server_went_away(error)
        return batch.result
    batch.result.released += release(batch.pending, worker_id, delay=timedelta(0))
    return batch.result


class _Batch:
    """One claimed batch on its way through one SMTP connection: what is still in hand
    (`pending`), what the server took but is not yet recorded (`sent_ids`), the result."""

    def __init__(self, worker_id: str, messages: list[OutboxMessage]):
        self.worker_id = worker_id
        self.result = DrainResult()
        self.lease_seconds = current_app.config["MAIL_LEASE_SECONDS"]
        self.renew_at = monotonic() + self.lease_seconds / 2
        self.tokens = mint_links(messages)
        self.sender = envelope_sender()
        self.pending = list(messages)
        # Sent messages are recorded RECORD_EVERY at a time (or each second), their record
        # retried through a database hiccup: only a worker killed between the server's
        # "250" and that commit sends those few again (at least once, same Message-ID).
        # One commit per message was measured: the drain fell from 0.99 to 0.61 of raw
        # smtplib on PostgreSQL (docs/decisions.md).
        self.sent_ids: list[int] = []
        self.last_record = monotonic()

    def write_sent(self) -> None:
        """Record what the server took; when the database hiccups, retry the record (for
        RECORD_RETRY_SECONDS), never the send."""
        if not self.sent_ids:
            return
        deadline = monotonic() + RECORD_RETRY_SECONDS
        pause = 0.1
        while True:
            try:
                self.result.sent += _finish_sent(self.sent_ids, self.worker_id)
                break
            except OperationalError:
                db.session.rollback()
                if monotonic() >= deadline:
                    raise
                log.warning("Could not record sent messages; trying again in %.1f s", pause)
                time.sleep(pause)
                pause = min(pause * 2, 5.0)
        self.sent_ids.clear()
        self.last_record = monotonic()

    def send_over(self, connection, stop) -> None:
        while self.pending:
            if stop():
                break
            if monotonic() >= self.renew_at:
                self.write_sent()
                self.pending = renew_lease(self.pending, self.worker_id)
                self.renew_at = monotonic() + self.lease_seconds / 2
                if not self.pending:
                    break
            self._send_one(connection, self.pending.pop(0))
        self.write_sent()

    def _send_one(self, connection, message: OutboxMessage) -> None:
        try:
            email = build_message(message, self.tokens.get(message.id))
            connection.host.sendmail(self.sender, [message.to_address], email)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
            permanent, reply = classify(error)
            if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code in (421, -1):
                self.pending.insert(0, message)  # the server is closing: all go back
                raise ServerUnavailable(reply) from error
            outcome = (
                _permanent_failure(message, self.worker_id, reply)
                if permanent
                else _temporary_failure(message, self.worker_id, reply)
            )
            self.result.failed += outcome == "failed"
            self.result.retried += outcome == "retried"
        except OSError:  # refused, dropped (SMTPServerDisconnected), timed out
            self.pending.insert(0, message)
            raise
        except Exception as error:  # a message that cannot be built or encoded
            _permanent_failure(message, self.worker_id, classify(error)[1])
            self.result.failed += 1
        else:
            self.sent_ids.append(message.id)
            if (
                len(self.sent_ids) >= RECORD_EVERY
                or monotonic() - self.last_record >= RECORD_EVERY_SECONDS
            ):
                self.write_sent()

    def server_went_away(self, error: Exception) -> None:
        """Record what the server took, put the rest back with a delay (or give up on
        messages past their lifetime)."""
        try:
            self.write_sent()  # what the server took before it went away
        except Exception:
            db.session.rollback()  # the database went too: those are sent again later
        reason = f"SMTP server unavailable: {type(error).__name__}: {error}"
        log.warning("%s; %s back to the queue", reason, counted(len(self.pending), "message"))
        self.result.unavailable = True
        db.session.rollback()
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([m.id for m in self.pending] or [0]))
            .values(last_error=reason[:2000])
            .execution_options(synchronize_session=False)
        )
        expired = [m for m in self.pending if utcnow() >= expires_at(m)]
        for message in expired:
            _give_up(message, self.worker_id, reason)
            self.result.failed += 1
        self.pending = [m for m in self.pending if m not in expired]
        self.result.released += release(
            self.pending,
            self.worker_id,
            delay=timedelta(seconds=current_app.config["MAIL_RETRY_BASE_SECONDS"]),
        )


def drain(
    worker_id: str | None = None, batch: int = 50, stop=lambda: False, after_batch=None
) -> DrainResult:
    """Send everything that is due now, batch after batch, then return (early when the
    server is unavailable or `stop` says so). `after_batch(result)` is called after each
    batch (the worker's heartbeat)."""
    worker_id = worker_id or new_worker_id()
    total = DrainResult()
    while not stop():
        result = send_batch(worker_id, batch, stop)
        total += result
        if after_batch is not None:
            after_batch(result)
        if result.unavailable or result.sent + result.retried + result.failed == 0:
            return total
    return total


class Heartbeat(threading.Thread):
    """The worker's "I am alive", every HEARTBEAT_SECONDS from a thread of its own, so
    that a slow SMTP server or a long back-off never makes a live worker look dead --
    and a killed one goes stale within seconds, its claims reclaimed (_claimable)."""

    def __init__(self, app, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.app = app
        self.worker_id = worker_id
        self._stopping = threading.Event()

    def run(self) -> None:
        with self.app.app_context():
            while not self._stopping.wait(HEARTBEAT_SECONDS):
                try:
                    report_alive(self.worker_id)
                except Exception:  # the database is away: the next beat tries again
                    db.session.rollback()
            db.session.remove()

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=HEARTBEAT_SECONDS * 2)


def work_forever(batch: int = 50, interval: float = 2.0, stop=lambda: False) -> None:
    """Run until stopped: drain, sleep, repeat. While the SMTP server is unavailable
    the worker waits longer each time (interval, 2x, 4x, ... up to
    MAIL_SERVER_BACKOFF_MAX_SECONDS) instead of hammering it."""
    worker_id = new_worker_id()
    log.info("Mail worker %s started", worker_id)
    forget_dead_workers()
    report_alive(worker_id)
    heartbeat = Heartbeat(current_app._get_current_object(), worker_id)
    heartbeat.start()
    wait = interval
    while not stop():
        try:  # (alive: the heartbeat says so; each batch adds its counts)
            result = drain(worker_id, batch, stop, lambda done: report_alive(worker_id, done))
            if result.sent or result.failed or result.retried:
                log.info(
                    "Sent %d, retrying %d, failed %d", result.sent, result.retried, result.failed
                )
            if result.unavailable:
                wait = min(wait * 2, current_app.config["MAIL_SERVER_BACKOFF_MAX_SECONDS"])
            else:
                wait = interval
        except Exception:  # the database went away, say: keep the worker alive
            db.session.rollback()
            log.exception("Mail worker error; trying again in %.0f s", interval)
        deadline = monotonic() + wait
        while not stop() and monotonic() < deadline:
            time.sleep(min(0.2, wait))
    heartbeat.stop()
    try:
        sign_off(worker_id)
    except Exception:  # stopping while the database is away: the row just goes stale
        db.session.rollback()
    log.info("Mail worker %s stopped", worker_id)
