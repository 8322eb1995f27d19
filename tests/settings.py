"""Which database the suite runs on."""

import os

TEST_DATABASE_URL = os.environ.get("CONSULT_TEST_DATABASE_URL", "")


def is_postgres() -> bool:
    return TEST_DATABASE_URL.startswith("postgresql")
