"""Kept counts of applications: how many per consultation, role, state, stakeholder
category, UN regional group and gender.

Database triggers (migration `application_tally`) change `application_tally` in the same
statement, hence the same transaction, as every INSERT, DELETE or change of one of those
columns in `application`, whatever code made it. The queue's counts per state, the
places taken per role and the Balance page read these few rows instead of counting
100,000 applications. `consult db recount` rebuilds them from the applications and says
whether they were right.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Mapped, mapped_column

from consult.applications.models import Application
from consult.enums import ApplicationState, Role
from consult.extensions import db
from consult.regions import OTHER, REGION_OF_COUNTRY

TallyKey = tuple[
    int, str, str, int, str, str
]  # consultation, role, state, category, region, gender


class CountryRegion(db.Model):
    """The UN regional group of each member state, for the triggers (regions.py is the
    source; a migration writes it again when that list changes). Absent: "other"."""

    __tablename__ = "country_region"

    country: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32))


class ApplicationTally(db.Model):
    __tablename__ = "application_tally"

    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    state: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    category_id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    gender: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


def counts_by_role_and_state(
    consultation_id: int, *, role: Role | None = None, category_id: int | None = None
) -> dict[tuple[Role, ApplicationState], int]:
    """Applications per (role, state), optionally of one role or category: one query
    over the kept counts."""
    t = ApplicationTally
    query = (
        select(t.role, t.state, func.sum(t.n))
        .where(t.consultation_id == consultation_id)
        .group_by(t.role, t.state)
    )
    if role is not None:
        query = query.where(t.role == role.value)
    if category_id is not None:
        query = query.where(t.category_id == category_id)
    return {(Role(r), ApplicationState(s)): int(n) for r, s, n in db.session.execute(query) if n}


def tally_by(
    consultation_id: int, dimension: str, states: Iterable[ApplicationState]
) -> list[tuple[str | int, Role, ApplicationState, int]]:
    """(value of `dimension`, role, state, count) for the given states, where dimension
    is "category_id", "region" or "gender": one grouped query over the kept counts."""
    t = ApplicationTally
    column = getattr(t, dimension)
    rows = db.session.execute(
        select(column, t.role, t.state, func.sum(t.n))
        .where(
            t.consultation_id == consultation_id,
            t.state.in_([state.value for state in states]),
        )
        .group_by(column, t.role, t.state)
    )
    return [(value, Role(r), ApplicationState(s), int(n)) for value, r, s, n in rows if n]


# --- rebuilding and checking -----------------------------------------------------------


def _fresh_counts() -> Counter:
    a = Application
    region = func.coalesce(CountryRegion.region, OTHER)
    query = (
        select(a.consultation_id, a.role, a.state, a.category_id, region, a.gender, func.count())
        .outerjoin(CountryRegion, CountryRegion.country == a.country)
        .group_by(a.consultation_id, a.role, a.state, a.category_id, region, a.gender)
    )
    counts: Counter = Counter()
    for consultation_id, role, state, category_id, reg, gender, n in db.session.execute(query):
        counts[(consultation_id, _value(role), _value(state), category_id, reg, gender)] = n
    return counts


def _value(member) -> str:
    return getattr(member, "value", member)


def _kept_counts() -> Counter:
    t = ApplicationTally
    counts: Counter = Counter()
    for *key, n in db.session.execute(
        select(t.consultation_id, t.role, t.state, t.category_id, t.region, t.gender, t.n)
    ):
        if n:
            counts[tuple(key)] = n
    return counts


def differences(fresh: Counter | None = None) -> dict[TallyKey, tuple[int, int]]:
    """Keys whose kept count differs from a fresh count: key -> (kept, fresh)."""
    fresh = _fresh_counts() if fresh is None else fresh
    kept = _kept_counts()
    return {
        key: (kept.get(key, 0), fresh.get(key, 0))
        for key in set(fresh) | set(kept)
        if kept.get(key, 0) != fresh.get(key, 0)
    }


def sync_country_regions() -> None:
    """Write regions.py's country list into `country_region` (no commit)."""
    db.session.execute(sa.delete(CountryRegion))
    db.session.execute(
        sa.insert(CountryRegion),
        [{"country": c, "region": r} for c, r in sorted(REGION_OF_COUNTRY.items())],
    )


def recount() -> dict[TallyKey, tuple[int, int]]:
    """Rebuild the kept counts from the applications (one transaction, applications
    locked against changes on PostgreSQL meanwhile). Returns what was wrong."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("LOCK TABLE application IN SHARE MODE"))
    sync_country_regions()
    fresh = _fresh_counts()
    wrong = differences(fresh)
    db.session.execute(sa.delete(ApplicationTally))
    if fresh:
        db.session.execute(
            sa.insert(ApplicationTally),
            [
                dict(
                    zip(
                        ("consultation_id", "role", "state", "category_id", "region", "gender"),
                        key,
                        strict=True,
                    ),
                    n=n,
                )
                for key, n in fresh.items()
            ],
        )
    db.session.commit()
    return wrong
