"""Database plumbing shared by every feature: time, transactions, engine set-up."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import event, or_, update
from sqlalchemy.engine import Engine

from consult.extensions import db


def utcnow() -> datetime:
    """Now, as the naive UTC datetime every timestamp column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_to_utc(local: datetime, tz: str) -> datetime:
    """A wall-clock time in `tz` (as typed in a form) as naive UTC."""
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC).replace(tzinfo=None)


def utc_to_local(value: datetime, tz: str) -> datetime:
    """Naive UTC as an aware datetime in `tz`."""
    return value.replace(tzinfo=UTC).astimezone(ZoneInfo(tz))


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (the last day of a shorter month)."""
    import calendar

    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


class NestedTransaction(RuntimeError):
    """transaction() inside another: the inner block would commit the outer's work
    half done. Call the inner service's parts (or flush) within the outer block."""


@contextmanager
def transaction() -> Iterator[None]:
    """One unit of work: commit on success, roll back on any exception. Not nested:
    a second `transaction()` inside one is refused (NestedTransaction), since its
    commit would end the outer unit of work half way."""
    info = db.session.info
    if info.get("in_transaction"):
        raise NestedTransaction("transaction() inside another transaction()")
    info["in_transaction"] = True
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        info.pop("in_transaction", None)


def fold(text: str | None) -> str | None:
    """`text` as search compares it: accents and case folded ("Ministère" -> "ministere").
    On SQLite the database calls it as consult_fold() (registered on every connection),
    so the search index and the query fold alike; PostgreSQL has its own consult_fold()
    (unaccent, lower), made by the search migration."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.create_function("consult_fold", 1, fold, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # Write-ahead log: readers never wait for a writer, and a commit appends to one file
    # (one sync) instead of writing a rollback journal and the database. Still
    # synchronous=FULL: a committed application survives a power cut.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def configure_engines(app: Flask) -> None:
    """SQLite enforces foreign keys only when asked, per connection."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine: Engine = db.engine
        if not event.contains(engine, "connect", _sqlite_pragmas):
            event.listen(engine, "connect", _sqlite_pragmas)


def contains(text: str, *columns):
    """Case-insensitive "any of `columns` contains `text`", the text's %, _ and \\ taken
    literally (escaped for LIKE)."""
    pattern = "%" + like_escaped(text) + "%"
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


def like_escaped(text: str) -> str:
    """`text` with LIKE's own characters (\\, %, _) taken literally (escape "\\")."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def spend_once(model, row_id: int) -> bool:
    """Mark a single-use row used (`used_at`), once: of two requests spending it at the
    same moment, exactly one gets True (the UPDATE's condition decides). No commit."""
    return (
        db.session.execute(
            update(model)
            .where(model.id == row_id, model.used_at.is_(None))
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
