"""The mail worker against a real SMTP server: delivery, retries, leases, two workers."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from consult.database import utcnow
from consult.extensions import db
from consult.notifications.models import MailWorker, OutboxMessage, OutboxState
from consult.notifications.services import queue_email, resend
from consult.notifications.worker import backoff, claim, drain
from tests.conftest import csrf_token
from tests.factories import make_consultation, submit
from tests.settings import is_postgres
from tests.smtp import SmtpServer, free_port


@pytest.fixture
def app_overrides(smtp):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}


def states() -> list[OutboxState]:
    db.session.expire_all()
    return list(
        db.session.execute(select(OutboxMessage.state).order_by(OutboxMessage.id)).scalars()
    )


def make_due_now() -> None:
    db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.session.commit()


def test_queued_emails_reach_the_smtp_server_with_a_working_link(app, ctx, smtp, client):
    application, _ = submit(make_consultation(), email="amina@example.org")
    result = drain()
    assert (result.sent, result.retried, result.failed) == (1, 0, 0)
    [received] = smtp.received
    assert received.rcpt_tos == ["amina@example.org"]
    assert received.subject == f"Confirm your email address – application {application.reference}"
    assert received.message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    link = re.search(r"http://consult\.test(/a/\S+)", received.text()).group(1)
    assert link in received.html()
    assert "private-link" not in link  # the worker minted a live token for this delivery
    page = client.get(link)
    assert "Confirm my email address" in page.text
    client.post(f"{link}/verify", data={"csrf_token": csrf_token(page.text)})
    assert "Under review" in client.get(link).text  # queued "application received"
    assert states() == [OutboxState.SENT, OutboxState.QUEUED]
    assert drain().sent == 1  # only the new one: nothing is sent twice
    assert [r.subject for r in smtp.received][1].startswith("We have received your application")


def test_one_connection_serves_a_batch(ctx, smtp, monkeypatch):
    import smtplib

    consultation = make_consultation()
    for _ in range(5):
        submit(consultation)
    connections = []
    original = smtplib.SMTP.connect

    def counting_connect(self, *args, **kwargs):
        connections.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "connect", counting_connect)
    assert drain(batch=50).sent == 5
    assert len(connections) == 1


class TestSmtpDown:
    @pytest.fixture
    def app_overrides(self):
        self.port = free_port()  # nothing listens here until the test starts a server
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port}

    def test_nothing_is_lost_while_the_server_is_down(self, ctx):
        """An outage of any length within the lifetime fails nothing and costs no
        attempt; the worker reports the server unavailable (and backs off)."""
        consultation = make_consultation()
        for _ in range(3):
            submit(consultation)
        for _ in range(30):  # far more than any retry schedule
            result = drain()
            assert result.unavailable and (result.sent, result.failed) == (0, 0)
            make_due_now()
        rows = db.session.execute(select(OutboxMessage)).scalars().all()
        assert all(m.state == OutboxState.QUEUED and m.attempts == 0 for m in rows)
        assert all("SMTP server unavailable" in m.last_error for m in rows)

        server = SmtpServer(self.port)
        server.start()
        try:
            make_due_now()
            assert drain().sent == 3
            assert len(server.received) == 3
            assert states() == [OutboxState.SENT] * 3
        finally:
            server.stop()

    def test_after_its_lifetime_a_message_fails_with_the_reason(self, ctx):
        submit(make_consultation())
        db.session.execute(update(OutboxMessage).values(expires_at=utcnow()))
        db.session.commit()
        assert drain().failed == 1
        message = db.session.execute(select(OutboxMessage)).scalar_one()
        assert message.state == OutboxState.FAILED
        assert "lifetime ran out" in message.last_error


def test_a_temporary_refusal_is_retried_until_accepted(ctx, smtp):
    smtp.handler.defer.add("grey@example.org")
    submit(make_consultation(), email="grey@example.org")
    for attempt in range(1, 6):
        result = drain()
        assert (result.sent, result.retried, result.failed) == (0, 1, 0)
        message = db.session.execute(select(OutboxMessage)).scalar_one()
        db.session.refresh(message)
        assert (message.state, message.attempts) == (OutboxState.QUEUED, attempt)
        assert message.last_error.startswith("451")
        make_due_now()
    smtp.handler.defer.clear()
    assert drain().sent == 1


def test_a_refused_recipient_fails_alone_and_at_once(ctx, smtp, admin_client):
    smtp.handler.refuse.add("bounce@example.org")
    consultation = make_consultation()
    submit(consultation, email="first@example.org")
    submit(consultation, email="bounce@example.org")
    submit(consultation, email="third@example.org")
    result = drain()
    assert (result.sent, result.failed) == (2, 1)
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == [
        "first@example.org",
        "third@example.org",
    ]
    bounced = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.to_address == "bounce@example.org")
    ).scalar_one()
    assert (bounced.state, bounced.attempts) == (OutboxState.FAILED, 1)
    assert bounced.last_error == "550 5.1.1 No such user here"
    # Admins see it: on the queue page, in the outbox (with the server's reply).
    assert "1 email could not be delivered" in admin_client.get("/secretariat/applications").text
    assert "No such user here" in admin_client.get(f"/secretariat/outbox/{bounced.id}").text
    # The secretariat resends it once the address is fixed on the server side.
    smtp.handler.refuse.clear()
    resend(bounced)
    assert drain().sent == 1
    assert states().count(OutboxState.SENT) == 3


def test_backoff_doubles_and_is_capped(app, ctx):
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30).total_seconds() == 3600


def test_a_message_claimed_by_a_dead_worker_is_reclaimed_after_the_lease(ctx, smtp):
    submit(make_consultation())
    [claimed] = claim("dead-worker", 10)  # ... and the worker dies before sending
    assert claimed.state == OutboxState.SENDING
    assert drain("live-worker").sent == 0  # the lease still holds
    db.session.execute(update(OutboxMessage).values(lease_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert drain("live-worker").sent == 1
    assert len(smtp.received) == 1
    from consult.notifications.worker import _finish

    # The dead worker, were it to wake up, cannot overwrite the result.
    assert not _finish(claimed, "dead-worker", state=OutboxState.QUEUED)
    assert states() == [OutboxState.SENT]


def test_queueing_the_same_key_twice_gives_one_message(app, ctx):
    application, _ = submit(make_consultation())
    context = {
        "application": application,
        "consultation": application.consultation,
        "link": "http://consult.test/a/x",
    }
    first = queue_email(
        key="k1", template="verify_email", to="a@example.org", language="en", context=context
    )
    db.session.commit()
    second = queue_email(
        key="k1", template="verify_email", to="a@example.org", language="en", context=context
    )
    assert first.id == second.id
    assert db.session.execute(select(func.count(OutboxMessage.id))).scalar_one() == 2


@pytest.mark.skipif(not is_postgres(), reason="concurrent workers need PostgreSQL")
def test_two_workers_deliver_a_thousand_messages_exactly_once(app, ctx, smtp):
    application, _ = submit(make_consultation())
    db.session.execute(
        OutboxMessage.__table__.insert(),
        [
            {
                "idempotency_key": f"bulk:{i}",
                "template": "bulk",
                "language": "en",
                "to_address": f"p{i}@example.org",
                "subject": f"Message {i}",
                "body_text": "Hello",
                "body_html": "",
                "state": "queued",
                "attempts": 0,
                "next_attempt_at": utcnow(),
                "last_error": "",
                "created_at": utcnow(),
                "claimed_by": "",
                "calendar": "",
            }
            for i in range(1000)
        ],
    )
    db.session.commit()
    errors = []

    def work(name):
        with app.app_context():
            try:
                drain(name, batch=25)
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=100)
    assert errors == []
    keys = [r.message["X-Consult-Message"] for r in smtp.received]
    assert len(keys) == 1001 and len(set(keys)) == 1001
    db.session.expire_all()
    assert set(states()) == {OutboxState.SENT}
    by_worker = dict(
        db.session.execute(
            select(OutboxMessage.claimed_by, func.count()).group_by(OutboxMessage.claimed_by)
        ).all()
    )
    assert set(by_worker) == {"worker-0", "worker-1"}, by_worker


def test_every_attempt_and_resend_carries_the_same_message_id(ctx, smtp):
    from consult.notifications.worker import message_id

    smtp.handler.refuse.add("later@example.org")
    submit(make_consultation(), email="later@example.org")
    drain()
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    smtp.handler.refuse.clear()
    resend(message)
    drain()
    db.session.refresh(message)
    [received] = smtp.received
    assert received.message["Message-ID"] == message_id(message)
    assert received.message["Message-ID"].startswith(f"<consult.{message.id}.")


def test_resend_all_failed_from_the_outbox_and_the_cli(app, ctx, smtp, admin_client):
    smtp.handler.refuse.update({"a@example.org", "b@example.org"})
    consultation = make_consultation()
    submit(consultation, email="a@example.org")
    submit(consultation, email="b@example.org")
    assert drain().failed == 2
    smtp.handler.refuse.clear()
    page = admin_client.get("/secretariat/outbox/?state=failed")
    assert "Resend all failed messages" in page.text
    done = admin_client.post(
        "/secretariat/outbox/resend-failed", data={"csrf_token": csrf_token(page.text)}
    )
    assert done.status_code == 302
    assert drain().sent == 2
    smtp.handler.refuse.add("c@example.org")
    submit(consultation, email="c@example.org")
    drain()
    output = app.test_cli_runner().invoke(args=["mail", "resend", "--all-failed"]).output
    assert "1 failed message is queued again." in output


class TestSlowServer:
    @pytest.fixture
    def app_overrides(self, smtp):
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port, "MAIL_LEASE_SECONDS": 60}

    def test_the_lease_covers_the_work_in_hand(self, app, ctx, smtp, monkeypatch):
        """A batch that takes longer than the lease: the worker renews it, so a second
        worker finds nothing to take over and nothing is sent twice. The server's pace
        and the worker's clock are the test's (a gate and a clock it moves), so the
        outcome does not depend on how busy the machine is."""
        from consult.notifications import worker

        consultation = make_consultation()
        for _ in range(8):
            submit(consultation)
        clock = [0.0]
        monkeypatch.setattr(worker, "monotonic", lambda: clock[0])
        smtp.handler.hold()
        results = {}

        def first_worker():
            with app.app_context():
                results["first"] = drain("first", batch=8)

        thread = threading.Thread(target=first_worker)
        thread.start()
        try:
            smtp.handler.wait_for_arrival()  # the first message is at the (slow) server
            # ... for longer than the lease: the claims' lease runs out, and the worker's
            # clock shows it.
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.claimed_by == "first")
                .values(lease_until=utcnow() - timedelta(seconds=1))
            )
            db.session.commit()
            clock[0] += 60
            smtp.handler.let_through()
            smtp.handler.wait_for_arrival()  # the second message: the lease is renewed
            assert claim("second", 8) == []
            db.session.rollback()
        finally:
            smtp.handler.let_through(8)
            thread.join(timeout=60)
        assert results["first"].sent == 8
        assert len(smtp.received) == 8


def test_sigterm_stops_the_worker_within_seconds_and_loses_nothing(app, ctx, smtp, database_uri):
    """With a slow server and a long queue, SIGTERM: the message in hand is finished,
    the other claims go back, the process exits -- without sending another message.
    (The server lets messages through when the test says, so the count is exact on a
    machine of any speed; the timeouts only end a hang.)"""
    consultation = make_consultation()
    for _ in range(60):
        submit(consultation)
    smtp.handler.hold()
    env = dict(
        os.environ,
        CONSULT_ENV="testing",
        CONSULT_SQLALCHEMY_DATABASE_URI=database_uri,
        CONSULT_MAIL_SERVER="127.0.0.1",
        CONSULT_MAIL_PORT=str(smtp.port),
    )
    worker = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "consult"), "mail", "work"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(3):
            smtp.handler.wait_for_arrival()
            smtp.handler.let_through()
        smtp.handler.wait_for_arrival()  # the fourth message is in hand, at the server
        db.session.expire_all()
        [heartbeat] = db.session.execute(select(MailWorker)).scalars()
        assert heartbeat.pid == worker.pid  # the running worker reports in
        worker.send_signal(signal.SIGTERM)
        smtp.handler.let_through()  # the message in hand is finished ...
        assert worker.wait(timeout=60) == 0  # ... and the worker stops by itself
    finally:
        smtp.handler.let_through(60)
        if worker.poll() is None:
            worker.kill()
    db.session.expire_all()
    counts = dict(
        db.session.execute(
            select(OutboxMessage.state, func.count(OutboxMessage.id)).group_by(OutboxMessage.state)
        ).all()
    )
    assert OutboxState.SENDING not in counts  # every claim was given back
    assert counts.get(OutboxState.SENT, 0) == len(smtp.received) == 4  # none after SIGTERM
    assert counts.get(OutboxState.QUEUED, 0) == 56
    assert db.session.execute(select(MailWorker)).first() is None  # signed off cleanly


def test_long_lines_are_encoded_not_refused(ctx, smtp):
    """A long paragraph (an admin's own text, a decision message) is one line of more
    than 998 characters: SMTP servers refuse such lines ("500 Line too long"), so the
    parts must go out quoted-printable, and arrive whole."""
    paragraph = "Les consultations dressent le bilan du financement numérique. " * 40
    submit(make_consultation(), email="long@example.org")
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    message.body_text = paragraph
    message.body_html = f"<p>{paragraph}</p>"
    message.subject = "Votre candidature est acceptée – مرحباً"
    db.session.commit()
    result = drain()
    assert (result.sent, result.failed) == (1, 0)
    [received] = smtp.received
    assert received.text().strip() == paragraph.strip()
    assert paragraph.strip() in received.html()
    assert received.subject == "Votre candidature est acceptée – مرحباً"
    assert max(len(line) for line in received.message.as_bytes().splitlines()) <= 998


def test_a_dead_workers_claims_come_back_in_seconds_a_live_ones_do_not(app, ctx, smtp):
    """Claims of a worker whose heartbeat went stale are taken over at once, not after
    the lease; a worker that still beats (however slow its server) keeps its claims."""
    from consult.notifications.worker import report_alive

    consultation = make_consultation()
    for _ in range(3):
        submit(consultation)
    report_alive("dead")
    report_alive("busy")
    assert len(claim("dead", 2)) == 2
    assert len(claim("busy", 1)) == 1
    stale = app.config["MAIL_WORKER_STALE_SECONDS"] + 1
    db.session.execute(
        update(MailWorker)
        .where(MailWorker.worker_id == "dead")
        .values(last_seen_at=utcnow() - timedelta(seconds=stale))
    )
    db.session.commit()
    taken = claim("live", 10)
    assert len(taken) == 2 and all(m.claimed_by == "live" for m in taken)


def test_a_database_hiccup_while_recording_retries_the_record_not_the_send(
    app, ctx, smtp, monkeypatch
):
    """The server took the messages; recording that fails twice (a connection cut): the
    record is retried, nothing is sent twice, nothing is left claimed."""
    import sqlalchemy.exc

    from consult.notifications import worker

    consultation = make_consultation()
    for _ in range(3):
        submit(consultation)
    original, failures = worker._finish_sent, []

    def flaky(ids, worker_id):
        if len(failures) < 2:
            failures.append(ids)
            raise sqlalchemy.exc.OperationalError("UPDATE", {}, Exception("connection cut"))
        return original(ids, worker_id)

    monkeypatch.setattr(worker, "_finish_sent", flaky)
    monkeypatch.setattr(worker.time, "sleep", lambda seconds: None)
    result = drain()
    assert result.sent == 3 and len(failures) == 2
    assert len(smtp.received) == 3  # each once
    states = db.session.execute(select(OutboxMessage.state)).scalars().all()
    assert states == [OutboxState.SENT] * 3
    assert drain().sent == 0  # nothing comes back to be sent again
