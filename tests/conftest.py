"""Fixtures: a freshly migrated database per test (SQLite file or PostgreSQL), the app,
its test client, and helpers to read forms and the outbox.

Set CONSULT_TEST_DATABASE_URL=postgresql+psycopg://... to run on PostgreSQL; the
schema is migrated once per run and every table is emptied after each test.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from consult import create_app
from consult.database.migrate import upgrade
from consult.extensions import db
from tests.settings import TEST_DATABASE_URL, is_postgres


def make_app(uri: str, **overrides) -> Flask:
    return create_app("testing", SQLALCHEMY_DATABASE_URI=uri, **overrides)


def reset_postgres_schema(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> str:
    """A database migrated to head once per run: a template file, or the PG database."""
    if is_postgres():
        reset_postgres_schema(TEST_DATABASE_URL)
        uri = TEST_DATABASE_URL
    else:
        uri = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.db'}"
    app = make_app(uri)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return uri


def _empty_postgres_tables() -> None:
    names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def database_uri(migrated_database: str, tmp_path: Path) -> str:
    if is_postgres():
        return migrated_database
    target = tmp_path / "test.db"
    shutil.copyfile(migrated_database.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


@pytest.fixture
def app_overrides() -> dict:
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
def app(database_uri: str, app_overrides: dict) -> Iterator[Flask]:
    app = make_app(database_uri, **app_overrides)
    yield app
    with app.app_context():
        db.session.remove()
        if is_postgres():
            _empty_postgres_tables()
        db.engine.dispose()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context for tests that call services or query directly."""
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the (first) form on a page."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)
