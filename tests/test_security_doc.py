"""docs/security.md's ASVS summary is the count of its own rows (so the table is edited,
not the numbers), and nothing is "not met" without the issue saying so."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

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
