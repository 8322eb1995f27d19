"""Secretariat accounts: CLI, sign-in, throttling, sessions, cookies."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consult import create_app
from consult.accounts.models import User, UserRole
from consult.extensions import db
from tests.conftest import PASSWORD, csrf_token, login, other_production_secrets


def test_users_create_list_deactivate_from_the_cli(app, ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Ana@UNGIS.example",
            "--name",
            "Ana",
            "--role",
            "admin",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin ana@ungis.example" in result.output
    user = db.session.execute(select(User)).scalar_one()
    assert user.role == UserRole.ADMIN
    assert "a long enough password" not in user.password_hash
    # Peppered (HMAC with CONSULT_PASSWORD_PEPPERS), then a salted scrypt hash.
    pepper_id, _sep, inner = user.password_hash.removeprefix("pepper:").partition("$")
    assert user.password_hash.startswith("pepper:") and len(pepper_id) == 8
    assert inner.startswith(("scrypt:", "pbkdf2:"))

    listing = runner.invoke(args=["users", "list"]).output
    assert "ana@ungis.example" in listing and "admin" in listing and "active" in listing

    assert runner.invoke(args=["users", "deactivate", "ana@ungis.example"]).exit_code == 0
    db.session.expire_all()
    assert not db.session.execute(select(User)).scalar_one().active
    assert "deactivated" in runner.invoke(args=["users", "list"]).output


def test_users_create_prompts_for_the_password(app, ctx):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "p@ungis.example", "--name", "P"],
        input="prompted password 1\nprompted password 1\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created reviewer p@ungis.example" in result.output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["users", "create", "x@ungis.example", "--name", "X", "--password-stdin"],
            "short\n",
            "at least 12",
        ),
        (["users", "deactivate", "nobody@ungis.example"], "", "No account"),
    ],
)
def test_users_cli_errors_are_clear(app, ctx, args, stdin, message):
    result = app.test_cli_runner().invoke(args=args, input=stdin)
    assert result.exit_code != 0
    assert message in result.output


def test_duplicate_accounts_are_refused(app, ctx, admin):
    result = app.test_cli_runner().invoke(
        args=["users", "create", admin.email, "--name", "Again", "--password-stdin"],
        input="another long password\n",
    )
    assert result.exit_code != 0 and "already an account" in result.output


def test_sign_in_and_out(app, client, admin):
    response = login(client, admin.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/secretariat/applications"
    page = client.get("/secretariat/applications")
    assert page.status_code == 200
    assert "Sign out" in page.text
    # Signing out is a POST with a CSRF token; a bare GET does nothing.
    assert client.get("/secretariat/logout").status_code == 405
    client.post("/secretariat/logout", data={"csrf_token": csrf_token(page.text)})
    assert client.get("/secretariat/applications").status_code == 302


@pytest.mark.parametrize("password", ["wrong password here", ""])
def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, admin, password):
    response = login(client, admin.email, password)
    assert response.status_code in (401, 422)
    assert client.get("/secretariat/applications").status_code == 302
    if password:
        assert "do not match an active account" in response.text
        unknown = login(client, "nobody@ungis.example")
        assert "do not match an active account" in unknown.text


def test_deactivated_accounts_cannot_sign_in_and_lose_their_sessions(app, ctx, admin):
    from consult.accounts.services import set_active

    client = app.test_client()
    assert login(client, admin.email).status_code == 302
    set_active(admin, False)
    assert client.get("/secretariat/applications").status_code == 302  # session ended
    assert login(app.test_client(), admin.email).status_code == 401


def test_changing_the_password_ends_other_sessions(app, ctx, admin):
    first, second = app.test_client(), app.test_client()
    login(first, admin.email)
    login(second, admin.email)
    page = first.get("/secretariat/account/password")
    response = first.post(
        "/secretariat/account/password",
        data={
            "csrf_token": csrf_token(page.text),
            "current": PASSWORD,
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert response.status_code == 302
    assert first.get("/secretariat/applications").status_code == 200
    assert second.get("/secretariat/applications").status_code == 302
    assert login(app.test_client(), admin.email, "a brand new password").status_code == 302


def test_password_change_validation(admin_client):
    page = admin_client.get("/secretariat/account/password")
    response = admin_client.post(
        "/secretariat/account/password",
        data={
            "csrf_token": csrf_token(page.text),
            "current": PASSWORD,
            "password": "short",
            "confirm": "other",
        },
    )
    assert response.status_code == 422
    assert "at least 12 characters" in response.text
    assert "The two passwords differ." in response.text


def test_next_only_redirects_within_the_site(client, admin):
    assert (
        login(client, admin.email, next_url="/secretariat/users").headers["Location"]
        == "/secretariat/users"
    )
    other = login(client.application.test_client(), admin.email, next_url="https://evil.example/")
    assert other.headers["Location"] == "/secretariat/applications"


def test_session_cookie_is_httponly_and_samesite_lax(client, admin):
    response = login(client, admin.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_cookies_are_secure(monkeypatch, database_uri):
    other_production_secrets(monkeypatch)
    monkeypatch.setenv("CONSULT_SECRET_KEY", "x" * 32)
    app = create_app("production", SQLALCHEMY_DATABASE_URI=database_uri)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, database_uri):
    other_production_secrets(monkeypatch)
    monkeypatch.delenv("CONSULT_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="CONSULT_SECRET_KEY"):
        create_app("production", SQLALCHEMY_DATABASE_URI=database_uri)


class TestThrottling:
    @pytest.fixture
    def app_overrides(self):
        return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per 15 minutes"}

    def test_repeated_failures_are_throttled_and_successes_do_not_count(self, app, admin):
        assert login(app.test_client(), admin.email).status_code == 302
        client = app.test_client()
        for _ in range(3):
            assert login(client, admin.email, "wrong password!!").status_code == 401
        throttled = login(client, admin.email, PASSWORD)
        assert throttled.status_code == 429
        assert "too many requests" in throttled.text.lower()

    def test_throttling_is_per_account(self, client, admin, reviewer):
        for _ in range(3):
            login(client, admin.email, "wrong password!!")
        assert login(client, reviewer.email).status_code == 302


def test_users_page_creates_and_deactivates_accounts(admin_client, ctx):
    page = admin_client.get("/secretariat/users")
    assert page.status_code == 200
    response = admin_client.post(
        "/secretariat/users",
        data={
            "csrf_token": csrf_token(page.text),
            "name": "New Reviewer",
            "email": "new@ungis.example",
            "role": "reviewer",
            "language": "en",
        },
    )
    assert response.status_code == 302
    user = db.session.execute(select(User).where(User.email == "new@ungis.example")).scalar_one()
    assert user.role == UserRole.REVIEWER
    page = admin_client.get("/secretariat/users")
    assert "new@ungis.example" in page.text
    admin_client.post(
        f"/secretariat/users/{user.id}/active", data={"csrf_token": csrf_token(page.text)}
    )
    db.session.expire_all()
    assert not db.session.get(User, user.id).active


def test_users_page_reports_bad_input_beside_the_field(admin_client, admin):
    page = admin_client.get("/secretariat/users")
    response = admin_client.post(
        "/secretariat/users",
        data={
            "csrf_token": csrf_token(page.text),
            "name": "",
            "email": "bad",
            "role": "reviewer",
            "language": "xx",
        },
    )
    assert response.status_code == 422
    assert 'id="name-error"' in response.text and 'id="email-error"' in response.text
    assert 'id="language-error"' in response.text
    duplicate = admin_client.post(
        "/secretariat/users",
        data={
            "csrf_token": csrf_token(page.text),
            "name": "Again",
            "email": admin.email,
            "role": "admin",
            "language": "fr",
        },
    )
    assert duplicate.status_code == 409
    assert "already an account" in duplicate.text


def test_admins_cannot_deactivate_themselves(admin_client, admin):
    page = admin_client.get("/secretariat/users")
    admin_client.post(
        f"/secretariat/users/{admin.id}/active", data={"csrf_token": csrf_token(page.text)}
    )
    db.session.expire_all()
    assert db.session.get(User, admin.id).active


def test_a_weak_password_gets_zxcvbns_advice_in_the_readers_language(admin_client):
    page = admin_client.get("/secretariat/account/password?lang=fr")
    response = admin_client.post(
        "/secretariat/account/password",
        data={
            "csrf_token": csrf_token(page.text),
            "current": PASSWORD,
            "password": "password1234",
            "confirm": "password1234",
        },
    )
    assert response.status_code == 422
    assert "C’est un mot de passe très courant." in response.text
    assert "Ajoutez un ou deux mots." in response.text
    # Without JavaScript the field is a plain password field; the button comes from
    # static/password.js with the labels the page gives it.
    assert 'data-show-label="Afficher le mot de passe"' in response.text
    assert "password.js" in response.text
