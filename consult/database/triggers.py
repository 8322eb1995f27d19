"""Database triggers for migrations to call: append-only tables (the audit log, the
security log) and the kept counts of applications (`application_tally`).

SQLite drops a table's triggers when Alembic's batch mode rebuilds the table, so any
migration that rebuilds such a table on SQLite creates its triggers again: for
`application` that is `create_tally_triggers` (below) and
`consult.database.search.create_search_index`'s triggers (drop them first, then create
both again after the rebuild). The tests would notice: the kept counts and the search
are compared with fresh counts and substring tests.
"""

from __future__ import annotations

APPEND_ONLY = "audit_event is append-only"


def create_append_only_triggers(op, table: str) -> None:
    message = f"{table} is append-only"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{message}'; END $$"
        )
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action.lower()}")
        op.execute(
            f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def drop_append_only_triggers(op, table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        return
    op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
    op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def create_audit_triggers(op) -> None:
    create_append_only_triggers(op, "audit_event")


def drop_audit_triggers(op) -> None:
    drop_append_only_triggers(op, "audit_event")


# --- kept counts of applications (consult/applications/tally.py) ------------------------

_TALLY_KEY = ("consultation_id", "role", "state", "category_id", "gender")
_TALLY_COLUMNS = "consultation_id, role, state, category_id, region, gender"


def _region(row: str) -> str:
    return f"COALESCE((SELECT region FROM country_region WHERE country = {row}.country), 'other')"


def _tally_add(row: str, region: str) -> str:
    values = ", ".join(f"{row}.{c}" for c in _TALLY_KEY[:4]) + f", {region}, {row}.gender"
    return (
        f"INSERT INTO application_tally ({_TALLY_COLUMNS}, n) VALUES ({values}, 1) "
        f"ON CONFLICT ({_TALLY_COLUMNS}) DO UPDATE SET n = application_tally.n + 1;"
    )


def _tally_remove(row: str, region: str) -> str:
    match = " AND ".join(f"{c} = {row}.{c}" for c in _TALLY_KEY)
    return f"UPDATE application_tally SET n = n - 1 WHERE {match} AND region = {region};"


def _tally_changed() -> str:
    columns = (*_TALLY_KEY, "country")
    return " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)


def _tally_key(row: str, region: str) -> str:
    columns = ", ".join(f"{row}.{c}" for c in _TALLY_KEY[:4])
    return f"ROW({columns}, {region}, {row}.gender)"


def create_tally_triggers(op) -> None:
    """Keep `application_tally` in step with every INSERT, DELETE and change of a counted
    column of `application`, in the same transaction.

    On PostgreSQL a change touches its two count rows in key order (the smaller first),
    so two transactions moving applications between the same two keys in opposite
    directions wait for each other instead of deadlocking."""
    if op.get_bind().dialect.name == "postgresql":
        add, remove = _tally_add("NEW", "new_region"), _tally_remove("OLD", "old_region")
        op.execute(
            "CREATE OR REPLACE FUNCTION application_tally_change() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ DECLARE old_region text; new_region text; BEGIN "
            f"IF TG_OP <> 'INSERT' THEN old_region := {_region('OLD')}; END IF; "
            f"IF TG_OP <> 'DELETE' THEN new_region := {_region('NEW')}; END IF; "
            f"IF TG_OP = 'UPDATE' AND {_tally_key('NEW', 'new_region')} "
            f"< {_tally_key('OLD', 'old_region')} THEN {add} {remove} "
            f"ELSE IF TG_OP <> 'INSERT' THEN {remove} END IF; "
            f"IF TG_OP <> 'DELETE' THEN {add} END IF; END IF; "
            "RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER application_tally_insert_delete AFTER INSERT OR DELETE "
            "ON application FOR EACH ROW EXECUTE FUNCTION application_tally_change()"
        )
        op.execute(
            "CREATE TRIGGER application_tally_update AFTER UPDATE ON application "
            f"FOR EACH ROW WHEN ({_tally_changed()}) "
            "EXECUTE FUNCTION application_tally_change()"
        )
        return
    changed = _tally_changed().replace("IS DISTINCT FROM", "IS NOT")
    add, remove = _tally_add("NEW", _region("NEW")), _tally_remove("OLD", _region("OLD"))
    op.execute(
        f"CREATE TRIGGER application_tally_insert AFTER INSERT ON application BEGIN {add} END"
    )
    op.execute(
        f"CREATE TRIGGER application_tally_delete AFTER DELETE ON application BEGIN {remove} END"
    )
    op.execute(
        f"CREATE TRIGGER application_tally_update AFTER UPDATE ON application "
        f"WHEN {changed} BEGIN {remove} {add} END"
    )


def drop_tally_triggers(op) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS application_tally_insert_delete ON application")
        op.execute("DROP TRIGGER IF EXISTS application_tally_update ON application")
        op.execute("DROP FUNCTION IF EXISTS application_tally_change()")
        return
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS application_tally_{name}")
