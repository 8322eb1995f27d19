"""Free-text search over applications, on a real text index in each database.

One function, `text_condition(model, text)` (used by
consult.applications.search.matching_applications), gives the condition for "the application's
name, organization, topic, reference or email contains `text`" (accents and case folded:
"ministere" finds "Ministère"; the text taken literally). Behind it:

- PostgreSQL: a `pg_trgm` GIN index on those fields joined into one text and folded
  (`consult_fold`: `lower(unaccent(...))`, an immutable function the migration makes);
  `LIKE '%text%'` on that same expression, with the text folded the same way, uses it.
- SQLite: an FTS5 table with the trigram tokenizer (`application_search`, kept by
  triggers) over the folded document (`consult_fold`, a Python function registered on
  every connection: consult.database.fold); a phrase query finds substrings of three
  characters or more.

Texts shorter than three characters cannot use a trigram index; they are matched with
`LIKE` over each folded column (a scan, still correct).
"""

from __future__ import annotations

import sqlalchemy as sa

from consult.database import fold, like_escaped
from consult.extensions import db

SEARCHED_COLUMNS = ("full_name", "organization_name", "topic", "reference", "email")
# The fields joined by a character nobody types, so a match cannot span two fields.
SEPARATOR = "\x1f"
SEARCH_DOCUMENT = " || chr(31) || ".join(SEARCHED_COLUMNS)
MIN_INDEXED_LENGTH = 3
SEARCH_TABLES = ("application_search",)  # FTS5 and its shadow tables (SQLite)
SEARCH_INDEX = "ix_application_search"  # the trigram index (PostgreSQL)


def text_condition(Application, text: str, columns: tuple[str, ...] = SEARCHED_COLUMNS):  # noqa: N803
    """The condition "this row contains `text`" (accents and case folded) for a query
    over the searched model (Application, whose table carries the index and the
    SEARCHED_COLUMNS). Fewer `columns` (what an anonymised reviewer may search) are
    matched without the index, column by column."""
    text = text.strip()
    postgres = db.session.get_bind().dialect.name == "postgresql"
    # The text folded as the index is: by the database's own function on PostgreSQL
    # (unaccent's rules), by the very function the SQLite index was made with.
    folded = (
        sa.func.consult_fold(sa.literal(like_escaped(text)))
        if postgres
        else like_escaped(fold(text))
    )
    if len(text) < MIN_INDEXED_LENGTH or SEPARATOR in text or columns != SEARCHED_COLUMNS:
        folded_columns = (sa.func.consult_fold(getattr(Application, name)) for name in columns)
        return sa.or_(*(_like(column, folded) for column in folded_columns))
    if postgres:
        return _like(sa.func.consult_fold(_document(Application)), folded)
    phrase = '"' + fold(text).replace('"', '""') + '"'
    return Application.id.in_(
        sa.select(sa.literal_column("rowid"))
        .select_from(sa.table("application_search"))
        .where(sa.literal_column("application_search").op("MATCH")(phrase))
    )


def _like(folded_column, folded_text):
    """folded_column LIKE '%' || folded_text || '%' (the escapes of like_escaped)."""
    pattern = sa.literal("%").op("||")(folded_text).op("||")(sa.literal("%"))
    return folded_column.like(pattern, escape="\\")


def _document(table):
    """SEARCH_DOCUMENT as an expression on `table`'s columns (as the index has it)."""
    separator = sa.literal_column("chr(31)")
    document = getattr(table, SEARCHED_COLUMNS[0])
    for name in SEARCHED_COLUMNS[1:]:
        document = document.op("||")(separator).op("||")(getattr(table, name))
    return document


def include_object(object_, name, type_, reflected, compare_to) -> bool:
    """For Alembic's autogenerate: the search index lives in migrations only."""
    if type_ == "table" and any(name.startswith(t) for t in SEARCH_TABLES):
        return False
    return not (type_ == "index" and name == SEARCH_INDEX)


# PostgreSQL's folding: unaccent is not immutable (its dictionary could change), so an
# index cannot use it directly; this wrapper names the dictionary and is declared
# immutable, as unaccent's documentation suggests.
_PG_FOLD = (
    "CREATE OR REPLACE FUNCTION consult_fold(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$"
)


def create_search_index(op, folded: bool = False) -> None:
    """The index (`folded`: over the accent- and case-folded text, since migration
    e7f8a9b0c1d2; the first search migration made it unfolded)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        expression = SEARCH_DOCUMENT
        if folded:
            op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            op.execute(_PG_FOLD)
            expression = f"consult_fold({SEARCH_DOCUMENT})"
        op.execute(
            f"CREATE INDEX {SEARCH_INDEX} ON application USING gin (({expression}) gin_trgm_ops)"
        )
        return
    document = " || char(31) || ".join(f"{{row}}.{c}" for c in SEARCHED_COLUMNS)
    if folded:
        document = f"consult_fold({document})"
    op.execute("CREATE VIRTUAL TABLE application_search USING fts5(document, tokenize='trigram')")
    op.execute(
        "INSERT INTO application_search (rowid, document) "
        f"SELECT id, {document.format(row='application')} FROM application"
    )
    add = (
        "INSERT INTO application_search (rowid, document) "
        f"VALUES (NEW.id, {document.format(row='NEW')});"
    )
    remove = "DELETE FROM application_search WHERE rowid = OLD.id;"
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in SEARCHED_COLUMNS)
    op.execute(
        f"CREATE TRIGGER application_search_insert AFTER INSERT ON application BEGIN {add} END"
    )
    op.execute(
        f"CREATE TRIGGER application_search_delete AFTER DELETE ON application BEGIN {remove} END"
    )
    op.execute(
        "CREATE TRIGGER application_search_update AFTER UPDATE ON application "
        f"WHEN {changed} BEGIN {remove} {add} END"
    )


def drop_search_index(op) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")
        return
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS application_search_{name}")
    op.execute("DROP TABLE IF EXISTS application_search")
