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
from consult.database import fold, transaction
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
    """The reference: a substring test, accents and case folded."""
    needle = fold(text.strip())
    return {
        a.id
        for a in db.session.execute(sa.select(Application)).scalars()
        if any(needle in fold(getattr(a, c)) for c in SEARCHED_COLUMNS)
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
            "ministere",
            "MINISTERE DES",
            "Ministere",
            "é",
            "ère",
        ]
    ),
    st.text(alphabet="abdeilnèé %_\\\"'-.", min_size=1, max_size=6),
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


def test_accents_and_case_are_folded_on_both_sides(ctx):
    consultation = make_consultation()
    li = submit(consultation, Role.PANELIST, organization_name="Ministère des Postes")[0]
    zoe = submit(consultation, Role.PANELIST, full_name="ZOË Ångström")[0]
    for text in ("ministere", "MINISTÈRE", "Ministere des postes", "postes"):
        assert _found(text) == {li.id}, text
    for text in ("zoe", "angstrom", "Zoë Ång", "ström"):
        assert _found(text) == {zoe.id}, text


def test_a_listed_organization_is_found_by_its_name_and_acronym(ctx):
    """Applicants who picked an organization from the list typed no name: the list's
    own names are searched too (UNDP, ITU and the others of the seed)."""
    from consult.consultations.models import Organization

    consultation = make_consultation()
    by_acronym = {o.acronym: o for o in db.session.execute(sa.select(Organization)).scalars()}
    undp = submit(consultation, Role.PANELIST, organization_id=by_acronym["UNDP"].id)[0]
    itu = submit(consultation, Role.PANELIST, organization_id=by_acronym["ITU"].id)[0]
    typed = submit(consultation, Role.PANELIST, organization_name="UNDP country office")[0]
    assert _found("UNDP") == {undp.id, typed.id}
    assert _found("undp") == {undp.id, typed.id}
    assert _found("Development Programme") == {undp.id}
    assert _found("ITU") >= {itu.id}
    assert _found("telecommunication") == {itu.id}
