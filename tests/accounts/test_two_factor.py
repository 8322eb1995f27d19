"""Two-factor sign-in: admins must enrol (QR code, confirm a code, recovery codes);
then every sign-in needs a code, a code works once, a recovery code once."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from consult.accounts.models import User
from consult.database import utcnow
from consult.extensions import db
from tests.conftest import csrf_token, login


@pytest.fixture
def app_overrides():
    return {"TWO_FACTOR_REQUIRED_FOR_ADMINS": True}


def _enrol(client) -> tuple[str, list[str], str]:
    page = client.get("/secretariat/account/two-factor")
    assert "<svg" in page.text  # the QR code, inline
    secret = re.search(r'<code class="reference">([A-Z2-7]+)</code>', page.text).group(1)
    used = pyotp.TOTP(secret).now()
    done = client.post(
        "/secretariat/account/two-factor",
        data={"csrf_token": csrf_token(page.text), "action": "enrol", "code": used},
    )
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\d{5}-\d{5})</code></li>", done.text)
    assert len(codes) == 10
    return secret, codes, used


def _second_step(client, code: str):
    page = client.get("/secretariat/login/code")
    return client.post(
        "/secretariat/login/code", data={"csrf_token": csrf_token(page.text), "code": code}
    )


def test_an_admin_must_enrol_then_signs_in_with_a_code_used_once(app, ctx, admin):
    client = app.test_client()
    assert login(client, admin.email).status_code == 302
    # Every secretariat page leads to the enrolment first.
    blocked = client.get("/secretariat/applications")
    assert blocked.headers["Location"].endswith("/secretariat/account/two-factor")
    # ... and so does every other staff privilege (the draft programme's preview).
    from tests.factories import make_consultation

    draft = make_consultation()
    preview = client.get(f"/c/{draft.slug}/programme")
    assert preview.headers["Location"].endswith("/secretariat/account/two-factor")
    secret, _codes, enrolment_code = _enrol(client)
    assert client.get("/secretariat/applications").status_code == 200

    other = app.test_client()
    first = login(other, admin.email)
    assert first.headers["Location"].startswith("/secretariat/login/code")
    assert other.get("/secretariat/applications").status_code == 302  # not signed in yet
    assert _second_step(other, "000000").status_code == 422
    # The code the enrolment used cannot be used again (spent, or out of its window).
    assert _second_step(other, enrolment_code).status_code == 422
    next_code = pyotp.TOTP(secret).at(time.time() + 30)
    assert _second_step(other, next_code).status_code == 302
    assert other.get("/secretariat/applications").status_code == 200
    third = app.test_client()
    login(third, admin.email)
    assert _second_step(third, next_code).status_code == 422  # replayed


def test_a_recovery_code_signs_in_once(app, ctx, admin):
    client = app.test_client()
    login(client, admin.email)
    _secret, codes, _used = _enrol(client)
    for expected in (302, 422):
        other = app.test_client()
        login(other, admin.email)
        assert _second_step(other, codes[0]).status_code == expected


def test_reviewers_may_switch_it_off_admins_may_not(app, ctx, reviewer, admin):
    client = app.test_client()
    login(client, reviewer.email)
    assert client.get("/secretariat/applications").status_code == 200  # optional
    _enrol(client)
    page = client.get("/secretariat/account/two-factor")
    off = client.post(
        "/secretariat/account/two-factor",
        data={"csrf_token": csrf_token(page.text), "action": "disable", "current": "x"},
    )
    assert off.status_code == 422
    user = db.session.execute(select(User).where(User.id == reviewer.id)).scalar_one()
    db.session.refresh(user)
    assert user.two_factor_enabled


def _forge_session(app, client, data: dict) -> None:
    """What an attacker who knows the secret key can do: sign any session they like."""
    cookie = app.session_interface.get_signing_serializer(app).dumps(data)
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)


def test_the_secret_key_alone_does_not_open_the_code_step(app, ctx, admin):
    """A forged cookie claiming "password checked" for the admin -- in the old form (the
    user's id) or naming a made-up pending key -- is sent back to sign in: the pending
    state exists only as a row on the server."""
    client = app.test_client()
    login(client, admin.email)
    secret, _codes, _used = _enrol(client)
    code = pyotp.TOTP(secret).at(time.time() + 30)
    for forged in (
        {"pending_second_factor": {"user": admin.id, "at": time.time()}},
        {"pending_sign_in": "a-key-the-attacker-made-up-0123456789abcdef"},
    ):
        attacker = app.test_client()
        _forge_session(app, attacker, forged)
        response = attacker.get("/secretariat/login/code")
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/secretariat/login")
        assert attacker.get("/secretariat/applications").status_code == 302
    # The admin still signs in with the same code: nothing was spent by the attempts.
    other = app.test_client()
    login(other, admin.email)
    assert _second_step(other, code).status_code == 302


def test_the_pending_state_is_used_up_and_expires(app, ctx, admin):
    from consult.accounts.models import PendingSignIn

    client = app.test_client()
    login(client, admin.email)
    secret, _codes, _used = _enrol(client)
    other = app.test_client()
    login(other, admin.email)
    pending_cookie = other.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert _second_step(other, pyotp.TOTP(secret).at(time.time() + 30)).status_code == 302
    # The cookie of the pending step, replayed after the sign-in: it opens nothing.
    replay = app.test_client()
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], pending_cookie)
    assert replay.get("/secretariat/login/code").headers["Location"].endswith("/login")
    # A pending sign-in older than five minutes is over.
    late = app.test_client()
    login(late, admin.email)
    db.session.execute(
        PendingSignIn.__table__.update().values(created_at=utcnow() - timedelta(minutes=6))
    )
    db.session.commit()
    assert late.get("/secretariat/login/code").headers["Location"].endswith("/login")
