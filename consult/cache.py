"""What does not change between requests, kept per process and checked against a
version stamp in the database (correct across processes and machines: no timers).

Cached: a public consultation with its offers and categories (by slug), the active
organizations, the content translations of each language, each consultation's own
email texts, and the apply form's blank content. Every request that uses the cache
reads the stamp once (one small query); an entry made under another stamp is loaded
again.

Invalidation is explicit and in the same transaction as the change: any flush that
adds, changes or deletes a row of a cached model (a model marked `@cacheable`) raises the stamp
(`before_flush`, below), and code that writes those tables without the ORM calls
`bump()` itself. Only the role offers' reference counter is written on every
application, with a plain UPDATE that deliberately does not raise it (nothing cached
reads it).

While a session holds an uncommitted raise of the stamp, the cache is bypassed: the
request sees its own changes, and nothing loaded from them is kept before commit.
docs/decisions.md says more.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from consult.extensions import db

T = TypeVar("T")
MAX_ENTRIES = 512  # unbounded keys (slugs) cannot grow the store without limit

_BUMP = sa.text(
    "INSERT INTO cache_stamp (id, version) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET version = cache_stamp.version + 1"
)


_READ = sa.text("SELECT version FROM cache_stamp WHERE id = 1")


class CacheStamp(db.Model):
    """One row: raised whenever cached data changes."""

    __tablename__ = "cache_stamp"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


# The models whose rows something cached is made from: each marks itself @cacheable
# (as append-only models mark themselves), so the cache imports no feature.
_cached_models: tuple[type, ...] = ()


def cacheable(model: type[T]) -> type[T]:
    """Class decorator: a change to a row of this model raises the stamp."""
    global _cached_models
    if model not in _cached_models:
        _cached_models = (*_cached_models, model)
    return model


def bump(session: Session | None = None) -> None:
    """Raise the stamp in the session's transaction: every process reloads after commit."""
    session = session or db.session
    session.execute(_BUMP)
    session.info["cache_bypass"] = True
    if has_app_context():
        g.pop("cache_stamp", None)


@event.listens_for(Session, "before_flush")
def _bump_on_change(session: Session, _context, _instances) -> None:
    models = _cached_models
    for obj in chain(session.new, session.deleted, session.dirty):
        if isinstance(obj, models) and (
            obj not in session.dirty or obj in session.deleted or session.is_modified(obj)
        ):
            bump(session)
            return


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_over(session: Session) -> None:
    session.info.pop("cache_bypass", None)


def stamp() -> int:
    """The stamp, read once per request (and on every use outside requests: the mail
    worker's and the CLI's app contexts live long)."""
    if has_request_context() and "cache_stamp" in g:
        return g.cache_stamp
    with db.session.no_autoflush:  # reading the stamp needs no pending change written
        version = db.session.execute(_READ).scalar() or 0
    if has_request_context():
        g.cache_stamp = version
    return version


def _store() -> dict:
    return current_app.extensions.setdefault("consult_cache", {})


def kept(name: str, key: Any, make: Callable[[], T]) -> T:
    """make()'s value, kept under the current stamp (None is not kept)."""
    if db.session.info.get("cache_bypass"):
        return make()
    version, store = stamp(), _store()
    hit = store.get((name, key))
    if hit is not None and hit[0] == version:
        return hit[1]
    value = make()
    if value is not None:
        if len(store) >= MAX_ENTRIES:
            store.clear()
        store[(name, key)] = (version, value)
    return value


def cached(name: str, key: Any, load: Callable[[Session], T]) -> T:
    """load(session)'s value, kept under the current stamp. `load` must return plain
    values or objects detached from `session` (see `cached_graph` for ORM objects)."""
    if db.session.info.get("cache_bypass"):
        return load(db.session)

    def make():
        with Session(db.engine, expire_on_commit=False) as session:
            value = load(session)
            session.expunge_all()
        return value

    return kept(name, key, make)


def cached_graph(name: str, key: Any, load: Callable[[Session], T | None]) -> T | None:
    """An ORM object (with what `load` eager-loaded) in this request's session without
    a query: a detached copy is kept, and merged into the session without loading."""
    if db.session.info.get("cache_bypass"):
        return load(db.session)
    snapshot = cached(name, key, load)
    if snapshot is None:
        return None
    # Already in this session (perhaps with unflushed changes): that one, untouched.
    existing = db.session.identity_map.get(sa.inspect(snapshot).key)
    return existing if existing is not None else db.session.merge(snapshot, load=False)
