"""Alembic environment: runs inside the Flask app (consult db ...) and uses its engine."""

from alembic import context
from flask import current_app

from consult import create_app
from consult.database.search import include_object
from consult.extensions import db


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=db.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:  # handed over by a caller (tests)
        _run(connection)
        return
    try:
        engine = db.engine  # inside an app context (consult db ...)
        app = current_app._get_current_object()
    except RuntimeError:
        app = create_app()
        with app.app_context(), db.engine.begin() as connection:
            _run(connection)
        return
    with app.app_context(), engine.begin() as connection:
        _run(connection)


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run against a database.")
run_migrations_online()
