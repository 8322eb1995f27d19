"""The application state machine: the one table of allowed moves, and the rules that
views and templates ask ("can this be withdrawn?") derived from it."""

from __future__ import annotations

import enum
from datetime import datetime

from consult.enums import ApplicationState

S = ApplicationState


class Actor(enum.StrEnum):
    APPLICANT = "applicant"
    ADMIN = "admin"
    SYSTEM = "system"


# (from, to) -> who may make that move. Everything not listed is refused.
TRANSITIONS: dict[tuple[ApplicationState, ApplicationState], frozenset[Actor]] = {
    (S.SUBMITTED, S.UNDER_REVIEW): frozenset({Actor.APPLICANT}),
    (S.SUBMITTED, S.CONFIRMED): frozenset({Actor.APPLICANT}),  # attendee, no review
    (S.SUBMITTED, S.WAITLISTED): frozenset({Actor.APPLICANT}),  # attendee, no review, full
    (S.UNDER_REVIEW, S.ACCEPTED): frozenset({Actor.ADMIN}),
    (S.UNDER_REVIEW, S.REJECTED): frozenset({Actor.ADMIN}),
    (S.UNDER_REVIEW, S.WAITLISTED): frozenset({Actor.ADMIN}),
    (S.WAITLISTED, S.ACCEPTED): frozenset({Actor.ADMIN, Actor.SYSTEM}),  # promotion
    (S.WAITLISTED, S.CONFIRMED): frozenset({Actor.SYSTEM}),  # attendee promotion
    (S.ACCEPTED, S.CONFIRMED): frozenset({Actor.APPLICANT}),
    (S.ACCEPTED, S.DECLINED): frozenset({Actor.APPLICANT}),
    (S.SUBMITTED, S.WITHDRAWN): frozenset({Actor.APPLICANT}),
    (S.UNDER_REVIEW, S.WITHDRAWN): frozenset({Actor.APPLICANT}),
    (S.ACCEPTED, S.WITHDRAWN): frozenset({Actor.APPLICANT}),
    (S.WAITLISTED, S.WITHDRAWN): frozenset({Actor.APPLICANT}),
}
# Erasing a person's data (their request, an admin's action) withdraws a live
# application first, so that its place is freed: the only admin withdrawals.
for _state in (S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED, S.WAITLISTED, S.CONFIRMED):
    TRANSITIONS[(_state, S.WITHDRAWN)] = TRANSITIONS.get((_state, S.WITHDRAWN), frozenset()) | {
        Actor.ADMIN
    }


def can_transition(state: ApplicationState, to: ApplicationState, actor: Actor) -> bool:
    return actor in TRANSITIONS.get((state, to), frozenset())


def can_verify(application) -> bool:
    """Is the address still to be confirmed (the private-link page's button)?"""
    return can_transition(application.state, S.UNDER_REVIEW, Actor.APPLICANT)


def can_withdraw(application) -> bool:
    """May the applicant still withdraw this application?"""
    return can_transition(application.state, S.WITHDRAWN, Actor.APPLICANT)


def can_answer(application) -> bool:
    """Is the applicant asked to confirm or decline (accepted, not yet answered)?"""
    return can_transition(application.state, S.CONFIRMED, Actor.APPLICANT) and can_transition(
        application.state, S.DECLINED, Actor.APPLICANT
    )


def confirmation_open(offer, now: datetime) -> bool:
    """Is the offer's deadline to confirm still ahead (or is there none)?"""
    return offer is None or offer.confirm_by is None or now <= offer.confirm_by
