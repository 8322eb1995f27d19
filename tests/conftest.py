"""Fixtures: a freshly migrated database per test (SQLite file or PostgreSQL), the app,
its test client, and helpers to read forms and the outbox.

Set CONSULT_TEST_DATABASE_URL=postgresql+psycopg://... to run on PostgreSQL; the
schema is migrated once per run and every table is emptied after each test.
"""

from __future__ import annotations

import contextvars
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from consult import create_app
from consult.database.migrate import upgrade
from consult.extensions import db
from tests.browser import browser, page  # noqa: F401  (fixtures shared by all modules)
from tests.settings import (
    TEST_DATABASE_URL,
    is_postgres,
    worker_database_url,
)
from tests.smtp import smtp  # noqa: F401  (fixture)


def pytest_collection_modifyitems(items) -> None:
    """Every test that drives the browser is marked so, whatever module it is in."""
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def make_app(uri: str, **overrides) -> Flask:
    return create_app("testing", SQLALCHEMY_DATABASE_URI=uri, **overrides)


def _postgres_admin() -> sa.Engine:
    return sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")


def _migrated(uri: str) -> str:
    app = make_app(uri)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return uri


@contextmanager
def postgres_database(uri: str, *, migrate: bool = True) -> Iterator[str]:
    """A PostgreSQL database of the suite's own (migrated, unless told), dropped
    afterwards."""
    name = make_url(uri).database
    admin = _postgres_admin()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        # A throwaway database: a commit need not wait for the disk.
        conn.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    try:
        yield _migrated(uri) if migrate else uri
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Iterator[str]:
    """A database migrated to head once per run and worker: a template file, or this
    worker's own PostgreSQL database (created here, dropped at the end)."""
    if is_postgres():
        with postgres_database(worker_database_url()) as uri:
            yield uri
    else:
        yield _migrated(f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.db'}")


@pytest.fixture(scope="session")
def shared_database(migrated_database: str) -> Iterator[str]:
    """Where the modules that share one app keep their data: on PostgreSQL a second
    database of the worker's (the per-test one is emptied after every test, which
    would empty a module's shared data too); on SQLite the template, copied per module."""
    if is_postgres():
        with postgres_database(worker_database_url("shared")) as uri:
            yield uri
    else:
        yield migrated_database


def _empty_postgres_tables() -> None:
    """Every table a test wrote to emptied, and every sequence back at 1: TRUNCATE
    costs the same for an empty table as for a full one, so only those with rows."""
    tables = [table for table in db.metadata.sorted_tables if table.name != "country_region"]
    # (country_region is reference data written by its migration, not by tests.)
    with db.engine.begin() as conn:
        # A connection a test left in a transaction would block this forever: fail instead.
        conn.execute(sa.text("SET LOCAL lock_timeout = '10s'"))
        probe = " UNION ALL ".join(
            f"SELECT '{table.name}' WHERE EXISTS (SELECT 1 FROM \"{table.name}\")"
            for table in tables
        )
        written = conn.execute(sa.text(probe)).scalars().all()
        if written:
            names = ", ".join(f'"{name}"' for name in written)
            conn.execute(sa.text(f"TRUNCATE {names} CASCADE"))
        # Sequences, used or not by rows still there (an insert rolled back moves one).
        conn.execute(
            sa.text(
                "SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) "
                "FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL"
            )
        )


def _copy_of(migrated: str, folder: Path) -> str:
    """A database of the test's own: on SQLite a copy of the migrated template in
    `folder`; on PostgreSQL the worker's database itself (emptied after each use)."""
    if is_postgres():
        return migrated
    target = folder / "test.db"
    shutil.copyfile(migrated.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


@pytest.fixture
def database_uri(migrated_database: str, tmp_path: Path) -> str:
    return _copy_of(migrated_database, tmp_path)


@pytest.fixture
def app_overrides() -> dict:
    """Override in a test module to change settings for its app."""
    return {}


class IsolatedClient(FlaskClient):
    """A test client whose requests never share the test's application context.

    Flask reuses an active app context for a request, so `g` (Flask-Login's cached
    user, the CSRF token) and the database session would leak between requests and
    clients while a test holds `ctx`. Each request runs in an empty contextvars
    context instead, as it would in its own server thread.
    """

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)  # streamed bodies are read inside, too
        return contextvars.Context().run(super().open, *args, **kwargs)


@contextmanager
def _test_app(uri: str, folder: Path, overrides: dict) -> Iterator[Flask]:
    """An app on `uri` whose attachments go to `folder` (never the checkout's
    instance/); afterwards its PostgreSQL tables emptied and its connections closed."""
    app = make_app(
        uri, **{"CONTRIBUTION_FILES_DIR": str(folder / "contribution-files")}, **overrides
    )
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        db.session.remove()
        if is_postgres():
            _empty_postgres_tables()
        db.engine.dispose()


@pytest.fixture
def app(database_uri: str, app_overrides: dict, tmp_path: Path) -> Iterator[Flask]:
    with _test_app(database_uri, tmp_path, app_overrides) as app:
        yield app


@pytest.fixture(scope="module")
def shared_app(shared_database: str, tmp_path_factory) -> Iterator[Flask]:
    """One app and one database for a whole module, for read-only matrices and crawls
    whose tests change nothing another test of the module could see (a module opts in
    by defining its `app` fixture as this, scope="module", and its data likewise)."""
    here = tmp_path_factory.mktemp("shared")
    with _test_app(_copy_of(shared_database, here), here, {}) as app:
        yield app


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context for tests that call services or query directly."""
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def other(database_uri: str) -> Iterator[FlaskClient]:
    """A second app on the same database: another process, as far as caches go."""
    app = make_app(database_uri)
    app.test_client_class = IsolatedClient
    yield app.test_client()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


CSRF_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the (first) form on a page."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')


def form_version(html: str) -> str:
    """The application version a page's form carries (what the person saw)."""
    match = VERSION_RE.search(html)
    assert match, "no version field on the page"
    return match.group(1)


PASSWORD = "correct horse battery"


def login(client: FlaskClient, email: str, password: str = PASSWORD, next_url: str = ""):
    form_page = client.get("/secretariat/login")
    url = "/secretariat/login" + (f"?next={next_url}" if next_url else "")
    return client.post(
        url, data={"csrf_token": csrf_token(form_page.text), "email": email, "password": password}
    )


@pytest.fixture
def admin(ctx):
    from tests.factories import make_user

    return make_user("admin", "admin@ungis.example")


@pytest.fixture
def reviewer(ctx):
    from tests.factories import make_user

    return make_user("reviewer", "reviewer@ungis.example")


@pytest.fixture
def admin_client(app, admin) -> FlaskClient:
    client = app.test_client()
    assert login(client, admin.email).status_code == 302
    return client


@pytest.fixture
def reviewer_client(app, reviewer) -> FlaskClient:
    client = app.test_client()
    assert login(client, reviewer.email).status_code == 302
    return client


def other_production_secrets(monkeypatch) -> None:
    """Production needs all three secrets; tests about one of them set the other two."""
    monkeypatch.setenv("CONSULT_ENCRYPTION_KEYS", "encryption-" + "e" * 40)
    monkeypatch.setenv("CONSULT_PASSWORD_PEPPERS", "pepper-" + "p" * 40)


# Every line the app's loggers write during the suite, through the formatter the app
# configures, is checked for what must never reach a log: a raw private
# link, an email address, an applicant's name as the factories make them.
_NEVER_IN_LOGS = re.compile(
    r"/a/[A-Za-z0-9_\-]{20,}|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|Amina Diallo|Digital Futures Network"
)


@pytest.fixture(autouse=True)
def _logs_hold_no_personal_data():
    import io
    import logging

    from consult.logs import formatter

    written = {fmt: io.StringIO() for fmt in ("text", "json")}
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)  # (request lines and the worker's are INFO)
    handlers = []
    for fmt, stream in written.items():
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formatter(fmt))
        handler.setLevel(logging.DEBUG)
        handlers.append(handler)
        logging.getLogger().addHandler(handler)
    try:
        yield
    finally:
        for handler in handlers:
            root.removeHandler(handler)
        root.setLevel(level)
    for fmt, stream in written.items():
        leaked = _NEVER_IN_LOGS.findall(stream.getvalue())
        assert not leaked, f"personal data in the {fmt} log: {leaked[:5]}"
