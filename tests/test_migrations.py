"""The schema changes only through migrations: prove they build exactly the models."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from consult.database.migrate import downgrade, upgrade
from consult.database.search import include_object
from consult.extensions import db
from tests.conftest import make_app, postgres_database
from tests.settings import is_postgres, worker_database_url


@pytest.fixture(scope="session")
def postgres_for_migrations() -> Iterator[str]:
    """This worker's database for the migration tests (made once: creating and
    dropping a database per test waits for the server's checkpoints)."""
    with postgres_database(worker_database_url("migrations"), migrate=False) as uri:
        yield uri


@pytest.fixture
def empty_database(request, tmp_path) -> str:
    """A brand-new, empty database of the kind the suite runs on: on PostgreSQL the
    worker's migrations database with its schema made anew."""
    if not is_postgres():
        return f"sqlite:///{tmp_path / 'empty.db'}"
    uri = request.getfixturevalue("postgres_for_migrations")
    engine = sa.create_engine(uri)
    with engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL lock_timeout = '10s'"))
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return uri


def _differences(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        return compare_metadata(context, db.metadata)


@pytest.mark.slow
def test_migrated_schema_equals_the_models(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        assert _differences(db.engine) == []
        db.engine.dispose()


@pytest.mark.slow
def test_downgrade_to_base_and_back(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        downgrade("base")
        tables = set(sa.inspect(db.engine).get_table_names())
        assert tables <= {"alembic_version"}
        upgrade()
        assert _differences(db.engine) == []
        db.engine.dispose()


def test_database_refuses_to_change_the_audit_log(ctx):
    """Append-only holds even for SQL that bypasses the ORM (triggers)."""
    from tests.factories import make_consultation, submit

    application, _token = submit(make_consultation())
    for statement in (
        "UPDATE audit_event SET note = 'rewritten'",
        "DELETE FROM audit_event",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(sa.text(statement))
    with db.engine.connect() as conn:
        notes = conn.execute(sa.text("SELECT note FROM audit_event")).scalars().all()
    assert notes == [""]


@pytest.mark.slow
def test_the_trust_migration_scrubs_raw_tokens_from_stored_emails(empty_database):
    """Emails queued before private links were minted at send time held raw tokens."""
    from consult.links import LINK_TOKEN

    raw = "Zx1_" + "a" * 39
    app = make_app(empty_database)
    with app.app_context():
        upgrade("591d403b4ad2")  # the revision before
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO outbox_message (idempotency_key, template, language, "
                    "to_address, subject, body_text, body_html, state, attempts, "
                    "next_attempt_at, last_error, claimed_by, calendar, created_at) VALUES "
                    "('k', 'verify_email', 'en', 'a@example.org', 's', :text, :html, "
                    "'queued', 0, CURRENT_TIMESTAMP, '', '', :ics, CURRENT_TIMESTAMP)"
                ),
                {
                    "text": f"Open http://x.test/a/{raw} now",
                    "html": f'<a href="http://x.test/a/{raw}">link</a>',
                    "ics": f"URL:http://x.test/a/{raw}",
                },
            )
        upgrade()
        with db.engine.connect() as conn:
            row = conn.execute(
                sa.text("SELECT body_text, body_html, calendar FROM outbox_message")
            ).one()
        db.engine.dispose()
    for part in row:
        assert raw not in part
        assert f"/a/{LINK_TOKEN}" in part


@pytest.mark.slow
def test_the_criteria_migration_keeps_single_scores_and_computes_their_spread(empty_database):
    """Reviews given as one whole score stay what they were, and each application's
    spread is computed from them (and back down: totals round to whole scores)."""
    from consult.enums import Role
    from consult.review.services import save_review
    from tests.factories import make_consultation, make_user, under_review

    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        application, _token = under_review(make_consultation(capacities={Role.PANELIST: 5}))
        for value in (2, 4, 3):
            save_review(application, make_user("reviewer"), value, "")
        application_id = application.id
        db.session.remove()
        downgrade("d2e3f4a5b6c7")
        upgrade()
        with db.engine.connect() as conn:
            variance, average = conn.execute(
                sa.text("SELECT score_variance, average_score FROM application WHERE id = :id"),
                {"id": application_id},
            ).one()
            scores = conn.execute(sa.text("SELECT score FROM review ORDER BY id")).scalars().all()
        db.engine.dispose()
    assert scores == [2, 4, 3]
    assert average == pytest.approx(3.0)
    assert variance == pytest.approx(2 / 3)
