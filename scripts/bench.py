"""Speed of the secretariat's list pages at scale (`make bench`).

Builds a consultation with N applications (default 100,000) in a scratch database,
then times the review queue (first page, deep keyset pages, each filter and sort),
the per-state counts, the balance query and the CSV export, and prints a table.

    make bench                                   # SQLite in a temporary file
    make bench BENCH_ARGS="--url postgresql+psycopg://postgres@127.0.0.1:5432/bench"
    make bench BENCH_ARGS="--rows 20000"

The PostgreSQL database named in --url is emptied and refilled.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--url", default="", help="database URL (default: SQLite temp file)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--only", choices=["lists", "side-by-side"], default=None, help="one part only"
    )
    args = parser.parse_args()
    if args.only != "lists":
        import bench_sxs

        bench_sxs.run(args.url)
        if args.only == "side-by-side":
            return

    from consult import create_app
    from consult.database.migrate import upgrade
    from consult.extensions import db

    tmp = tempfile.TemporaryDirectory()
    url = args.url or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.test_request_context():
        upgrade()
        consultation = _fill(args.rows)
        db.session.commit()
        if url.startswith("postgresql"):
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                    sa.text("VACUUM ANALYZE")
                )
        else:
            db.session.execute(sa.text("ANALYZE"))
        _measure(consultation, args.repeat, url)
    tmp.cleanup()


def _fill(rows: int):
    from consult.applications.models import Application
    from consult.consultations.seed import seed_demo
    from consult.database import utcnow
    from consult.enums import ApplicationState, Role
    from consult.extensions import db
    from consult.review.regions import REGION_OF_COUNTRY

    consultation, _ = seed_demo()
    categories = [c.id for c in consultation.categories]
    countries = sorted(REGION_OF_COUNTRY)
    states = [s for s in ApplicationState]
    weights = [5, 50, 8, 10, 15, 2, 8, 2]
    rng = random.Random(42)
    now = utcnow()
    started = time.perf_counter()
    batch = []
    for i in range(1, rows + 1):
        role = rng.choices(list(Role), weights=[1, 4, 15])[0]
        reviews = rng.choice([0, 0, 1, 2, 3])
        batch.append(
            {
                "reference": f"FM-{role.letter}-{i:06d}",
                "consultation_id": consultation.id,
                "role": role.value,
                "state": rng.choices(states, weights=weights)[0].value,
                "version": 1,
                "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                "email": f"person{i}@example.org",
                "organization_name": f"{rng.choice(LAST)} {rng.choice(ORG)}",
                "job_title": "",
                "country": rng.choice(countries),
                "category_id": rng.choice(categories),
                "gender": rng.choice(["", "female", "male", "non_binary"]),
                "topic": f"{rng.choice(TOPICS)} ({i})" if role.is_speaker else "",
                "abstract": "",
                "bio": "",
                "accessibility_needs": "",
                "list_publicly": False,
                "language": "en",
                "created_at": now - timedelta(minutes=rows - i),
                "updated_at": now,
                "review_count": reviews,
                "average_score": round(rng.uniform(1, 5), 2) if reviews else 0.0,
            }
        )
        if len(batch) == 5000:
            db.session.execute(sa.insert(Application), batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(Application), batch)
    print(f"Inserted {rows:,} applications in {time.perf_counter() - started:.1f} s")
    return consultation


def _timed(repeat: int, fn) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def _measure(consultation, repeat: int, url: str) -> None:
    from consult.enums import ApplicationState, Role
    from consult.extensions import db
    from consult.review.regions import region_labels
    from consult.review.services import (
        ReviewQueueFilter,
        balance,
        queue_page,
        state_counts,
    )

    base = ReviewQueueFilter(consultation_id=consultation.id)
    category = consultation.categories[1].id

    def deep(queue_filter, pages=20):
        cursor = None
        for _ in range(pages):
            page = queue_page(queue_filter, cursor=cursor)
            cursor = page.next_cursor

    cases = [
        ("queue: first page, newest", lambda: queue_page(base)),
        (
            "queue: first page, by score",
            lambda: queue_page(ReviewQueueFilter(consultation.id, sort="score")),
        ),
        (
            "queue: first page, by name",
            lambda: queue_page(ReviewQueueFilter(consultation.id, sort="name")),
        ),
        ("queue: 20 pages deep (keyset)", lambda: deep(base)),
        (
            "queue: role + state filter",
            lambda: queue_page(
                ReviewQueueFilter(
                    consultation.id, role=Role.KEYNOTE, state=ApplicationState.UNDER_REVIEW
                )
            ),
        ),
        (
            "queue: category + country",
            lambda: queue_page(
                ReviewQueueFilter(consultation.id, category_id=category, country="FR")
            ),
        ),
        (
            "queue: not reviewed by me",
            lambda: queue_page(ReviewQueueFilter(consultation.id, unreviewed_by=1)),
        ),
        (
            "queue: text search",
            lambda: queue_page(ReviewQueueFilter(consultation.id, text="broadband")),
        ),
        ("counts per state", lambda: state_counts(base)),
        ("balance (one grouped query)", lambda: balance(consultation, region_labels())),
    ]
    dialect = url.split(":")[0]
    print(f"\n{'case':<34} {'median ms':>10} {'max ms':>10}   ({dialect}, {repeat} runs)")
    for name, fn in cases:
        median, worst = _timed(repeat, fn)
        db.session.rollback()
        print(f"{name:<34} {median:>10.1f} {worst:>10.1f}")
    from consult.review.export import csv_chunks

    start = time.perf_counter()
    count = sum(chunk.count("\n") for chunk in csv_chunks(base)) - 1
    print(
        f"{'CSV rows streamed (' + format(count, ',') + ')':<34} "
        f"{(time.perf_counter() - start) * 1000:>10.1f}"
    )


FIRST = ["Amina", "Jean", "Li", "Maria", "Kofi", "Olga", "Ahmed", "Sofia", "Ravi", "Ana"]
LAST = ["Diallo", "Dupont", "Wei", "Silva", "Mensah", "Ivanova", "Hassan", "Rossi", "Patel"]
ORG = ["Foundation", "Ministry", "Institute", "Network", "Bank", "University", "Council"]
TOPICS = [
    "Blended finance for rural broadband",
    "Universal service funds",
    "Digital public goods",
    "Spectrum pricing",
    "Community networks",
    "Mobile money and inclusion",
    "Infrastructure sharing",
]


if __name__ == "__main__":
    main()
