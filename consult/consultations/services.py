"""Queries about consultations that views, the API and the CLI share."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consult.applications.services import places_taken_by_role
from consult.consultations.models import Consultation, RoleOffer
from consult.enums import ConsultationState
from consult.extensions import db

PUBLIC_STATES = (ConsultationState.OPEN, ConsultationState.CLOSED)


def public_consultations() -> list[Consultation]:
    """Consultations shown on the home page: open ones first, soonest first."""
    rows = db.session.execute(
        select(Consultation)
        .where(Consultation.state.in_(PUBLIC_STATES))
        .options(selectinload(Consultation.offers))
        .order_by(Consultation.state.desc(), Consultation.starts_at)
        .limit(50)
    ).scalars()
    return list(rows)


def public_consultation(slug: str) -> Consultation | None:
    """A consultation visitors may see (not a draft), with offers and categories loaded."""
    return db.session.execute(
        select(Consultation)
        .where(Consultation.slug == slug, Consultation.state != ConsultationState.DRAFT)
        .options(selectinload(Consultation.offers), selectinload(Consultation.categories))
    ).scalar_one_or_none()


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
