"""The application state machine: the one table of allowed moves (TRANSITIONS), what
each move does besides changing the state (EFFECTS), and the rules that services, views
and templates ask ("can this be withdrawn?", "does it hold a place?") derived from them.

`consult.applications.services.move_state` is the one function that applies a move and
its effects; the features above react through the hooks declared here (the programme
takes a speaker out of their session on `leaving_selection`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from consult.enums import PLACE_HOLDING_STATES, ApplicationState
from consult.hooks import Hook

if TYPE_CHECKING:
    from consult.applications.models import Application

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
    # A confirmed person who cannot come after all cancels: the place goes back.
    (S.CONFIRMED, S.CANCELLED): frozenset({Actor.APPLICANT}),
    # An announced decision that was wrong, corrected (before the person confirmed).
    (S.ACCEPTED, S.REJECTED): frozenset({Actor.ADMIN}),
    (S.REJECTED, S.ACCEPTED): frozenset({Actor.ADMIN}),
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
    """May the applicant still withdraw this application, or cancel their confirmed
    place (the same way out on their page)?"""
    return can_transition(application.state, S.WITHDRAWN, Actor.APPLICANT) or can_transition(
        application.state, S.CANCELLED, Actor.APPLICANT
    )


def can_answer(application) -> bool:
    """Is the applicant asked to confirm or decline (accepted, not yet answered)?"""
    return can_transition(application.state, S.CONFIRMED, Actor.APPLICANT) and can_transition(
        application.state, S.DECLINED, Actor.APPLICANT
    )


def confirmation_open(offer, now: datetime) -> bool:
    """Is the offer's deadline to confirm still ahead (or is there none)?"""
    return offer is None or offer.confirm_by is None or now <= offer.confirm_by


@dataclass(frozen=True)
class Effects:
    """What a move does besides changing the state, applied by `move_state` in the
    move's transaction."""

    email: str | None = None  # the applicant's email (emails/<name>.*), None: none
    calendar: bool = False  # the email carries the meeting's calendar entry (.ics)
    frees_place: bool = False  # a held place goes back; the waiting list moves up
    leaves_programme: bool = False  # a placed speaker leaves their session
    # The applicant left a place they held: the secretariat's admins are emailed
    # ("participant_left"), so that nobody learns of it only on the day.
    tells_admins: bool = False
    # The person is in: their code for the door is made now, in the move's transaction
    # (the `admitted` hook), so the email that confirms it can show it and a page that
    # shows it later only reads it.
    admits: bool = False


_WITHDRAWN = Effects(email="withdrawal_acknowledged")
_LEAVES = {"frees_place": True, "leaves_programme": True}
_LEFT = {**_LEAVES, "tells_admins": True}  # (the applicant's own move out of a place)

# (from, to) -> effects; one entry per move in TRANSITIONS (a test keeps them equal).
EFFECTS: dict[tuple[ApplicationState, ApplicationState], Effects] = {
    (S.SUBMITTED, S.UNDER_REVIEW): Effects(email="application_received"),
    (S.SUBMITTED, S.CONFIRMED): Effects(
        email="participation_confirmed", calendar=True, admits=True
    ),
    (S.SUBMITTED, S.WAITLISTED): Effects(email="waitlisted"),
    (S.UNDER_REVIEW, S.ACCEPTED): Effects(email="accepted"),
    (S.UNDER_REVIEW, S.REJECTED): Effects(email="rejected"),
    (S.UNDER_REVIEW, S.WAITLISTED): Effects(email="waitlisted"),
    (S.WAITLISTED, S.ACCEPTED): Effects(email="promoted"),
    (S.WAITLISTED, S.CONFIRMED): Effects(email="promoted", calendar=True, admits=True),
    (S.ACCEPTED, S.CONFIRMED): Effects(email="participation_confirmed", calendar=True, admits=True),
    (S.ACCEPTED, S.DECLINED): Effects(email="declined", **_LEFT),
    (S.SUBMITTED, S.WITHDRAWN): _WITHDRAWN,
    (S.UNDER_REVIEW, S.WITHDRAWN): _WITHDRAWN,
    (S.WAITLISTED, S.WITHDRAWN): _WITHDRAWN,
    (S.ACCEPTED, S.WITHDRAWN): Effects(email="withdrawal_acknowledged", **_LEFT),
    # Only erasure withdraws a confirmed application (and sends nothing: see privacy.py).
    (S.CONFIRMED, S.WITHDRAWN): Effects(email="withdrawal_acknowledged", **_LEAVES),
    (S.CONFIRMED, S.CANCELLED): Effects(email="cancellation_acknowledged", **_LEFT),
    # A correction says so: "our earlier email was wrong".
    (S.ACCEPTED, S.REJECTED): Effects(email="decision_corrected", **_LEAVES),
    (S.REJECTED, S.ACCEPTED): Effects(email="decision_corrected"),
}

# Fired by move_state when a move's effects say the speaker leaves the programme, before
# the state changes; each handler returns a note for the move's audit event ("" if
# nothing happened). The programme registers for it.
leaving_selection: Hook[[Application], str] = Hook("leaving_selection")

# Fired by move_state for a move whose effects say it *admits* the person, after the
# state changed and before the email is queued: the attendance feature makes the code
# for the door.
admitted: Hook[[Application], None] = Hook("admitted")

# What a confirmed participant brings to the door -- their check-in code and its QR
# code ({"code": ..., "shown": ..., "qr": ...}), from the attendance feature above --
# for the confirmation page and the emails that confirm participation. Only reads: the
# code was made by the move (`admitted`).
admission: Hook[[Application], dict] = Hook("admission")


def admission_of(application: Application) -> dict:
    found: dict = {}
    if application.state == S.CONFIRMED:
        for part in admission(application):
            found.update(part)
    return found


# Not (or no longer) an applicant to review or count: the address is unconfirmed, or the
# applicant withdrew.
NOT_REVIEWABLE_STATES = (S.SUBMITTED, S.WITHDRAWN)


def holds_place(state: ApplicationState) -> bool:
    """Does an application in `state` take one of its offer's places?"""
    return state in PLACE_HOLDING_STATES


def reviewable(application: Application) -> bool:
    """Can reviewers score it? Only once the address is confirmed, and not after the
    applicant withdrew."""
    return application.state not in NOT_REVIEWABLE_STATES


def listed_publicly(application: Application) -> bool:
    """Is the person named in public (participant list, programme)? Only when confirmed
    and they agreed to be listed."""
    return application.state is S.CONFIRMED and bool(application.list_publicly)
