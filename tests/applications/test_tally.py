"""The kept counts (application_tally) always equal a fresh count of the applications,
whatever sequence of submissions, transitions, edits and erasures made them; and
`consult db recount` rebuilds them and says what was wrong."""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult.applications.models import Application
from consult.applications.privacy import erase_application
from consult.applications.services import move_state
from consult.applications.states import Actor, can_transition
from consult.applications.tally import ApplicationTally, counts_by_role_and_state, differences
from consult.database import transaction
from consult.enums import ApplicationState, Role
from consult.extensions import db
from tests.factories import make_consultation, submit, verify

COUNTRIES = ["SN", "FR", "CN", "BR", "RU", "PS", "XK"]  # five groups, an observer, none
GENDERS = ["", "female", "male", "non_binary"]

submit_op = st.tuples(
    st.just("submit"),
    st.sampled_from(list(Role)),
    st.integers(0, 3),
    st.sampled_from(COUNTRIES),
    st.sampled_from(GENDERS),
)
move_op = st.tuples(st.just("move"), st.integers(0, 50), st.sampled_from(list(ApplicationState)))
verify_op = st.tuples(st.just("verify"), st.integers(0, 50))
edit_op = st.tuples(
    st.just("edit"),
    st.integers(0, 50),
    st.integers(0, 3),
    st.sampled_from(COUNTRIES),
    st.sampled_from(GENDERS),
)
erase_op = st.tuples(st.just("erase"), st.integers(0, 50))
operations = st.lists(
    st.one_of(submit_op, submit_op, move_op, move_op, verify_op, edit_op, erase_op),
    min_size=1,
    max_size=14,
)


def _fresh_by_role_and_state(consultation_id: int) -> dict:
    rows = db.session.execute(
        sa.select(Application.role, Application.state, sa.func.count())
        .where(Application.consultation_id == consultation_id)
        .group_by(Application.role, Application.state)
    )
    return {(role, state): n for role, state, n in rows}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
def test_kept_counts_equal_a_fresh_count_after_any_sequence(ctx, steps):
    consultation = make_consultation(
        capacities={Role.KEYNOTE: 1, Role.PANELIST: 2, Role.ATTENDEE: 2}
    )
    with transaction():  # references are unique across consultations: one prefix each
        consultation.reference_prefix = f"T{consultation.id}"
    categories = [c.id for c in consultation.categories]
    applications: list[tuple[Application, str]] = []
    for step in steps:
        kind = step[0]
        if kind == "submit":
            _, role, category, country, gender = step
            applications.append(
                submit(
                    consultation,
                    role,
                    category_id=categories[category % len(categories)],
                    country=country,
                    gender=gender,
                )
            )
            continue
        if not applications:
            continue
        application, raw = applications[step[1] % len(applications)]
        db.session.refresh(application)
        if kind == "move" and can_transition(application.state, step[2], Actor.ADMIN):
            with transaction():
                move_state(application, step[2], actor=Actor.ADMIN, actor_name="admin")
        elif kind == "verify" and application.erased_at is None:
            verify(raw)
        elif kind == "edit":
            with transaction():
                application.category_id = categories[step[2] % len(categories)]
                application.country = step[3]
                application.gender = step[4]
        elif kind == "erase":
            erase_application(application, by="admin")
    db.session.expire_all()
    assert differences() == {}
    assert counts_by_role_and_state(consultation.id) == {
        key: n for key, n in _fresh_by_role_and_state(consultation.id).items() if n
    }


def test_recount_finds_and_mends_wrong_counts(ctx, app):
    consultation = make_consultation()
    for country in ("SN", "FR", "FR"):
        submit(consultation, Role.ATTENDEE, country=country)
    assert differences() == {}
    with transaction():  # a count gone wrong (a bug, a hand edit of the database)
        db.session.execute(sa.update(ApplicationTally).values(n=ApplicationTally.n + 5))
    assert len(differences()) == 2

    result = app.test_cli_runner().invoke(args=["db", "recount", "--check"])
    assert result.exit_code == 1
    assert "2 kept counts were wrong" in result.output
    assert len(differences()) == 2  # --check changes nothing

    result = app.test_cli_runner().invoke(args=["db", "recount"])
    assert result.exit_code == 0, result.output
    assert "2 kept counts were wrong; rebuilt" in result.output
    db.session.expire_all()
    assert differences() == {}
    assert counts_by_role_and_state(consultation.id) == {
        (Role.ATTENDEE, ApplicationState.SUBMITTED): 3
    }
    result = app.test_cli_runner().invoke(args=["db", "recount"])
    assert "All kept counts were right" in result.output
