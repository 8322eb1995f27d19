"""What does not change between requests, kept per process and checked against a
version stamp in the database (correct across processes and machines: no timers).

Cached: a public consultation with its offers and categories (by slug), the active
organizations, the content translations of each language, each consultation's own
email texts, the apply form's blank content, and whole anonymous public pages
(consult/pages.py). Every request that uses the cache reads the stamps once (one small
query); an entry made under another stamp is loaded again.

Invalidation is explicit and in the same transaction as the change: any flush that
adds, changes or deletes a row of a cached model (a model marked `@cacheable`) raises the stamp
(`before_flush`, below), and code that writes those tables without the ORM calls
`bump()` itself. Only the role offers' reference counter is written on every
application, with a plain UPDATE that deliberately does not raise it (nothing cached
reads it).

Besides the DATA stamp that every @cacheable change raises, a feature may `watch` the
rows of a model for a stamp of its own (LISTINGS: who is shown publicly).

While a session holds an uncommitted raise of a stamp, the cache is bypassed: the
request sees its own changes, and nothing loaded from them is kept before commit.
docs/decisions.md says more.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from consult.extensions import db

T = TypeVar("T")
MAX_ENTRIES = 512  # unbounded keys (slugs) cannot grow the store without limit

# The stamps, one row each. DATA: everything the @cacheable models hold. LISTINGS: what
# the public lists of people are made from (the programme's speakers, the participants),
# raised by the changes a feature declares with `watch` -- not by every application, so
# the day a call opens does not empty the public pages' cache with each new one.
DATA = 1
LISTINGS = 2

_BUMP = sa.text(
    "INSERT INTO cache_stamp (id, version) VALUES (:id, 1) "
    "ON CONFLICT (id) DO UPDATE SET version = cache_stamp.version + 1"
)


_READ = sa.text("SELECT id, version FROM cache_stamp")


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


# Rows that some stamp other than DATA is made from: (model, stamp, whether a given
# change of a row matters), registered by the feature that shows them (`watch`).
WATCHED = "consult.cache.watched"


def watch(
    app: Flask, model: type, which: int, matters: Callable[[Any], bool] = lambda _row: True
) -> None:
    """For `app`: a flush that adds, changes or deletes a row of `model` for which
    `matters(row)` raises stamp `which` (`previous` tells what a changed column held
    before). Kept in the app's extensions: another app in the process watches its own."""
    watched = app.extensions.setdefault(WATCHED, [])
    if not any(m is model and w == which for m, w, _ in watched):
        watched.append((model, which, matters))


def _watched() -> list[tuple[type, int, Callable[[Any], bool]]]:
    return current_app.extensions.get(WATCHED, []) if has_app_context() else []


def previous(row: Any, column: str) -> Any:
    """What `column` of `row` held before this flush's change (its value if unchanged)."""
    history = sa.inspect(row).attrs[column].history
    return history.deleted[0] if history.deleted else getattr(row, column)


def bump(session: Session | None = None, which: int = DATA) -> None:
    """Raise a stamp in the session's transaction: every process reloads after commit."""
    session = session or db.session
    session.execute(_BUMP, {"id": which})
    session.info["cache_bypass"] = True
    if has_app_context():
        g.pop("cache_stamps", None)


@event.listens_for(Session, "before_flush")
def _bump_on_change(session: Session, _context, _instances) -> None:
    raised: set[int] = set()
    watched = _watched()
    for obj in chain(session.new, session.deleted, session.dirty):
        if obj in session.dirty and obj not in session.deleted and not session.is_modified(obj):
            continue
        if DATA not in raised and isinstance(obj, _cached_models):
            bump(session)
            raised.add(DATA)
        for model, which, matters in watched:
            if which not in raised and isinstance(obj, model) and matters(obj):
                bump(session, which)
                raised.add(which)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_over(session: Session) -> None:
    session.info.pop("cache_bypass", None)


def stamp(which: int = DATA) -> int:
    """A stamp; all are read in one query once per request (and on every use outside
    requests: the mail worker's and the CLI's app contexts live long)."""
    if has_request_context() and "cache_stamps" in g:
        return g.cache_stamps.get(which, 0)
    with db.session.no_autoflush:  # reading the stamps needs no pending change written
        versions = {row.id: row.version for row in db.session.execute(_READ)}
    if has_request_context():
        g.cache_stamps = versions
    return versions.get(which, 0)


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
    return None if snapshot is None else _into_session(snapshot)


def cached_graphs(name: str, key: Any, load: Callable[[Session], list[T]]) -> list[T]:
    """`cached_graph` for a list of ORM objects (one query to make, none to use)."""
    if db.session.info.get("cache_bypass"):
        return load(db.session)
    return [_into_session(snapshot) for snapshot in cached(name, key, load)]


def _into_session(snapshot: T) -> T:
    # Already in this session (perhaps with unflushed changes): that one, untouched.
    existing = db.session.identity_map.get(sa.inspect(snapshot).key)
    merged = existing if existing is not None else db.session.merge(snapshot, load=False)
    if has_request_context():
        # Held for the request: the identity map holds objects weakly, and a caller that
        # merges a graph only so that relationships find it (consultation_by_id) keeps
        # no reference of its own.
        g.setdefault("cached_graphs", []).append(merged)
    return merged
