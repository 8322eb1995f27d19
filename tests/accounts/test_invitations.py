"""Invite staff by email, through the real pages, the real outbox and a
real SMTP server: the invited person sets their own password with a single-use link
(an admin then enrols a second factor); nobody else ever knows the password or can use
the link from the outbox."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.accounts.models import User, UserRole
from consult.database import utcnow
from consult.extensions import db
from consult.links import MASK
from consult.notifications.models import OutboxMessage
from consult.notifications.worker import drain
from consult.security.models import SecurityEvent, SecurityTag
from tests.conftest import csrf_token, login

NEW_PASSWORD = "a long passphrase of my own"


@pytest.fixture
def app_overrides(smtp):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}


def invite(admin_client, email="new@ungis.example", role="reviewer", language="en"):
    page = admin_client.get("/secretariat/users")
    return admin_client.post(
        "/secretariat/users",
        data={
            "csrf_token": csrf_token(page.text),
            "name": "Nadia Haddad",
            "email": email,
            "role": role,
            "language": language,
        },
    )


def link_in(received) -> str:
    return re.search(
        r"http://consult\.test(/secretariat/invitation/[\w\-]+)", received.text()
    ).group(1)


def accept(client, path, password=NEW_PASSWORD, confirm=None):
    page = client.get(path)
    return client.post(
        path,
        data={
            "csrf_token": csrf_token(page.text),
            "password": password,
            "confirm": confirm or password,
        },
    )


def test_an_invited_reviewer_sets_their_own_password_once(app, ctx, admin_client, smtp):
    assert invite(admin_client).status_code == 302
    user = db.session.execute(select(User).where(User.email == "new@ungis.example")).scalar_one()
    assert user.invitation_pending and user.role == UserRole.REVIEWER
    users_page = admin_client.get("/secretariat/users").text
    assert "not yet accepted" in users_page
    # Nobody can sign in to the account before the person chose a password.
    assert login(app.test_client(), user.email, "").status_code != 302
    # The stored email holds no token: the worker mints it when it sends.
    stored = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.to_address == user.email)
    ).scalar_one()
    assert "/secretariat/invitation/" in stored.body_text
    outbox_page = admin_client.get(f"/secretariat/outbox/{stored.id}").text
    assert f"/secretariat/invitation/{MASK}" in outbox_page
    drain()
    [received] = [r for r in smtp.received if r.rcpt_tos == [user.email]]
    assert received.subject == "You are invited to the UNGIS secretariat’s consultation system"
    path = link_in(received)
    db.session.expire_all()
    assert user.invitation_hash and path.rsplit("/", 1)[1] not in user.invitation_hash
    visitor = app.test_client()
    # Bad input beside the field, nothing spent.
    weak = accept(visitor, path, "short")
    assert weak.status_code == 422 and "at least 12 characters" in weak.text
    assert accept(visitor, path, NEW_PASSWORD, "something else").status_code == 422
    done = accept(visitor, path)
    assert done.status_code == 302
    assert visitor.get("/secretariat/applications").status_code == 200  # signed in
    db.session.expire_all()
    assert not user.invitation_pending and user.invitation_hash is None
    assert not user.must_change_password
    # Single use: the link does nothing more.
    assert app.test_client().get(path).status_code == 410
    assert login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302
    tags = db.session.execute(select(SecurityEvent.tag)).scalars().all()
    assert SecurityTag.USER_INVITED in tags and SecurityTag.INVITATION_ACCEPTED in tags


def test_an_invited_admin_enrols_a_second_factor_next(app, ctx, admin_client, smtp):
    invite(admin_client, email="chief@ungis.example", role="admin", language="fr")
    app.config["TWO_FACTOR_REQUIRED_FOR_ADMINS"] = True  # (as in production)
    drain()
    [received] = [r for r in smtp.received if r.rcpt_tos == ["chief@ungis.example"]]
    assert received.subject.startswith("Vous êtes invité")  # in the language chosen
    visitor = app.test_client()
    assert accept(visitor, link_in(received)).status_code == 302
    fenced = visitor.get("/secretariat/applications")
    assert fenced.status_code == 302
    assert fenced.headers["Location"].endswith("/secretariat/account/two-factor")


def test_sending_again_replaces_the_link_and_old_links_expire(app, ctx, admin_client, smtp):
    invite(admin_client)
    drain()
    first = link_in(smtp.received[-1])
    user = db.session.execute(select(User).where(User.email == "new@ungis.example")).scalar_one()
    page = admin_client.get("/secretariat/users")
    assert "Send the invitation again" in page.text
    admin_client.post(
        f"/secretariat/users/{user.id}/invite", data={"csrf_token": csrf_token(page.text)}
    )
    drain()
    second = link_in(smtp.received[-1])
    assert first != second
    assert app.test_client().get(first).status_code == 410  # replaced
    assert app.test_client().get(second).status_code == 200
    db.session.expire_all()
    user.invitation_expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    expired = app.test_client().get(second)
    assert expired.status_code == 410 and "Ask an administrator" in expired.text
    assert app.test_client().get("/secretariat/invitation/" + "x" * 43).status_code == 410


def test_reviewers_cannot_invite(reviewer_client, ctx):
    page = reviewer_client.get("/secretariat/account/password")
    response = reviewer_client.post(
        "/secretariat/users",
        data={
            "csrf_token": csrf_token(page.text),
            "name": "X",
            "email": "x@ungis.example",
            "role": "admin",
            "language": "en",
        },
    )
    assert response.status_code == 403
    assert db.session.execute(select(User).where(User.email == "x@ungis.example")).first() is None
