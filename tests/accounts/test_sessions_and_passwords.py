"""Staff sessions end on the server; sign-in throttling holds under parallel guesses and
across web processes; passwords are changed knowingly and announced."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from consult import create_app
from consult.accounts.models import StaffSession, User
from consult.database import utcnow
from consult.extensions import db
from consult.notifications.models import OutboxMessage
from consult.security.models import SecurityEvent
from tests.conftest import PASSWORD, csrf_token, login, other_production_secrets
from tests.settings import TEST_REDIS_URL, worker_redis_url


def test_a_copied_cookie_stops_working_after_sign_out(app, admin):
    client = app.test_client()
    assert login(client, admin.email).status_code == 302
    copied = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/secretariat/applications").status_code == 200
    page = client.get("/secretariat/applications")
    client.post("/secretariat/logout", data={"csrf_token": csrf_token(page.text)})
    assert thief.get("/secretariat/applications").status_code == 302  # to the sign-in


@pytest.mark.parametrize(
    ("field", "age"),
    [("last_seen_at", timedelta(minutes=31)), ("created_at", timedelta(hours=12, minutes=1))],
)
def test_sessions_end_when_idle_or_too_old(app, ctx, admin, field, age):
    client = app.test_client()
    login(client, admin.email)
    assert client.get("/secretariat/applications").status_code == 200
    db.session.execute(update(StaffSession).values({field: utcnow() - age}))
    db.session.commit()
    assert client.get("/secretariat/applications").status_code == 302
    assert db.session.execute(select(StaffSession.ended_at)).scalar_one() is not None


def test_signing_in_clears_the_session_and_rotates_the_csrf_token(app, admin):
    client = app.test_client()
    before = csrf_token(client.get("/secretariat/login").text)
    login(client, admin.email)
    after = csrf_token(client.get("/secretariat/applications").text)
    assert before != after


def test_secretariat_pages_are_never_cached(admin_client):
    for path in ("/secretariat/applications", "/secretariat/users", "/secretariat/outbox/"):
        assert admin_client.get(path).headers["Cache-Control"] == "no-store"


def test_production_uses_a_host_cookie_and_hsts(monkeypatch, database_uri):
    other_production_secrets(monkeypatch)
    monkeypatch.setenv("CONSULT_SECRET_KEY", "x" * 48)
    app = create_app("production", SQLALCHEMY_DATABASE_URI=database_uri)
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    response = app.test_client().get("/", base_url="https://consult.example")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_a_published_development_key_is_refused_without_debug(monkeypatch, database_uri):
    other_production_secrets(monkeypatch)
    monkeypatch.setenv("CONSULT_SECRET_KEY", "dev-only-not-secret")
    with pytest.raises(RuntimeError, match="development key"):
        create_app("production", SQLALCHEMY_DATABASE_URI=database_uri)


def test_development_makes_its_own_secret_key(monkeypatch, tmp_path, database_uri):
    monkeypatch.delenv("CONSULT_SECRET_KEY", raising=False)
    monkeypatch.setenv("CONSULT_INSTANCE_PATH", str(tmp_path))
    first = create_app("development", SQLALCHEMY_DATABASE_URI=database_uri)
    second = create_app("development", SQLALCHEMY_DATABASE_URI=database_uri)
    assert len(first.config["SECRET_KEY"]) > 40
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_sign_ins_and_refusals_are_security_events(app, ctx, admin, reviewer):
    login(app.test_client(), admin.email, "wrong password!!")
    client = app.test_client()
    login(client, reviewer.email)
    client.get("/secretariat/users")  # admins only
    tags = db.session.execute(
        select(SecurityEvent.tag)
        .where(SecurityEvent.tag != "user:created")  # (the fixtures' accounts)
        .order_by(SecurityEvent.id)
    ).scalars()
    assert list(tags) == ["account:signin_failed", "account:signin", "access:forbidden"]


def test_what_is_typed_as_an_email_is_logged_only_when_it_is_an_account(app, ctx, admin):
    """People paste passwords into the email field: an unknown address is kept only as
    a keyed fingerprint (the same typed text gives the same one)."""
    pasted = "Tr0ub4dor&3-my-password"
    for typed in (pasted, pasted, admin.email):
        login(app.test_client(), typed, "wrong password!!")
    actors = list(
        db.session.execute(
            select(SecurityEvent.actor)
            .where(SecurityEvent.tag == "account:signin_failed")
            .order_by(SecurityEvent.id)
        ).scalars()
    )
    assert actors[2] == admin.email
    assert actors[0] == actors[1] and actors[0].startswith("unknown address #")
    assert not any(pasted.lower() in actor.lower() for actor in actors)


class TestThrottling:
    @pytest.fixture
    def app_overrides(self):
        # One limit binds here (the others are set out of reach): an attempt counts
        # against each limit in turn, and with two close limits the first three under
        # one need not be the first three under the other when threads interleave.
        overrides = {
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "3 per 15 minutes",
            "LOGIN_ACCOUNT_RATE_LIMIT": "100 per 15 minutes",
            "LOGIN_ADDRESS_RATE_LIMIT": "100 per 15 minutes",
        }
        if redis_url := worker_redis_url():
            # Generous socket timeouts: on a busy machine a Redis answer may take longer
            # than production's 0.3 s, and a timeout would (rightly) count in memory.
            overrides["RATELIMIT_STORAGE_URI"] = redis_url
            overrides["RATELIMIT_STORAGE_OPTIONS"] = {"socket_timeout": 10}
        return overrides

    @pytest.fixture(autouse=True)
    def _empty_redis(self):
        # This worker's own Redis database: the counts of earlier runs start over.
        if redis_url := worker_redis_url():
            import redis

            redis.Redis.from_url(redis_url).flushdb()

    def test_parallel_guesses_cannot_exceed_the_limit(self, app, admin):
        """Twelve guesses at once: each is counted before its password is checked."""
        results = []
        email = admin.email

        def guess():
            client = app.test_client()
            results.append(login(client, email, "wrong password!!").status_code)

        threads = [threading.Thread(target=guess) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results.count(401) == 3
        assert results.count(429) == 9

    @pytest.mark.skipif(not TEST_REDIS_URL, reason="needs Redis (CONSULT_TEST_REDIS_URL)")
    def test_two_web_processes_share_one_count_in_redis(self, app, admin, database_uri):
        other = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=database_uri,
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI=worker_redis_url(),
            RATELIMIT_STORAGE_OPTIONS={"socket_timeout": 10},
            LOGIN_RATE_LIMIT="3 per 15 minutes",
        )
        codes = [
            login(which.test_client(), admin.email, "wrong password!!").status_code
            for which in (app, other, app, other, app)
        ]
        assert codes == [401, 401, 401, 429, 429]

    def test_x_forwarded_for_is_ignored_unless_behind_a_configured_proxy(self, app, admin):
        client = app.test_client()
        # A different forged address each time: still one client.
        codes = [_guess_from(client, f"10.0.0.{n}", admin.email) for n in range(5)]
        assert codes[-1] == 429

    def test_behind_one_proxy_the_forwarded_address_counts(self, database_uri, admin):
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=database_uri,
            RATELIMIT_ENABLED=True,
            LOGIN_RATE_LIMIT="3 per 15 minutes",
            PROXY_FIX_X_FOR=1,
        )
        codes = [_guess_from(app.test_client(), f"192.0.2.{n}", admin.email) for n in range(4)]
        assert codes == [401, 401, 401, 401]  # four clients, one guess each


def _guess_from(client, forwarded_for: str, email: str) -> int:
    """A wrong password, sent with an X-Forwarded-For header."""
    headers = {"X-Forwarded-For": forwarded_for}
    page = client.get("/secretariat/login", headers=headers)
    data = {"csrf_token": csrf_token(page.text), "email": email, "password": "wrong password!!"}
    return client.post("/secretariat/login", headers=headers, data=data).status_code


def _change_password(client, current: str, new: str):
    page = client.get("/secretariat/account/password")
    return client.post(
        "/secretariat/account/password",
        data={
            "csrf_token": csrf_token(page.text),
            "current": current,
            "password": new,
            "confirm": new,
        },
    )


def test_changing_the_password_needs_the_current_one(admin_client):
    response = _change_password(admin_client, "not my password", "a brand new password")
    assert response.status_code == 422
    assert "not your current password" in response.text


@pytest.mark.parametrize("weak", ["password1234", "qwertyuiop123", "admin@ungis.example1"])
def test_common_and_guessable_passwords_are_refused(admin_client, weak):
    response = _change_password(admin_client, PASSWORD, weak)
    assert response.status_code == 422
    assert "too common or too easy to guess" in response.text


def test_the_person_is_emailed_when_their_password_changes(admin_client, ctx, admin):
    assert _change_password(admin_client, PASSWORD, "a brand new password").status_code == 302
    message = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.template == "password_changed")
    ).scalar_one()
    assert message.to_address == admin.email
    assert "was changed" in message.body_text


def test_a_password_set_by_someone_else_must_be_changed_first(app, ctx):
    from consult.accounts.models import UserRole
    from consult.accounts.services import create_user

    create_user("new@ungis.example", "New Person", UserRole.REVIEWER, PASSWORD)
    client = app.test_client()
    assert login(client, "new@ungis.example").status_code == 302
    blocked = client.get("/secretariat/applications")
    assert blocked.status_code == 302
    assert blocked.headers["Location"].endswith("/secretariat/account/password")
    # Every staff privilege is fenced, not only /secretariat: the unpublished
    # programme's preview is refused too.
    from tests.factories import make_consultation

    draft = make_consultation()
    preview = client.get(f"/c/{draft.slug}/programme")
    assert preview.status_code == 302
    assert preview.headers["Location"].endswith("/secretariat/account/password")
    assert _change_password(client, PASSWORD, "my own long passphrase").status_code == 302
    assert client.get("/secretariat/applications").status_code == 200
    assert client.get(f"/c/{draft.slug}/programme").status_code == 200  # the preview
    user = db.session.execute(select(User).where(User.email == "new@ungis.example")).scalar_one()
    db.session.refresh(user)
    assert user.must_change_password is False


def test_the_security_log_is_append_only_in_the_orm_and_the_database(app, ctx, admin):
    import sqlalchemy as sa

    from consult.database.append_only import AppendOnlyViolation

    login(app.test_client(), admin.email, "wrong password!!")
    event = db.session.execute(
        select(SecurityEvent).where(SecurityEvent.tag == "account:signin_failed")
    ).scalar_one()
    event.detail = "rewritten"
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    for statement in ("UPDATE security_event SET detail = 'x'", "DELETE FROM security_event"):
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(sa.text(statement))
        db.session.rollback()


def test_admins_read_the_security_log_and_operators_export_it(app, admin_client, ctx):
    page = admin_client.get("/secretariat/security-log")
    assert page.status_code == 200
    assert "account:signin" in page.text
    output = app.test_cli_runner().invoke(args=["security", "export"]).output
    assert '"tag": "account:signin"' in output


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("change-me-to-64-random-hex-characters", "placeholder"),  # deploy/consult.env.example
        ("x" * 31, "shorter than 32 bytes"),
        ("ключ-ключ-ключ", "shorter than 32 bytes"),  # 27 bytes, though 14 characters
    ],
)
def test_production_refuses_a_weak_secret_key(monkeypatch, database_uri, key, why):
    other_production_secrets(monkeypatch)
    monkeypatch.setenv("CONSULT_SECRET_KEY", key)
    with pytest.raises(RuntimeError, match=why):
        create_app("production", SQLALCHEMY_DATABASE_URI=database_uri)


def test_the_embedded_database_is_readable_by_its_owner_only(monkeypatch, tmp_path):
    monkeypatch.setenv("CONSULT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("CONSULT_SQLALCHEMY_DATABASE_URI", raising=False)
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "consult.db").touch(mode=0o644)  # made by an older version
    app = create_app("development", SQLALCHEMY_DATABASE_URI="")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/consult.db")
    assert (tmp_path / "instance" / "consult.db").stat().st_mode & 0o077 == 0


def test_staff_see_their_sessions_and_end_the_others(app, ctx, admin):
    laptop = app.test_client()
    login(laptop, admin.email)
    phone = app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = "PhoneBrowser/1.0"
    login(phone, admin.email)
    page = laptop.get("/secretariat/account/sessions")
    assert page.status_code == 200
    assert "PhoneBrowser/1.0" in page.text and "This session" in page.text
    done = laptop.post(
        "/secretariat/account/sessions",
        data={"csrf_token": csrf_token(page.text), "session": "others"},
    )
    assert done.status_code == 302
    assert phone.get("/secretariat/applications").status_code == 302  # signed out
    assert laptop.get("/secretariat/applications").status_code == 200  # still in
    assert "PhoneBrowser" not in laptop.get("/secretariat/account/sessions").text
