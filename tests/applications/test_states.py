"""The state machine as the design draws it, written out literally: a wrong entry in
TRANSITIONS or EFFECTS fails here, rather than being mirrored by a test that reads the
table it checks."""

from __future__ import annotations

import pytest

from consult.applications.states import (
    EFFECTS,
    TRANSITIONS,
    Actor,
    can_answer,
    can_verify,
    can_withdraw,
    holds_place,
    listed_publicly,
    reviewable,
)
from consult.enums import ApplicationState as S

A, ADMIN, SYSTEM = Actor.APPLICANT, Actor.ADMIN, Actor.SYSTEM

# docs/design.md "The application's states", move by move: who may make it.
DESIGNED_MOVES = {
    (S.SUBMITTED, S.UNDER_REVIEW): {A},  # the address confirmed
    (S.SUBMITTED, S.CONFIRMED): {A},  # attendee offer without review, places left
    (S.SUBMITTED, S.WAITLISTED): {A},  # attendee offer without review, full
    (S.UNDER_REVIEW, S.ACCEPTED): {ADMIN},
    (S.UNDER_REVIEW, S.REJECTED): {ADMIN},
    (S.UNDER_REVIEW, S.WAITLISTED): {ADMIN},
    (S.WAITLISTED, S.ACCEPTED): {ADMIN, SYSTEM},  # promotion
    (S.WAITLISTED, S.CONFIRMED): {SYSTEM},  # attendee promotion
    (S.ACCEPTED, S.CONFIRMED): {A},
    (S.ACCEPTED, S.DECLINED): {A},
    (S.SUBMITTED, S.WITHDRAWN): {A, ADMIN},  # admins withdraw only to erase
    (S.UNDER_REVIEW, S.WITHDRAWN): {A, ADMIN},
    (S.ACCEPTED, S.WITHDRAWN): {A, ADMIN},
    (S.WAITLISTED, S.WITHDRAWN): {A, ADMIN},
    (S.CONFIRMED, S.WITHDRAWN): {ADMIN},  # erasure of a confirmed person
    (S.CONFIRMED, S.CANCELLED): {A},  # cannot come after all
    (S.ACCEPTED, S.REJECTED): {ADMIN},  # a correction of an announced decision
    (S.REJECTED, S.ACCEPTED): {ADMIN},  # and back
}

# What each move sends and does: (email, calendar, frees a place, leaves the programme,
# tells the admins that a person holding a place left, makes the code for the door).
DESIGNED_EFFECTS = {
    (S.SUBMITTED, S.UNDER_REVIEW): ("application_received", False, False, False, False, False),
    (S.SUBMITTED, S.CONFIRMED): ("participation_confirmed", True, False, False, False, True),
    (S.SUBMITTED, S.WAITLISTED): ("waitlisted", False, False, False, False, False),
    (S.UNDER_REVIEW, S.ACCEPTED): ("accepted", False, False, False, False, False),
    (S.UNDER_REVIEW, S.REJECTED): ("rejected", False, False, False, False, False),
    (S.UNDER_REVIEW, S.WAITLISTED): ("waitlisted", False, False, False, False, False),
    (S.WAITLISTED, S.ACCEPTED): ("promoted", False, False, False, False, False),
    (S.WAITLISTED, S.CONFIRMED): ("promoted", True, False, False, False, True),
    (S.ACCEPTED, S.CONFIRMED): ("participation_confirmed", True, False, False, False, True),
    (S.ACCEPTED, S.DECLINED): ("declined", False, True, True, True, False),
    (S.SUBMITTED, S.WITHDRAWN): ("withdrawal_acknowledged", False, False, False, False, False),
    (S.UNDER_REVIEW, S.WITHDRAWN): ("withdrawal_acknowledged", False, False, False, False, False),
    (S.WAITLISTED, S.WITHDRAWN): ("withdrawal_acknowledged", False, False, False, False, False),
    (S.ACCEPTED, S.WITHDRAWN): ("withdrawal_acknowledged", False, True, True, True, False),
    (S.CONFIRMED, S.WITHDRAWN): ("withdrawal_acknowledged", False, True, True, False, False),
    (S.CONFIRMED, S.CANCELLED): ("cancellation_acknowledged", False, True, True, True, False),
    (S.ACCEPTED, S.REJECTED): ("decision_corrected", False, True, True, False, False),
    (S.REJECTED, S.ACCEPTED): ("decision_corrected", False, False, False, False, False),
}


def test_the_moves_are_the_designed_ones_with_the_designed_actors():
    assert {move: set(actors) for move, actors in TRANSITIONS.items()} == DESIGNED_MOVES


def test_every_move_has_the_designed_effects():
    assert set(EFFECTS) == set(DESIGNED_MOVES)
    actual = {
        move: (
            e.email,
            e.calendar,
            e.frees_place,
            e.leaves_programme,
            e.tells_admins,
            e.admits,
        )
        for move, e in EFFECTS.items()
    }
    assert actual == DESIGNED_EFFECTS
    # move_state gives a place to the waiting list on `frees_place` alone: it must be
    # declared exactly for the moves out of a held place.
    for (before, after), effects in EFFECTS.items():
        assert effects.frees_place == (holds_place(before) and not holds_place(after))
        # Everyone who comes in has a code for the door, made by the move itself.
        assert effects.admits == (after is S.CONFIRMED)


class _Application:
    def __init__(self, state, list_publicly=False):
        self.state, self.list_publicly = state, list_publicly


@pytest.mark.parametrize("state", list(S))
def test_the_rules_templates_ask(state):
    application = _Application(state)
    assert can_verify(application) is (state is S.SUBMITTED)
    assert can_answer(application) is (state is S.ACCEPTED)
    assert can_withdraw(application) is (
        state in (S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED, S.WAITLISTED, S.CONFIRMED)
    )
    assert holds_place(state) is (state in (S.ACCEPTED, S.CONFIRMED))
    assert reviewable(application) is (state not in (S.SUBMITTED, S.WITHDRAWN))
    assert listed_publicly(application) is False
    assert listed_publicly(_Application(state, list_publicly=True)) is (state is S.CONFIRMED)
