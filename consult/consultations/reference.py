"""Reference data every installation has: the stakeholder categories and the UNGIS
member organizations (added by `seed_reference_data`, which the demo and the tests
call; an admin can add more categories for a later consultation)."""

from __future__ import annotations

from sqlalchemy import select

from consult.consultations.models import Organization, StakeholderCategory
from consult.database import transaction
from consult.extensions import db

CATEGORIES = [
    ("government", "Government", "Representatives of governments.", False),
    (
        "international_organization",
        "International organization",
        "Representatives of international organizations.",
        True,
    ),
    ("civil_society", "Civil society", "Individuals from civil society.", False),
    ("private_sector", "Private sector", "Individuals from the private sector.", False),
    (
        "academic_technical",
        "Academic and technical community",
        "Individuals from academia and the technical community.",
        False,
    ),
]
# The four the first meeting is open to; academic_technical exists for later ones.
DEMO_CATEGORY_CODES = [code for code, *_ in CATEGORIES[:4]]

UNGIS_MEMBERS = [
    ("ITU", "International Telecommunication Union"),
    ("UNESCO", "United Nations Educational, Scientific and Cultural Organization"),
    ("UNDP", "United Nations Development Programme"),
    ("UNCTAD", "United Nations Conference on Trade and Development"),
    ("UN DESA", "United Nations Department of Economic and Social Affairs"),
    ("FAO", "Food and Agriculture Organization of the United Nations"),
    ("ILO", "International Labour Organization"),
    ("ITC", "International Trade Centre"),
    ("UNEP", "United Nations Environment Programme"),
    ("UNHCR", "Office of the United Nations High Commissioner for Refugees"),
    ("UNICEF", "United Nations Children's Fund"),
    ("UNIDO", "United Nations Industrial Development Organization"),
    ("UNFPA", "United Nations Population Fund"),
    ("UN-Habitat", "United Nations Human Settlements Programme"),
    ("UNITAR", "United Nations Institute for Training and Research"),
    ("UNU", "United Nations University"),
    ("UN Women", "United Nations Entity for Gender Equality and the Empowerment of Women"),
    ("UPU", "Universal Postal Union"),
    ("WFP", "World Food Programme"),
    ("WHO", "World Health Organization"),
    ("WIPO", "World Intellectual Property Organization"),
    ("WMO", "World Meteorological Organization"),
    ("World Bank", "World Bank Group"),
    ("WTO", "World Trade Organization"),
    ("ECA", "United Nations Economic Commission for Africa"),
    ("ECE", "United Nations Economic Commission for Europe"),
    ("ECLAC", "United Nations Economic Commission for Latin America and the Caribbean"),
    ("ESCAP", "United Nations Economic and Social Commission for Asia and the Pacific"),
    ("ESCWA", "United Nations Economic and Social Commission for Western Asia"),
    ("OHCHR", "Office of the United Nations High Commissioner for Human Rights"),
    ("UNODC", "United Nations Office on Drugs and Crime"),
]


def seed_reference_data() -> None:
    """Stakeholder categories and the UNGIS member organizations (add what is missing)."""
    with transaction():
        known = set(db.session.execute(select(StakeholderCategory.code)).scalars())
        for position, (code, name, description, uses_list) in enumerate(CATEGORIES):
            if code not in known:
                db.session.add(
                    StakeholderCategory(
                        code=code,
                        name=name,
                        description=description,
                        uses_organization_list=uses_list,
                        position=position,
                    )
                )
        known_orgs = set(db.session.execute(select(Organization.acronym)).scalars())
        for acronym, name in UNGIS_MEMBERS:
            if acronym not in known_orgs:
                db.session.add(Organization(acronym=acronym, name=name))
