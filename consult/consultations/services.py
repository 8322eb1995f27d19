"""Consultations: the queries views and the CLI share, and saving settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consult.cache import cached, cached_graph, cached_graphs
from consult.consultations.models import (
    Consultation,
    Organization,
    RoleOffer,
    StakeholderCategory,
)
from consult.database import transaction
from consult.enums import ConsultationState, Role
from consult.errors import Conflict
from consult.extensions import db
from consult.hooks import Hook

PUBLIC_STATES = (ConsultationState.OPEN, ConsultationState.CLOSED)


def public_consultations() -> list[Consultation]:
    """Consultations shown on the home page: open ones first, soonest first (from the
    process's cache, without a query)."""

    def load(session) -> list[Consultation]:
        return list(
            session.execute(
                select(Consultation)
                .where(Consultation.state.in_(PUBLIC_STATES))
                .options(selectinload(Consultation.offers))
                .order_by(Consultation.state.desc(), Consultation.starts_at)
                .limit(50)
            ).scalars()
        )

    return cached_graphs("public_consultations", None, load)


def public_consultation(slug: str) -> Consultation | None:
    """A consultation visitors may see (not a draft), with offers and categories loaded:
    from the process's cache (consult/cache.py), so without a query of its own."""

    def load(session):
        return session.execute(
            select(Consultation)
            .where(Consultation.slug == slug, Consultation.state != ConsultationState.DRAFT)
            .options(selectinload(Consultation.offers), selectinload(Consultation.categories))
        ).scalar_one_or_none()

    return cached_graph("public_consultation", slug, load)


def active_organizations() -> list[Organization]:
    """The organizations applicants may pick, by acronym (cached; read-only copies)."""

    def load(session):
        return list(
            session.execute(
                select(Organization).where(Organization.active).order_by(Organization.acronym)
            ).scalars()
        )

    return cached("active_organizations", None, load)


def all_organizations() -> list[Organization]:
    """Every listed organization, active or not, by acronym (cached; read-only copies):
    the queue filters by those applications may name."""

    def load(session):
        return list(session.execute(select(Organization).order_by(Organization.acronym)).scalars())

    return cached("all_organizations", None, load)


def consultation_by_id(consultation_id: int) -> Consultation | None:
    """Any consultation (drafts too) with offers and categories, from the process's
    cache: for pages that reach it through an application (the private pages), so that
    `application.consultation` and `.category` need no query of their own."""

    def load(session):
        return session.execute(
            select(Consultation)
            .where(Consultation.id == consultation_id)
            .options(selectinload(Consultation.offers), selectinload(Consultation.categories))
        ).scalar_one_or_none()

    return cached_graph("consultation", consultation_id, load)


def all_consultations() -> list[Consultation]:
    """Every consultation, for the secretariat: open ones first, newest first."""
    rows = db.session.execute(
        select(Consultation)
        .options(selectinload(Consultation.offers), selectinload(Consultation.categories))
        .order_by(Consultation.starts_at.desc())
    ).scalars()
    order = {
        ConsultationState.OPEN: 0,
        ConsultationState.DRAFT: 1,
        ConsultationState.CLOSED: 2,
        ConsultationState.ARCHIVED: 3,
    }
    return sorted(rows, key=lambda c: order[c.state])


@dataclass
class OfferSettings:
    role: Role
    capacity: int
    needs_review: bool
    confirm_by: datetime | None  # naive UTC
    description: str = ""


@dataclass
class ConsultationSettings:
    """Everything an admin edits about a consultation; datetimes are naive UTC."""

    title: str
    slug: str
    reference_prefix: str
    description: str
    venue: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    applications_open_at: datetime
    applications_close_at: datetime
    state: ConsultationState
    category_ids: list[int]
    offers: list[OfferSettings]
    retention_months: int = 6
    anonymised_review: bool = False


class SettingsError(Conflict):
    """A setting that cannot be saved; `field` names the form field it belongs to."""


# Consultations sit below applications and know nothing of places: what a change of
# offers means for them is the applications' to say, through these hooks, in the
# saving transaction.
# Before an existing consultation's offers change (the offers are to be locked and
# the new capacities checked against the places taken: raise SettingsError to refuse).
offers_changing: Hook[[Consultation, ConsultationSettings], None] = Hook("offers_changing")
# After the offers changed (a higher capacity gives free places to the waiting list).
offers_changed: Hook[[Consultation], None] = Hook("offers_changed")
# Places taken and left per offer, for the pages that show them.
offer_availability: Hook[[Consultation], list] = Hook("offer_availability")


def availability(consultation: Consultation | None) -> list:
    """Each offer with its places taken and left (consult.applications.places)."""
    if consultation is None:
        return []
    return offer_availability.first(consultation) or []


def save_consultation(
    consultation: Consultation | None, settings: ConsultationSettings
) -> Consultation:
    """Create (consultation=None) or update a consultation and its offers, in one
    transaction with what the change means for places (the hooks above): a capacity
    below the places held is refused; a higher capacity (or review dropped) of an
    attendee-style offer promotes people from its waiting list at once."""
    with transaction():
        if consultation is not None:
            offers_changing(consultation, settings)
        consultation = apply_settings(consultation, settings)
        offers_changed(consultation)
    return consultation


def apply_settings(
    consultation: Consultation | None, settings: ConsultationSettings
) -> Consultation:
    """Write the settings onto a consultation (a new one when None) and its offers, in
    the caller's transaction (save_consultation)."""
    others = select(Consultation).where(
        Consultation.id != (consultation.id if consultation else -1)
    )
    if db.session.execute(others.where(Consultation.slug == settings.slug)).first():
        raise SettingsError(_("Another consultation uses this address."), field="slug")
    if db.session.execute(
        others.where(Consultation.reference_prefix == settings.reference_prefix)
    ).first():
        raise SettingsError(_("Another consultation uses this prefix."), field="reference_prefix")
    if consultation is None:
        consultation = Consultation()
        db.session.add(consultation)
    for name in (
        "title",
        "slug",
        "reference_prefix",
        "description",
        "venue",
        "timezone",
        "starts_at",
        "ends_at",
        "applications_open_at",
        "applications_close_at",
        "state",
        "retention_months",
        "anonymised_review",
    ):
        setattr(consultation, name, getattr(settings, name))
    consultation.categories = list(
        db.session.execute(
            select(StakeholderCategory).where(StakeholderCategory.id.in_(settings.category_ids))
        ).scalars()
    )
    existing = {offer.role: offer for offer in consultation.offers}
    for position, wanted in enumerate(settings.offers):
        offer = existing.get(wanted.role)
        if offer is None:
            offer = RoleOffer(role=wanted.role, position=position)
            consultation.offers.append(offer)
        offer.capacity = wanted.capacity
        offer.needs_review = wanted.needs_review
        offer.confirm_by = wanted.confirm_by
        offer.description = wanted.description
    db.session.flush()
    return consultation
