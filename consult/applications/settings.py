"""What a change of a consultation's offers means for places: the applications'
handlers for the consultations' hooks (consult.consultations.services), registered by
this feature's init_app. They run inside the transaction that saves the settings."""

from __future__ import annotations

from flask import Flask
from flask_babel import ngettext

from consult.applications.places import lock_offers, offer_availability, places_taken_by_role
from consult.applications.services import fill_free_places
from consult.consultations.models import Consultation
from consult.consultations.services import (
    ConsultationSettings,
    SettingsError,
    offers_changed,
    offers_changing,
)
from consult.consultations.services import offer_availability as availability_hook


def refuse_capacity_below_places(consultation: Consultation, settings: ConsultationSettings):
    """The offers are locked before the places are counted, so applicants confirming
    at the same moment cannot overbook a lowered capacity; a capacity below the places
    held is refused."""
    lock_offers(consultation)
    taken = places_taken_by_role(consultation)
    for index, offer in enumerate(settings.offers):
        if offer.capacity < taken.get(offer.role, 0):
            raise SettingsError(
                ngettext(
                    "%(num)d place is already taken; the capacity cannot be lower.",
                    "%(num)d places are already taken; the capacity cannot be lower.",
                    taken[offer.role],
                ),
                field=f"offers-{index}-capacity",
            )


def give_free_places(consultation: Consultation) -> None:
    """A higher capacity (or review dropped) of an attendee-style offer promotes people
    from its waiting list at once."""
    for offer in consultation.offers:
        fill_free_places(offer)


def register(app: Flask) -> None:
    offers_changing.register(app, refuse_capacity_below_places)
    offers_changed.register(app, give_free_places)
    availability_hook.register(app, offer_availability)
