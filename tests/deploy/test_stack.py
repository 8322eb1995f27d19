"""The production stack (deploy/run-local.sh) end to end: nginx with TLS in front of
threaded gunicorn, PostgreSQL, Redis, two mail workers.

Run by `make e2e` (and so by .ci/run); skipped otherwise, since it needs nginx,
PostgreSQL and Redis on this machine and takes half a minute.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import http.cookiejar
import os
import re
import signal
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html import unescape
from pathlib import Path

import pytest

from tests.smtp import free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("CONSULT_TEST_STACK"), reason="the stack test runs with `make e2e`"
    ),
]

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = os.environ.get("CONSULT_STACK_PG", "postgresql://postgres@127.0.0.1:5432")
DATABASE = "consult_e2e"
SLOW_CLIENTS = 40


class Stack:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.smtp_port = free_port()
        self.base = f"https://localhost:{self.port}"
        self.process: subprocess.Popen | None = None
        self.output = folder / "stack.log"

    def start(self) -> None:
        subprocess.run(
            [
                "psql",
                "-q",
                f"{PG_SERVER}/postgres",
                "-c",
                f'drop database if exists "{DATABASE}" with (force)',
            ],
            check=True,
        )
        env = dict(
            os.environ,
            STACK_PORT=str(self.port),
            STACK_SMTP_PORT=str(self.smtp_port),
            STACK_DIR=str(self.folder),
            STACK_DATABASE_URL=f"{PG_SERVER.replace('postgresql:', 'postgresql+psycopg:', 1)}"
            f"/{DATABASE}",
            STACK_REDIS_URL="redis://127.0.0.1:6379/2",
        )
        for key in [k for k in env if k.startswith("CONSULT_")]:
            del env[key]  # the stack's own settings, not the test run's
        self.process = subprocess.Popen(
            ["bash", str(ROOT / "deploy" / "run-local.sh")],
            env=env,
            stdout=self.output.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: nothing can outlive the test
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if "[stack] Ready" in self.output.read_text():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"the stack did not start:\n{self.output.read_text()[-3000:]}")

    def stop(self, timeout: float = 30, how: signal.Signals = signal.SIGTERM) -> float:
        """SIGTERM to the script (systemd, docker), or SIGINT to its whole foreground
        group (Ctrl-C in a terminal)."""
        started = time.monotonic()
        if how == signal.SIGINT:
            os.killpg(self.process.pid, signal.SIGINT)
        else:
            self.process.send_signal(how)
        try:
            self.process.wait(timeout=timeout)
        finally:
            self.kill_leftovers()
        return time.monotonic() - started

    def _session(self) -> list[tuple[int, str]]:
        """(pid, state) of every process of the stack's session (its parts run in
        process groups of their own, in the session the script leads)."""
        listing = subprocess.run(
            ["ps", "-o", "pid=,stat=", "-s", str(self.process.pid)],
            capture_output=True,
            text=True,
        ).stdout.split("\n")
        return [(int(pid), state) for pid, state in (line.split() for line in listing if line)]

    def leftovers(self) -> bool:
        """Whether a live process of the stack's session remains (zombies waiting for
        init to reap them are dead already)."""
        return any(not state.startswith("Z") for _pid, state in self._session())

    def kill_leftovers(self) -> None:
        for pid, _state in self._session():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.folder / "tls.crt"))


class Browser:
    """Just enough of a browser: cookies, the stack's certificate, no redirects."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=stack.tls()),
            urllib.request.HTTPCookieProcessor(self.jar),
            NoRedirect,
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        url = path if path.startswith("https:") else self.stack.base + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(urllib.request.Request(url, data=body), timeout=60) as reply:
                return reply.status, dict(reply.headers), reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()


def choices(html: str, name: str) -> list[str]:
    """The values a radio group offers."""
    return re.findall(rf'<input[^>]*name="{name}"[^>]*type="radio"[^>]*value="([^"]+)"', html)


def yes_no_answers(html: str) -> dict[str, str]:
    """ "No" to each yes/no question of the consultation's own on the form."""
    return {name: "no" for name in re.findall(r'name="(question_\d+)"[^>]*value="no"', html)}


def form_field(html: str, name: str) -> str:
    return unescape(re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1))


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("stack"))
    stack.start()
    yield stack
    if stack.process.poll() is None:
        stack.stop()
    stack.kill_leftovers()


def wait_for_mail(stack: Stack, address: str, timeout: float = 30) -> str:
    """The plain-text body of the first email to `address` the stack's sink received."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for file in sorted((stack.folder / "mailbox").glob("*.eml")):
            message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
            if message["To"] == address:
                return message.get_body(("plain",)).get_content()
        time.sleep(0.3)
    raise AssertionError(f"no email to {address} within {timeout} s")


def test_apply_through_nginx_and_follow_the_emailed_link(stack):
    browser = Browser(stack)
    status, headers, home = browser.request("/")
    assert status == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["Server"] == "nginx"  # no version
    slug = re.search(r'href="/c/([^"/]+)"', home).group(1)

    status, _, page = browser.request(f"/c/{slug}/apply")
    assert status == 200
    assert any(c.name == "__Host-consult" and c.secure for c in browser.jar)
    status, headers, _ = browser.request(
        f"/c/{slug}/apply",
        {
            "csrf_token": form_field(page, "csrf_token"),
            "full_name": "Ngozi Okafor",
            "email": "ngozi@example.org",
            "job_title": "Counsellor",
            "country": "NG",
            "gender": "female",
            "category": choices(page, "category")[0],
            "organization_name": "Ministry of Communications",
            "role": "attendee",
            # The demo's own required question (a visa letter): "no".
            **yes_no_answers(page),
        },
    )
    assert status == 302, "the application was not accepted through nginx"

    # One of the two mail workers delivers the private link, under the public URL.
    mail = wait_for_mail(stack, "ngozi@example.org")
    link = re.search(rf"{re.escape(stack.base)}(/a/[A-Za-z0-9_-]+)", mail).group(1)
    status, _, private = Browser(stack).request(link)
    assert status == 200 and "Ngozi Okafor" in private

    # Neither nginx's access log nor gunicorn's holds the private link.
    logs = stack.folder / "logs"
    assert link not in (logs / "access.log").read_text()
    assert link not in (logs / "gunicorn.log").read_text()
    # nginx writes the line once the response is sent (the deadline only ends a hang).
    deadline = time.monotonic() + 60
    while "/a/-" not in (logs / "access.log").read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "/a/-" in (logs / "access.log").read_text()

    # The rate limiter counts in Redis (shared by every web process).
    import redis

    assert redis.Redis.from_url("redis://127.0.0.1:6379/2").keys("LIMITS*")


def test_a_request_body_over_the_limit_is_refused_by_nginx(stack):
    request = urllib.request.Request(stack.base + "/c/x/apply", data=b"x" * 2_000_000)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, context=stack.tls(), timeout=10)
    assert refused.value.code == 413


def test_forty_slow_clients_do_not_slow_anyone_else(stack):
    """Slowloris in three flavours -- headers a byte at a time, a body that never ends,
    a reader that never reads -- forty of them kept open all along (one that nginx cuts
    off at its timeout comes straight back), while an ordinary visitor's pages are
    answered. Were the app's workers tied up by slow clients, these pages would never
    be answered: no time limit on them is needed (a busy machine is slower, not wrong)."""
    stop = threading.Event()
    connected = []
    cut_off = []

    def hold_one(kind: int) -> None:
        raw = socket.create_connection(("127.0.0.1", stack.port), timeout=20)
        conn = stack.tls().wrap_socket(raw, server_hostname="localhost")
        try:
            if kind == 0:  # headers, a few bytes at a time
                conn.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
                connected.append(kind)
                while not stop.wait(0.5):
                    conn.sendall(b"X-a: b\r\n")
            elif kind == 1:  # a body announced, never finished
                conn.sendall(
                    b"POST /secretariat/login HTTP/1.1\r\nHost: localhost\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 100000\r\n\r\nemail=a"
                )
                connected.append(kind)
                while not stop.wait(0.5):
                    conn.sendall(b"a")
            else:  # a page requested, the answer never read
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
                conn.sendall(b"GET /static/consult.css HTTP/1.1\r\nHost: localhost\r\n\r\n")
                connected.append(kind)
                stop.wait(300)
        finally:
            conn.close()

    def slow_client(kind: int) -> None:
        while not stop.is_set():
            try:
                hold_one(kind)
            except OSError:  # nginx let go of it (its timeouts): it comes back at once
                cut_off.append(kind)

    threads = [threading.Thread(target=slow_client, args=(n % 3,)) for n in range(SLOW_CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 120  # (only ends a hang)
        while len(connected) < SLOW_CLIENTS and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(connected) >= SLOW_CLIENTS
        browser = Browser(stack)
        timings = []
        for path in ["/", "/readyz", "/secretariat/login", "/"]:
            started = time.monotonic()
            status, _, _ = browser.request(path)
            timings.append(time.monotonic() - started)
            assert status == 200, path
        print(
            f"with {SLOW_CLIENTS} slow clients held open ({len(cut_off)} cut off by nginx and "
            "back), ordinary requests took " + ", ".join(f"{t * 1000:.0f} ms" for t in timings)
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)


def test_a_crashed_mail_worker_is_started_again(stack):
    workers = [
        pid
        for pid, _state in stack._session()
        if "mail work" in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    ]
    assert len(workers) == 2, workers
    os.kill(workers[0], signal.SIGKILL)
    deadline = time.monotonic() + 60  # (only ends a hang)
    while time.monotonic() < deadline:
        if "exited (status" in stack.output.read_text():
            break
        time.sleep(0.2)
    assert re.search(
        r"\[stack\] mail worker \d exited \(status \d+\); starting it again",
        stack.output.read_text(),
    )
    while time.monotonic() < deadline:
        again = [
            pid
            for pid, _state in stack._session()
            if "mail work"
            in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        ]
        if len(again) == 2 and workers[0] not in again and _started_lines(stack) == 3:
            break
        time.sleep(0.2)
    assert len(again) == 2 and workers[0] not in again
    assert _started_lines(stack) == 3  # the new one is up and working


def _started_lines(stack) -> int:
    logs = [stack.folder / "logs" / f"mail-worker-{n}.log" for n in (1, 2)]
    return sum(
        log.read_text().count("Mail worker") - log.read_text().count("stopped") for log in logs
    )


def test_ctrl_c_stops_the_whole_stack_cleanly(stack):
    """Ctrl-C in a terminal reaches the script's process group only (its parts run in
    groups of their own), and the script stops them in order, as on SIGTERM (the same
    handler): nginx first, then the app and the workers."""
    took = stack.stop(timeout=120, how=signal.SIGINT)  # (the timeout only ends a hang)
    print(f"the stack stopped {took:.1f} s after Ctrl-C")
    assert stack.process.returncode == 0  # it stopped by itself, every part cleanly
    # init reaps what the stack's processes left (zombies keep the group): until it has.
    deadline = time.monotonic() + 30
    while stack.leftovers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not stack.leftovers(), subprocess.run(
        ["ps", "-o", "pid,stat,args", "-s", str(stack.process.pid)], capture_output=True, text=True
    ).stdout
    log = stack.output.read_text()
    assert "[stack] Stopped." in log
    for n in (1, 2):
        assert "stopped" in (stack.folder / "logs" / f"mail-worker-{n}.log").read_text()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", stack.port), timeout=2)
