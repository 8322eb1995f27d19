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


def gunicorn(port: int, app: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            "2",
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
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        self.n += 1
        data = dict(
            self.fields,
            csrf_token=token.group(1) if token else "",
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


def ratio_line(name: str, ratios: list[float], a: list[float], b: list[float], floor: str) -> str:
    return (
        f"{name:<44} {statistics.median(ratios):>6.2f}  ({min(ratios):.2f}–{max(ratios):.2f})"
        f"   consult {statistics.median(a):,.0f}/s, {floor} {statistics.median(b):,.0f}/s"
    )


def bench_apply(url: str, rounds: int, seconds: float) -> str:
    tmp = tempfile.mkdtemp()
    url = url or f"sqlite:///{tmp}/apply.db"
    env = dict(
        os.environ,
        CONSULT_ENV="production",
        CONSULT_SECRET_KEY="bench-" + "x" * 40,
        CONSULT_SQLALCHEMY_DATABASE_URI=url,
        CONSULT_SESSION_COOKIE_SECURE="false",
        CONSULT_SESSION_COOKIE_NAME="consult",
        CONSULT_RATELIMIT_ENABLED="false",
        CONSULT_INSTANCE_PATH=tmp,
        CONSULT_LOG_FORMAT="text",
        FLOOR_DATABASE_URL=url,
    )
    for command in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run(
            [str(BIN / "consult"), *command],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    consult_port, floor_port = free_port(), free_port()
    servers = [
        gunicorn(consult_port, "consult:create_app()", env),
        gunicorn(floor_port, "scripts.floor_app:app", dict(env, PYTHONPATH=str(ROOT))),
    ]
    try:
        slug = "/c/financial-mechanisms-ict4d/apply"
        wait_for(consult_port, slug)
        wait_for(floor_port, "/apply")
        home = http.client.HTTPConnection("127.0.0.1", consult_port)
        home.request("GET", slug)
        form = home.getresponse().read().decode()
        category = re.search(r'name="category"[^>]*value="(\d+)"', form).group(1)
        fields = {
            "full_name": "Bench Applicant",
            "country": "CH",
            "role": "attendee",
            "category": category,
            "gender": "",
            "organization_name": "Bench Organization",
        }
        a_client = Applicant(consult_port, slug, fields)
        b_client = Applicant(floor_port, "/apply", fields)
        a_client.rate(1), b_client.rate(1)  # warm up both
        a, b, ratios = [], [], []
        for _ in range(rounds):
            a.append(a_client.rate(seconds))
            b.append(b_client.rate(seconds))
            ratios.append(a[-1] / b[-1])
        return ratio_line("apply: applications/s, consult ÷ floor", ratios, a, b, "floor app")
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def bench_drain(rounds: int, messages: int) -> str:
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
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/drain.db",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
    )
    try:
        with app.test_request_context():
            upgrade()
            from consult.applications.services import ApplicationData, submit_application
            from consult.consultations.seed import seed_demo
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
            a, b, ratios = [], [], []
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
                a.append(consult_rate), b.append(raw_rate), ratios.append(consult_rate / raw_rate)
        return ratio_line("outbox drain: messages/s, consult ÷ smtplib", ratios, a, b, "smtplib")
    finally:
        sink.stop()


def run(url: str, rounds: int = 5) -> None:
    print(f"\n{'side by side (ratio: median (min–max))':<44} {'ratio':>6}")
    print(bench_apply(url, rounds, seconds=3.0))
    print(bench_drain(rounds, messages=300))
