"""Sign-in throttling per account (slowed, never locked out) and alerts to the admins
(security log + email, once an hour per subject) on failed sign-ins, bursts of refused
requests, and many exports."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.notifications.models import OutboxMessage
from consult.security.models import SecurityEvent
from tests.conftest import login


@pytest.fixture
def app_overrides():
    return {
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT": "100 per 15 minutes",
        "LOGIN_ADDRESS_RATE_LIMIT": "100 per 15 minutes",
        "LOGIN_ACCOUNT_RATE_LIMIT": "4 per 15 minutes",
        "ALERT_SIGN_IN_FAILURES": 3,
        "ALERT_CLIENT_ERRORS": 5,
        "ALERT_EXPORTS": 2,
        "PROXY_FIX_X_FOR": 1,
    }


def _guess(app, address: str, email: str, password: str = "wrong password!!") -> int:
    from tests.conftest import csrf_token

    client = app.test_client()
    headers = {"X-Forwarded-For": address}
    page = client.get("/secretariat/login", headers=headers)
    data = {"csrf_token": csrf_token(page.text), "email": email, "password": password}
    return client.post("/secretariat/login", headers=headers, data=data).status_code


def _alerts() -> list[SecurityEvent]:
    return list(
        db.session.execute(
            select(SecurityEvent).where(SecurityEvent.tag == "alert:raised")
        ).scalars()
    )


def test_a_guess_spread_over_addresses_is_slowed_and_the_admins_are_alerted(
    app, ctx, admin, reviewer
):
    codes = [_guess(app, f"198.51.100.{n}", reviewer.email) for n in range(6)]
    assert codes == [401, 401, 401, 401, 429, 429]  # four a window, from any address
    [alert] = _alerts()  # once, though the failures went on
    assert alert.target == f"sign-ins: {reviewer.email}"
    [email] = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.template == "security_alert")
    ).scalars()
    assert email.to_address == admin.email
    assert email.subject == "Security alert: Many failed sign-ins for one account"
    # Another account is not slowed by it.
    assert _guess(app, "198.51.100.99", admin.email, "correct horse battery") == 302


def test_a_burst_of_refused_requests_from_one_address_is_alerted(app, ctx, admin):
    client = app.test_client()
    for _ in range(7):
        client.get("/c/no-such-consultation", headers={"X-Forwarded-For": "203.0.113.7"})
    [alert] = _alerts()
    assert alert.target == "refusals: 203.0.113.7"


def test_many_exports_by_one_person_are_alerted(app, ctx, admin):
    from tests.factories import make_consultation

    consultation = make_consultation()
    client = app.test_client()
    login(client, admin.email)
    for _ in range(3):
        client.get(f"/secretariat/consultations/{consultation.id}/programme.csv")
    [alert] = _alerts()
    assert alert.target == f"exports: {admin.email}"
