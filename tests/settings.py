"""Which database and Redis the suite runs on, and what each parallel worker gets.

`make test` runs the suite in parallel (pytest-xdist): every worker is a process of
its own with its own SQLite template copy or PostgreSQL database, its own Redis
database number, and its own ports (the SMTP sink and the live server take a free
port each). PYTEST_XDIST_WORKER names the worker ("gw0", "gw1", ...); a run without
xdist is the worker "main".
"""

from __future__ import annotations

import os

from sqlalchemy.engine import make_url

TEST_DATABASE_URL = os.environ.get("CONSULT_TEST_DATABASE_URL", "")
# Redis for the tests that share a count between two apps; each worker takes the
# database number after the one named here (…/8 → gw0 on 8, gw1 on 9).
TEST_REDIS_URL = os.environ.get("CONSULT_TEST_REDIS_URL", "")

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def worker_number() -> int:
    return int(WORKER.removeprefix("gw")) if WORKER.startswith("gw") else 0


def is_postgres() -> bool:
    return TEST_DATABASE_URL.startswith("postgresql")


def worker_database_url(purpose: str = "") -> str:
    """A PostgreSQL database of this worker's own, beside the one that
    CONSULT_TEST_DATABASE_URL names (which the suite only connects to, to create and
    drop its own): test_gw0, test_gw0_shared, ..."""
    url = make_url(TEST_DATABASE_URL)
    name = "_".join(filter(None, (url.database, WORKER, purpose)))
    return url.set(database=name).render_as_string(hide_password=False)


def worker_redis_url() -> str:
    """This worker's own Redis database ('' without CONSULT_TEST_REDIS_URL)."""
    if not TEST_REDIS_URL:
        return ""
    base, _, number = TEST_REDIS_URL.rstrip("/").rpartition("/")
    if not number.isdigit():
        base, number = TEST_REDIS_URL.rstrip("/"), "0"
    return f"{base}/{int(number) + worker_number()}"
