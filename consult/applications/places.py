"""Places: how many an offer has taken, who waits for one, and what is left.

Pure queries over applications and offers, shared by the transitions
(consult/applications/services.py), the settings (settings.py) and the pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from consult.applications.models import Application
from consult.consultations.models import Consultation, RoleOffer
from consult.enums import PLACE_HOLDING_STATES, ApplicationState, Role
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
    return db.session.execute(
        select(func.count(Application.id)).where(
            Application.consultation_id == offer.consultation_id,
            Application.role == offer.role,
            Application.state.in_(PLACE_HOLDING_STATES),
        )
    ).scalar_one()


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
    return list(
        db.session.execute(
            select(Application)
            .where(
                Application.consultation_id == offer.consultation_id,
                Application.role == offer.role,
                Application.state == ApplicationState.WAITLISTED,
            )
            .order_by(Application.created_at, Application.id)
            .limit(limit)
        ).scalars()
    )


def places_taken_by_role(consultation: Consultation) -> dict[Role, int]:
    """Places held (accepted or confirmed) per role, in one query."""
    rows = db.session.execute(
        select(Application.role, func.count(Application.id))
        .where(
            Application.consultation_id == consultation.id,
            Application.state.in_(PLACE_HOLDING_STATES),
        )
        .group_by(Application.role)
    ).all()
    return {role: count for role, count in rows}


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
