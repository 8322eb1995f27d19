"""Every account change is a security event, however it is made (page, CLI, demo),
because the services record it; the holder is emailed when someone else sets their
password or their second factor goes on or off; expired sessions and refused forms
are recorded too."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select, update

from consult.accounts import two_factor
from consult.accounts.models import StaffSession
from consult.accounts.services import find_user
from consult.database import utcnow
from consult.extensions import db
from consult.notifications.models import OutboxMessage
from consult.security.models import SecurityEvent
from tests.conftest import login

PASSWORD = "a long enough passphrase for the tests"


def _events(tag: str) -> list[SecurityEvent]:
    return list(
        db.session.execute(
            select(SecurityEvent).where(SecurityEvent.tag == tag).order_by(SecurityEvent.id)
        ).scalars()
    )


def _emails(template: str, to: str) -> list[OutboxMessage]:
    return list(
        db.session.execute(
            select(OutboxMessage).where(
                OutboxMessage.template == template, OutboxMessage.to_address == to
            )
        ).scalars()
    )


def test_the_users_commands_are_recorded(app, ctx):
    cli = app.test_cli_runner()
    email = "cli.person@ungis.example"
    for args in (
        ["users", "create", email, "--name", "Cli Person", "--password-stdin"],
        ["users", "deactivate", email],
        ["users", "activate", email],
        ["users", "set-password", email, "--password-stdin"],
    ):
        result = cli.invoke(args=args, input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
    for tag, command in [
        ("user:created", "consult users create"),
        ("user:deactivated", "consult users deactivate"),
        ("user:activated", "consult users activate"),
        ("user:password_set", "consult users set-password"),
    ]:
        [event] = _events(tag)
        assert event.actor == command and email in event.target
        assert event.ip_address == "cli"
    # Someone else set the password: the holder is told.
    [told] = _emails("password_changed", email)
    assert "An administrator set a new password" in told.body_text


def test_the_second_factor_going_on_or_off_is_recorded_and_emailed(app, ctx, reviewer):
    secret = two_factor.new_secret()
    step = two_factor.check_code(secret, pyotp.TOTP(secret).now())
    two_factor.enable(reviewer, secret, step, by=reviewer)
    result = app.test_cli_runner().invoke(args=["users", "reset-two-factor", reviewer.email])
    assert result.exit_code == 0
    assert [e.actor for e in _events("account:two_factor_enabled")] == [reviewer.email]
    assert [e.actor for e in _events("account:two_factor_disabled")] == [
        "consult users reset-two-factor"
    ]
    on, off = _emails("two_factor_changed", reviewer.email)
    assert on.subject == "Two-factor sign-in is on for your UNGIS secretariat account"
    assert "Someone else turned off" in off.body_text


@pytest.mark.parametrize(("field", "age"), [("last_seen_at", 31), ("created_at", 13 * 60)])
def test_an_expired_session_is_recorded(app, ctx, admin, field, age):
    client = app.test_client()
    login(client, admin.email)
    db.session.execute(update(StaffSession).values({field: utcnow() - timedelta(minutes=age)}))
    db.session.commit()
    assert client.get("/secretariat/applications").status_code == 302
    [event] = _events("account:session_expired")
    assert event.actor == admin.email
    assert event.detail == ("idle" if field == "last_seen_at" else "too old")


def test_a_refused_form_is_recorded(app, ctx, client):
    response = client.post("/secretariat/login", data={"email": "a@b.c", "password": "x"})
    assert response.status_code == 400
    [event] = _events("access:csrf_failed")
    assert event.target == "/secretariat/login"
    assert find_user("a@b.c") is None
