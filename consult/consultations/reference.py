# ruff: noqa: E501  (tables of names: one a line reads best)
"""Reference data every installation has: the stakeholder categories and the UNGIS
member organizations (added by `seed_reference_data`, which the demo and the tests
call; an admin can add more categories for a later consultation)."""

from __future__ import annotations

from sqlalchemy import select

from consult.consultations.models import ContentTranslation, Organization, StakeholderCategory
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


# The UNGIS members' names and acronyms as the UN writes them in French and Spanish (and
# in all six languages for a few): translatable content, an admin completes the rest on
# a consultation's Translations page. acronym -> {language: (name, acronym)}.
MEMBER_TRANSLATIONS: dict[str, dict[str, tuple[str, str]]] = {
    "ITU": {
        "fr": ("Union internationale des télécommunications", "UIT"),
        "es": ("Unión Internacional de Telecomunicaciones", "UIT"),
        "ru": ("Международный союз электросвязи", "МСЭ"),
        "zh": ("国际电信联盟", "国际电联"),
        "ar": ("الاتحاد الدولي للاتصالات", "الاتحاد"),
    },
    "UNESCO": {
        "fr": (
            "Organisation des Nations Unies pour l’éducation, la science et la culture",
            "UNESCO",
        ),
        "es": (
            "Organización de las Naciones Unidas para la Educación, la Ciencia y la Cultura",
            "UNESCO",
        ),
        "ru": (
            "Организация Объединенных Наций по вопросам образования, науки и культуры",
            "ЮНЕСКО",
        ),
        "zh": ("联合国教育、科学及文化组织", "教科文组织"),
        "ar": ("منظمة الأمم المتحدة للتربية والعلم والثقافة", "اليونسكو"),
    },
    "UNDP": {
        "fr": ("Programme des Nations Unies pour le développement", "PNUD"),
        "es": ("Programa de las Naciones Unidas para el Desarrollo", "PNUD"),
        "ru": ("Программа развития Организации Объединенных Наций", "ПРООН"),
        "zh": ("联合国开发计划署", "开发署"),
        "ar": ("برنامج الأمم المتحدة الإنمائي", "البرنامج الإنمائي"),
    },
    "UNCTAD": {
        "fr": ("Conférence des Nations Unies sur le commerce et le développement", "CNUCED"),
        "es": ("Conferencia de las Naciones Unidas sobre Comercio y Desarrollo", "UNCTAD"),
    },
    "UN DESA": {
        "fr": ("Département des affaires économiques et sociales des Nations Unies", "DAES"),
        "es": ("Departamento de Asuntos Económicos y Sociales de las Naciones Unidas", "DAES"),
    },
    "FAO": {
        "fr": ("Organisation des Nations Unies pour l’alimentation et l’agriculture", "FAO"),
        "es": ("Organización de las Naciones Unidas para la Alimentación y la Agricultura", "FAO"),
    },
    "ILO": {
        "fr": ("Organisation internationale du Travail", "OIT"),
        "es": ("Organización Internacional del Trabajo", "OIT"),
    },
    "ITC": {
        "fr": ("Centre du commerce international", "ITC"),
        "es": ("Centro de Comercio Internacional", "ITC"),
    },
    "UNEP": {
        "fr": ("Programme des Nations Unies pour l’environnement", "PNUE"),
        "es": ("Programa de las Naciones Unidas para el Medio Ambiente", "PNUMA"),
    },
    "UNHCR": {
        "fr": ("Haut-Commissariat des Nations Unies pour les réfugiés", "HCR"),
        "es": ("Oficina del Alto Comisionado de las Naciones Unidas para los Refugiados", "ACNUR"),
    },
    "UNICEF": {
        "fr": ("Fonds des Nations Unies pour l’enfance", "UNICEF"),
        "es": ("Fondo de las Naciones Unidas para la Infancia", "UNICEF"),
    },
    "UNIDO": {
        "fr": ("Organisation des Nations Unies pour le développement industriel", "ONUDI"),
        "es": ("Organización de las Naciones Unidas para el Desarrollo Industrial", "ONUDI"),
    },
    "UNFPA": {
        "fr": ("Fonds des Nations Unies pour la population", "UNFPA"),
        "es": ("Fondo de Población de las Naciones Unidas", "UNFPA"),
    },
    "UN-Habitat": {
        "fr": ("Programme des Nations Unies pour les établissements humains", "ONU-Habitat"),
        "es": ("Programa de las Naciones Unidas para los Asentamientos Humanos", "ONU-Hábitat"),
    },
    "UNITAR": {
        "fr": ("Institut des Nations Unies pour la formation et la recherche", "UNITAR"),
        "es": (
            "Instituto de las Naciones Unidas para Formación Profesional e Investigaciones",
            "UNITAR",
        ),
    },
    "UNU": {
        "fr": ("Université des Nations Unies", "UNU"),
        "es": ("Universidad de las Naciones Unidas", "UNU"),
    },
    "UN Women": {
        "fr": (
            "Entité des Nations Unies pour l’égalité des sexes et l’autonomisation des femmes",
            "ONU-Femmes",
        ),
        "es": (
            "Entidad de las Naciones Unidas para la Igualdad de Género y el Empoderamiento de las Mujeres",
            "ONU-Mujeres",
        ),
    },
    "UPU": {
        "fr": ("Union postale universelle", "UPU"),
        "es": ("Unión Postal Universal", "UPU"),
    },
    "WFP": {
        "fr": ("Programme alimentaire mondial", "PAM"),
        "es": ("Programa Mundial de Alimentos", "PMA"),
    },
    "WHO": {
        "fr": ("Organisation mondiale de la Santé", "OMS"),
        "es": ("Organización Mundial de la Salud", "OMS"),
    },
    "WIPO": {
        "fr": ("Organisation mondiale de la propriété intellectuelle", "OMPI"),
        "es": ("Organización Mundial de la Propiedad Intelectual", "OMPI"),
    },
    "WMO": {
        "fr": ("Organisation météorologique mondiale", "OMM"),
        "es": ("Organización Meteorológica Mundial", "OMM"),
    },
    "World Bank": {
        "fr": ("Groupe de la Banque mondiale", "Banque mondiale"),
        "es": ("Grupo Banco Mundial", "Banco Mundial"),
    },
    "WTO": {
        "fr": ("Organisation mondiale du commerce", "OMC"),
        "es": ("Organización Mundial del Comercio", "OMC"),
    },
    "ECA": {
        "fr": ("Commission économique des Nations Unies pour l’Afrique", "CEA"),
        "es": ("Comisión Económica de las Naciones Unidas para África", "CEPA"),
    },
    "ECE": {
        "fr": ("Commission économique des Nations Unies pour l’Europe", "CEE"),
        "es": ("Comisión Económica de las Naciones Unidas para Europa", "CEPE"),
    },
    "ECLAC": {
        "fr": ("Commission économique pour l’Amérique latine et les Caraïbes", "CEPALC"),
        "es": ("Comisión Económica para América Latina y el Caribe", "CEPAL"),
    },
    "ESCAP": {
        "fr": ("Commission économique et sociale pour l’Asie et le Pacifique", "CESAP"),
        "es": ("Comisión Económica y Social para Asia y el Pacífico", "CESPAP"),
    },
    "ESCWA": {
        "fr": ("Commission économique et sociale pour l’Asie occidentale", "CESAO"),
        "es": ("Comisión Económica y Social para Asia Occidental", "CESPAO"),
    },
    "OHCHR": {
        "fr": ("Haut-Commissariat des Nations Unies aux droits de l’homme", "HCDH"),
        "es": (
            "Oficina del Alto Comisionado de las Naciones Unidas para los Derechos Humanos",
            "ACNUDH",
        ),
    },
    "UNODC": {
        "fr": ("Office des Nations Unies contre la drogue et le crime", "ONUDC"),
        "es": ("Oficina de las Naciones Unidas contra la Droga y el Delito", "UNODC"),
    },
}


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
        db.session.flush()
        _seed_member_translations()


def _seed_member_translations() -> None:
    """The members' names in the other languages, where none is written yet."""
    ids = dict(db.session.execute(select(Organization.acronym, Organization.id)).all())
    written = set(
        db.session.execute(
            select(ContentTranslation.owner_id, ContentTranslation.language).where(
                ContentTranslation.owner == "organization"
            )
        ).all()
    )
    for acronym, languages in MEMBER_TRANSLATIONS.items():
        owner_id = ids.get(acronym)
        for language, texts in languages.items():
            if owner_id is None or (owner_id, language) in written:
                continue
            for field, text in zip(("name", "acronym"), texts, strict=True):
                db.session.add(
                    ContentTranslation(
                        owner="organization",
                        owner_id=owner_id,
                        field=field,
                        language=language,
                        text=text,
                    )
                )
