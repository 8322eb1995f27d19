"""Places: how many an offer has taken, who waits for one, and what is left.

Pure queries over applications and offers, shared by the transitions
(consult/applications/services.py), the settings (settings.py) and the pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from consult.applications.models import Application, applications_where
from consult.applications.states import holds_place
from consult.applications.tally import counts_by_role_and_state
from consult.consultations.models import Consultation, RoleOffer
from consult.enums import ApplicationState, Role
from consult.extensions import db


def lock_offer(application: Application) -> RoleOffer:
    """The application's role offer, locked until commit (PostgreSQL): decisions that
    count places for the same offer run one after the other."""
    return db.session.execute(
        select(RoleOffer)
        .where(
            RoleOffer.consultation_id == application.consultation_id,
            RoleOffer.role == application.role,
        )
        .with_for_update()
    ).scalar_one()


def places_taken(offer: RoleOffer) -> int:
    return places_taken_by_role(offer.consultation_id, role=offer.role).get(offer.role, 0)


def lock_offers(consultation: Consultation) -> list[RoleOffer]:
    """Every offer of the consultation, locked until commit (PostgreSQL), in one order,
    so a capacity change and the transitions that count places run one after another."""
    return list(
        db.session.execute(
            select(RoleOffer)
            .where(RoleOffer.consultation_id == consultation.id)
            .order_by(RoleOffer.id)
            .with_for_update()
        ).scalars()
    )


def waiting_list(offer: RoleOffer, limit: int) -> list[Application]:
    """The first `limit` people waiting for a place in an offer, first come first."""
    return applications_where(
        Application.consultation_id == offer.consultation_id,
        Application.role == offer.role,
        Application.state == ApplicationState.WAITLISTED,
        order_by=(Application.created_at, Application.id),
        limit=limit,
    )


def places_taken_by_role(
    consultation: Consultation | int, *, role: Role | None = None
) -> dict[Role, int]:
    """Places held (accepted or confirmed) per role: one query over the kept counts."""
    consultation_id = getattr(consultation, "id", consultation)
    taken: dict[Role, int] = {}
    for (held_role, state), n in counts_by_role_and_state(consultation_id, role=role).items():
        if holds_place(state):
            taken[held_role] = taken.get(held_role, 0) + n
    return taken


@dataclass(frozen=True)
class OfferAvailability:
    offer: RoleOffer
    taken: int

    @property
    def places_left(self) -> int:
        return max(self.offer.capacity - self.taken, 0)


def offer_availability(consultation: Consultation) -> list[OfferAvailability]:
    taken = places_taken_by_role(consultation)
    return [OfferAvailability(offer, taken.get(offer.role, 0)) for offer in consultation.offers]
