"""Side-by-side cases of `make bench`: consult against a floor measured in the same
run, alternating A and B so that machine noise hits both, reporting each ratio with
its spread (min–max over the rounds).

- apply: applications per second (GET the form + POST it) through gunicorn (2 sync
  workers, production settings) -- consult ÷ scripts/floor_app.py on the same database;
- drain: outbox messages per second to a local SMTP sink -- consult's mail worker ÷ raw
  smtplib sending the same messages over one connection.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answers on port {port}")


def gunicorn(port: int, app: str, env: dict, workers: int = 2) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            str(workers),
            "-k",
            "sync",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


class Applicant:
    """One keep-alive client: GET the form, POST it, count the redirects."""

    def __init__(self, port: int, path: str, fields: dict):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.path, self.fields, self.cookie, self.n = path, fields, "", 0

    def one(self) -> None:
        self.conn.request("GET", self.path, headers={"Cookie": self.cookie})
        page = self.conn.getresponse()
        html = page.read().decode()
        cookie = page.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";")[0]
        self.n += 1
        data = dict(
            self.fields,
            csrf_token=csrf_of(html),
            email=f"bench{os.getpid()}-{time.time_ns()}@example.org",
        )
        self.conn.request(
            "POST",
            self.path,
            body=urllib.parse.urlencode(data),
            headers={"Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded"},
        )
        answer = self.conn.getresponse()
        body = answer.read().decode(errors="replace")
        if answer.status != 302:
            errors = re.findall(r'class="field-error"[^>]*>(.*?)</p>', body, re.S)
            raise RuntimeError(f"{self.path}: POST answered {answer.status}: {errors}")

    def rate(self, seconds: float) -> float:
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            self.one()
            done += 1
        return done / (time.perf_counter() - start)


@dataclass
class Ratio:
    """A side-by-side result: consult's rates, the floor's, and their ratios per round."""

    what: str
    a: list[float]
    b: list[float]
    floor: str
    unit: str = "/s"

    @property
    def ratios(self) -> list[float]:
        return [x / y for x, y in zip(self.a, self.b, strict=True)]

    @property
    def median(self) -> float:
        return statistics.median(self.ratios)

    @property
    def spread(self) -> str:
        return f"{min(self.ratios):.2f}–{max(self.ratios):.2f}"

    def detail(self) -> str:
        return (
            f"consult {statistics.median(self.a):,.0f}{self.unit}, "
            f"{self.floor} {statistics.median(self.b):,.0f}{self.unit}"
        )


def _environment(url: str, tmp: str) -> dict:
    return dict(
        os.environ,
        CONSULT_ENV="production",
        CONSULT_SECRET_KEY="bench-" + "x" * 40,
        CONSULT_ENCRYPTION_KEYS="bench-encryption-" + "y" * 40,
        CONSULT_PASSWORD_PEPPERS="bench-pepper-" + "z" * 40,
        CONSULT_SQLALCHEMY_DATABASE_URI=url,
        CONSULT_SESSION_COOKIE_SECURE="false",
        CONSULT_SESSION_COOKIE_NAME="consult",
        CONSULT_RATELIMIT_ENABLED="false",
        CONSULT_INSTANCE_PATH=tmp,
        CONSULT_LOG_FORMAT="text",
        FLOOR_DATABASE_URL=url,
    )


def _prepare(env: dict) -> None:
    for command in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run(
            [str(BIN / "consult"), *command],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


APPLY_PATH = "/c/financial-mechanisms-ict4d/apply"


def _fields(port: int) -> dict:
    """What the bench's applicants send (the category as the form offers it)."""
    home = http.client.HTTPConnection("127.0.0.1", port)
    home.request("GET", APPLY_PATH)
    return dict(_FIELDS, category=category_of(home.getresponse().read().decode()))


def bench_apply(url: str, rounds: int, seconds: float) -> Ratio:
    tmp = tempfile.mkdtemp()
    url = url or f"sqlite:///{tmp}/apply.db"
    env = _environment(url, tmp)
    _prepare(env)
    consult_port, floor_port = free_port(), free_port()
    servers = [
        gunicorn(consult_port, "consult:create_app()", env),
        gunicorn(floor_port, "scripts.floor_app:app", dict(env, PYTHONPATH=str(ROOT))),
    ]
    try:
        wait_for(consult_port, APPLY_PATH)
        wait_for(floor_port, "/apply")
        fields = _fields(consult_port)
        a_client = Applicant(consult_port, APPLY_PATH, fields)
        b_client = Applicant(floor_port, "/apply", fields)
        a_client.rate(1), b_client.rate(1)  # warm up both
        a, b = [], []
        for _ in range(rounds):
            a.append(a_client.rate(seconds))
            b.append(b_client.rate(seconds))
        return Ratio("apply: applications/s, consult ÷ floor", a, b, "floor app")
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def _client_process(port: int, fields: dict, seconds: float, out) -> None:
    out.put(Applicant(port, APPLY_PATH, fields).rate(seconds))


def _concurrent_rate(port: int, fields: dict, clients: int, seconds: float) -> float:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    out = context.Queue()
    processes = [
        context.Process(target=_client_process, args=(port, fields, seconds, out))
        for _ in range(clients)
    ]
    for process in processes:
        process.start()
    total = sum(out.get() for _ in processes)
    for process in processes:
        process.join()
    return total


def bench_workers(url: str, rounds: int, seconds: float) -> Ratio:
    """Applications/s with 2 gunicorn workers and 2 clients ÷ 1 worker and 1 client."""
    tmp = tempfile.mkdtemp()
    env = _environment(url, tmp)
    _prepare(env)
    ports = {1: free_port(), 2: free_port()}
    servers = [gunicorn(ports[n], "consult:create_app()", env, workers=n) for n in (1, 2)]
    try:
        for port in ports.values():
            wait_for(port, APPLY_PATH)
        fields = _fields(ports[1])
        for n in (1, 2):
            _concurrent_rate(ports[n], fields, n, 1)  # warm up
        a, b = [], []
        for _ in range(rounds):
            a.append(_concurrent_rate(ports[2], fields, 2, seconds))
            b.append(_concurrent_rate(ports[1], fields, 1, seconds))
        return Ratio("apply: 2 workers ÷ 1 worker", a, b, "1 worker")
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def statements_per_post(url: str) -> int:
    """SQL statements of one application POST (after a first one has filled the
    process's caches), counted on the engine."""
    from consult import create_app
    from consult.database.migrate import upgrade
    from consult.extensions import db

    tmp = tempfile.mkdtemp()
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url or f"sqlite:///{tmp}/statements.db",
        RATELIMIT_ENABLED=False,
    )
    with app.app_context():
        if url:
            reset_postgres(url)
        upgrade()
        from consult.demo.seed import seed_demo

        seed_demo()
        db.session.commit()
        engine = db.engine
    client = app.test_client()

    def post(email: str) -> list[str]:
        html = client.get(APPLY_PATH).text
        fields = dict(_FIELDS, category=category_of(html), csrf_token=csrf_of(html), email=email)
        with counting(engine) as statements:
            response = client.post(APPLY_PATH, data=fields)
        assert response.status_code == 302, response.status_code
        return statements

    post("first@example.org")
    return len(post("second@example.org"))


_FIELDS = {
    "full_name": "Bench Applicant",
    "country": "CH",
    "role": "attendee",
    "gender": "",
    "organization_name": "Bench Organization",
}


@contextmanager
def counting(engine) -> Iterator[list[str]]:
    """The SQL statements run on `engine` meanwhile (as tests/queries.py counts them)."""
    from sqlalchemy import event

    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def csrf_of(html: str) -> str:
    """The CSRF token of the (first) form on a page ("" if it has none)."""
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return token.group(1) if token else ""


def category_of(html: str) -> str:
    """The first stakeholder category offered by the apply form."""
    return re.search(r'name="category"[^>]*value="(\d+)"', html).group(1)


def reset_postgres(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def bench_drain(url: str, rounds: int, messages: int) -> Ratio:
    """consult's worker against raw smtplib, same messages, same in-process sink."""
    import smtplib
    from email.message import EmailMessage

    from aiosmtpd.controller import Controller
    from sqlalchemy import delete, insert

    class Count:
        received = 0

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            Count.received += 1
            return "250 OK"

    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    port = free_port()
    sink = Controller(Count(), hostname="127.0.0.1", port=port)
    sink.start()
    tmp = tempfile.mkdtemp()
    from consult import create_app
    from consult.database.migrate import upgrade
    from consult.extensions import db
    from consult.notifications.models import OutboxMessage
    from consult.notifications.services import render_builtin_email
    from consult.notifications.worker import drain

    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url or f"sqlite:///{tmp}/drain.db",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
    )
    try:
        with app.test_request_context():
            if url:
                reset_postgres(url)
            upgrade()
            from consult.applications.services import ApplicationData, submit_application
            from consult.demo.seed import seed_demo
            from consult.enums import Role

            consultation, _ = seed_demo()
            data = ApplicationData(
                full_name="Amina Diallo",
                email="d@example.org",
                country="SN",
                category_id=consultation.categories[2].id,
                role=Role.PANELIST,
                organization_name="Digital Futures Network",
                topic="Blended finance",
                abstract="How guarantees crowd in private capital.",
                bio="Economist.",
            )
            application = submit_application(consultation, data)
            db.session.commit()
            subject, text, html = render_builtin_email(
                "accepted",
                "en",
                {
                    "application": application,
                    "consultation": consultation,
                    "link": "http://consult.test/a/x",
                    "message": "",
                },
            )
            rows = [
                {
                    "idempotency_key": f"bench-{{r}}-{i}",
                    "template": "accepted",
                    "to_address": f"p{i}@example.org",
                    "subject": subject,
                    "body_text": text,
                    "body_html": html,
                }
                for i in range(messages)
            ]
            a, b = [], []
            for r in range(rounds):
                db.session.execute(delete(OutboxMessage))
                db.session.execute(
                    insert(OutboxMessage),
                    [dict(row, idempotency_key=f"bench-{r}-{i}") for i, row in enumerate(rows)],
                )
                db.session.commit()
                start = time.perf_counter()
                result = drain(batch=50)
                consult_rate = result.sent / (time.perf_counter() - start)
                start = time.perf_counter()
                with smtplib.SMTP("127.0.0.1", port) as smtp:
                    for row in rows:
                        message = EmailMessage()
                        message["Subject"], message["From"] = row["subject"], "bench@example.org"
                        message["To"] = row["to_address"]
                        message.set_content(row["body_text"])
                        message.add_alternative(row["body_html"], subtype="html")
                        smtp.send_message(message)
                raw_rate = messages / (time.perf_counter() - start)
                a.append(consult_rate), b.append(raw_rate)
        return Ratio("outbox drain: messages/s, consult ÷ smtplib", a, b, "smtplib")
    finally:
        sink.stop()


def run(url: str, rounds: int = 5) -> dict[str, object]:
    """Every side-by-side case; PostgreSQL databases named in `url` are emptied."""
    if url:
        reset_postgres(url)
    results: dict[str, object] = {"apply": bench_apply(url, rounds, seconds=3.0)}
    results["statements"] = statements_per_post(url)
    results["drain"] = bench_drain(url, rounds, messages=300)
    if url.startswith("postgresql"):
        reset_postgres(url)
        results["workers"] = bench_workers(url, rounds, seconds=3.0)
    return results
