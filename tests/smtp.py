"""A real SMTP server (aiosmtpd) on localhost that records what it receives."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    rcpt_tos: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return self.message["subject"]

    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()

    def attachments(self) -> list:
        return list(self.message.iter_attachments())


@dataclass
class RecordingHandler:
    """Records what it receives; faults on demand: `refuse` (550, permanent), `defer`
    (451, temporary) for addresses, and `delay` seconds per message (a slow server).
    With `hold()`, each message waits at the server until the test lets it through
    (`let_through()`): a slow server whose pace the test sets, not the machine's speed."""

    refuse: set[str] = field(default_factory=set)
    defer: set[str] = field(default_factory=set)
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    gate: threading.Semaphore | None = None
    arrived: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))

    def hold(self) -> None:
        """From now on, every message waits in DATA until let through."""
        self.gate = threading.Semaphore(0)

    def let_through(self, count: int = 1) -> None:
        self.gate.release(count)

    def wait_for_arrival(self, timeout: float = 60) -> None:
        """Until the next message is waiting at the gate (the timeout only ends a hang)."""
        assert self.arrived.acquire(timeout=timeout), "no message reached the server"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        if address in self.defer:
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.gate is not None:
            self.arrived.release()
            await asyncio.to_thread(self.gate.acquire)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.handler = RecordingHandler()
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()
