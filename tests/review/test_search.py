"""Free-text search (consult/database/search.py) finds exactly the applications whose
name, organization, topic, reference or email contain the text, on the text index of
each database, and the index follows every change."""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult.applications.models import Application
from consult.applications.privacy import erase_application
from consult.applications.search import SEARCHED_COLUMNS, matching_applications
from consult.database import transaction
from consult.enums import Role
from consult.extensions import db
from tests.factories import make_consultation, submit

PEOPLE = [
    ("Amina Diallo", "Digital Futures Network", "Blended finance for rural broadband"),
    ("Jean Dupont", "100% Connect_ed", 'Universal "service" funds'),
    ("Li Wei", "Ministère des Postes", "Spectrum pricing"),
    ("Maria Silva", "Back\\slash Institute", ""),
]


def _found(text: str) -> set[int]:
    return set(
        db.session.execute(sa.select(Application.id).where(matching_applications(text))).scalars()
    )


def _expected(text: str) -> set[int]:
    needle = text.strip().lower()
    return {
        a.id
        for a in db.session.execute(sa.select(Application)).scalars()
        if any(needle in getattr(a, c).lower() for c in SEARCHED_COLUMNS)
    }


def _people(consultation) -> list[Application]:
    return [
        submit(consultation, Role.PANELIST, full_name=n, organization_name=o, topic=t)[0]
        for n, o, t in PEOPLE
    ]


texts = st.one_of(
    st.sampled_from(
        [
            "broadband",
            "BROADBAND",
            "dupont",
            "Jean Dupont",
            "100%",
            "100",
            "%",
            "_",
            "t_e",
            '"service"',
            '"',
            "\\",
            "Back\\s",
            "FM-P-0002",
            "example.org",
            "di",
            "a",
            " wei ",
            "network blended",
            "Diallo\x1fDigital",
            "ère des",
            "ministère",
        ]
    ),
    st.text(alphabet="abdeiln %_\\\"'-.", min_size=1, max_size=6),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=texts)
def test_search_finds_exactly_the_applications_containing_the_text(ctx, text):
    if db.session.execute(sa.select(sa.func.count(Application.id))).scalar_one() == 0:
        _people(make_consultation())
    assert _found(text) == _expected(text)


def test_the_index_follows_changes_and_erasure(ctx):
    amina, jean, *_ = _people(make_consultation())
    assert _found("broadband") == {amina.id}
    with transaction():
        amina.topic = "Spectrum auctions"
        jean.full_name = "Jeanne Broadbandova"
    assert _found("broadband") == {jean.id}
    assert _found("auctions") == {amina.id}
    erase_application(jean, by="admin")
    assert _found("broadband") == set()
    assert _found("Jeanne") == set()
