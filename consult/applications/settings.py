"""Saving a consultation's settings: the consultation's own fields, and what a
capacity change means for places (consultations sit below applications: they know
nothing of places, so the one transaction that does both lives here)."""

from __future__ import annotations

from flask_babel import gettext as _

from consult.applications.places import lock_offers, places_taken_by_role
from consult.applications.services import fill_free_places
from consult.consultations.models import Consultation
from consult.consultations.services import ConsultationSettings, SettingsError, apply_settings
from consult.database import transaction


def save_consultation(
    consultation: Consultation | None, settings: ConsultationSettings
) -> Consultation:
    """Create (consultation=None) or update a consultation and its offers, in one
    transaction. The offers are locked before the places are counted, so applicants
    confirming at the same moment cannot overbook a lowered capacity; a capacity below
    the places held is refused. Raising capacity (or dropping review) of an
    attendee-style offer promotes people from its waiting list at once."""
    with transaction():
        if consultation is not None:
            lock_offers(consultation)
            taken = places_taken_by_role(consultation)
            for index, offer in enumerate(settings.offers):
                if offer.capacity < taken.get(offer.role, 0):
                    raise SettingsError(
                        f"offers-{index}-capacity",
                        _(
                            "%(n)d places are already taken; the capacity cannot be lower.",
                            n=taken[offer.role],
                        ),
                    )
        consultation = apply_settings(consultation, settings)
        for offer in consultation.offers:
            fill_free_places(offer)
    return consultation
