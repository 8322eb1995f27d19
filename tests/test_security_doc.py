"""docs/security.md's ASVS summary is the count of its own rows (so the table is edited,
not the numbers), and nothing is "not met" without the issue saying so."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from consult import create_app
from tests.conftest import other_production_secrets

DOC = Path(__file__).resolve().parent.parent / "docs" / "security.md"


def test_the_asvs_summary_counts_the_table():
    text = DOC.read_text()
    statuses = Counter(
        re.findall(r"^\| [\d.x]+ \| [^|]+ \| (met|partly|not met|n/a) \|", text, re.M)
    )
    summary = re.search(
        r"\*\*Applicable: (\d+)\. Met: (\d+)\. Partly: (\d+)\. Not met: (\d+)\.\*\*", text
    )
    applicable, met, partly, not_met = (int(n) for n in summary.groups())
    assert (met, partly, not_met) == (statuses["met"], statuses["partly"], statuses["not met"])
    assert applicable == met + partly + not_met
    assert not_met == 0


@pytest.mark.parametrize("environment", ["production", "development"])
def test_passwords_are_hashed_as_the_document_says(
    monkeypatch, tmp_path, database_uri, environment
):
    # The suite hashes cheaply (config/testing.py); every other environment must keep
    # the cost docs/security.md promises, for passwords and recovery codes alike.
    row = r"\| 2\.4\.1 \|[^|]+\| met \| scrypt, N=(\d+), r=(\d+), p=(\d+)"
    n, r, p = re.search(row, DOC.read_text()).groups()
    assert int(n) >= 2**15
    other_production_secrets(monkeypatch)
    monkeypatch.setenv("CONSULT_SECRET_KEY", "x" * 32)
    monkeypatch.setenv("CONSULT_INSTANCE_PATH", str(tmp_path))
    app = create_app(environment, SQLALCHEMY_DATABASE_URI=database_uri)
    with app.app_context():
        from consult.accounts.services import hash_password, hash_secret

        assert app.config["PASSWORD_HASH_METHOD"] == f"scrypt:{n}:{r}:{p}"
        assert (
            hash_password("a long enough password")
            .partition("$")[2]
            .startswith(f"scrypt:{n}:{r}:{p}$")
        )
        assert hash_secret("12345-67890").startswith(f"scrypt:{n}:{r}:{p}$")
