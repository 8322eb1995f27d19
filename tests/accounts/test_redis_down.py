"""The limiter's Redis refusing connections, or accepting and never answering: every
application and sign-in is still answered (never a 500), sign-ins stay throttled (per
process), and /readyz says degraded while staying ready."""

from __future__ import annotations

import socket
import threading

import pytest

from tests.applications.test_views import application_count, post_application
from tests.conftest import login
from tests.factories import make_consultation
from tests.smtp import free_port


@pytest.fixture
def hanging_redis():
    """A server that accepts connections and reads, but never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(50)
    stop = threading.Event()
    held = []

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join(timeout=5)
    for connection in held:
        connection.close()
    server.close()


@pytest.fixture(params=["refusing", "hanging"])
def app_overrides(request):
    url = (
        f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
        if request.param == "refusing"
        else request.getfixturevalue("hanging_redis")
    )
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": url,
        "LOGIN_RATE_LIMIT": "3 per 15 minutes",
    }


def test_applications_and_sign_ins_are_answered_and_sign_ins_still_throttled(
    app, client, ctx, admin
):
    make_consultation(slug="geneva")
    response = post_application(client)
    assert response.status_code == 302  # saved and answered
    assert application_count() == 1
    codes = [
        login(app.test_client(), admin.email, "wrong password!!").status_code for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]  # counted in the process meanwhile
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["status"] == "degraded"
