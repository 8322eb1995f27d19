"""The demo's written contributions: a call open for a month, three guiding
questions in six languages, and contributions in several languages -- published with
the name, published anonymously, waiting, and not published -- tagged with themes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from consult.accounts.models import User
from consult.consultations.content import set_translation
from consult.consultations.models import Consultation, StakeholderCategory
from consult.contributions.models import Consent, ContributionCall, GuidingQuestion, OnBehalf
from consult.contributions.sanitize import from_text
from consult.contributions.services import (
    ContributionData,
    guiding_questions,
    moderate,
    set_themes,
    submit,
    verify,
)
from consult.database import transaction, utcnow
from consult.extensions import db

QUESTIONS = [
    {
        "en": "Which financing mechanisms have worked for rural connectivity in your region?",
        "fr": (
            "Quels mécanismes de financement ont fonctionné pour la connectivité rurale "
            "dans votre région ?"
        ),
        "es": (
            "¿Qué mecanismos de financiación han funcionado para la conectividad rural "
            "en su región?"
        ),
        "ar": "ما آليات التمويل التي نجحت في توفير الاتصال في المناطق الريفية في منطقتك؟",
        "zh": "在您所在的地区，哪些融资机制对农村连通有效？",
        "ru": (
            "Какие механизмы финансирования оказались эффективными для подключения "
            "сельских районов в вашем регионе?"
        ),
    },
    {
        "en": "What should governments and donors do differently?",
        "fr": "Que devraient faire différemment les gouvernements et les donateurs ?",
        "es": "¿Qué deberían hacer de otro modo los gobiernos y los donantes?",
        "ar": "ما الذي ينبغي للحكومات والجهات المانحة أن تفعله بشكل مختلف؟",
        "zh": "各国政府和捐助方应当作出哪些改变？",
        "ru": "Что правительствам и донорам следует делать иначе?",
    },
    {
        "en": "Which indicators should measure progress?",
        "fr": "Quels indicateurs devraient mesurer les progrès ?",
        "es": "¿Qué indicadores deberían medir los avances?",
        "ar": "ما المؤشرات التي ينبغي أن تقيس التقدم المحرز؟",
        "zh": "应当用哪些指标衡量进展？",
        "ru": "Какие показатели должны измерять прогресс?",
    },
]

# (name, email, organization, category code, country, language, consent, decision,
#  themes, answers to the first two questions)
CONTRIBUTIONS = [
    (
        "Fatou Ndiaye",
        "fatou.ndiaye@example.org",
        "Réseau des télécentres du Sénégal",
        "civil_society",
        "SN",
        "fr",
        Consent.NAMED,
        "publish",
        ["Community networks", "Blended finance"],
        (
            "Les réseaux communautaires financés par un fonds de service universel, avec des "
            "redevances de spectre réduites, ont connecté 40 villages en trois ans.\n\n"
            "- gestion locale\n- maintenance formée sur place",
            "Verser les fonds de service universel aux opérateurs communautaires, pas "
            "seulement aux grands opérateurs.",
        ),
    ),
    (
        "Carlos Mendoza",
        "carlos.mendoza@example.org",
        "Cooperativa Andina de Conectividad",
        "private_sector",
        "PE",
        "es",
        Consent.ANONYMOUS,
        "anonymous",
        ["Blended finance"],
        (
            "La financiación combinada (garantías públicas y crédito de bancos de desarrollo) "
            "redujo el coste del capital para las cooperativas rurales.",
            "Publicar datos abiertos sobre la cobertura real para orientar la inversión.",
        ),
    ),
    (
        "ليلى حداد",
        "layla.haddad@example.org",
        "",
        "civil_society",
        "JO",
        "ar",
        Consent.NAMED,
        "anonymous",
        ["Community networks"],
        (
            "نجحت الشراكات بين البلديات والجامعات في ربط المدارس الريفية بالإنترنت بتكلفة منخفضة.",
            "ينبغي إشراك النساء في تصميم المشاريع منذ البداية.",
        ),
    ),
    (
        "Wang Li",
        "wang.li@example.org",
        "",
        "civil_society",
        "CN",
        "zh",
        Consent.NAMED,
        None,
        ["Indicators"],
        ("以公共资金支持的共享基础设施降低了偏远地区的部署成本。", ""),
    ),
    (
        "John Smith",
        "john.smith@example.org",
        "Example Ventures",
        "private_sector",
        "US",
        "en",
        Consent.NAMED,
        "reject",
        [],
        ("Buy our satellite terminals at a discount: visit our website.", ""),
    ),
]


def seed_demo_contributions(consultation: Consultation, admin: User) -> int:
    """Once per consultation: only where no call exists. Returns how many contributions."""
    if db.session.get(ContributionCall, consultation.id) is not None:
        return 0
    now = utcnow()
    with transaction():
        db.session.add(
            ContributionCall(
                consultation_id=consultation.id,
                opens_at=now - timedelta(days=2),
                closes_at=max(consultation.applications_close_at, now + timedelta(days=30)),
                last_number=0,
            )
        )
        for position, texts in enumerate(QUESTIONS):
            question = GuidingQuestion(
                consultation_id=consultation.id, position=position, label=texts["en"], help=""
            )
            db.session.add(question)
            db.session.flush()
            for language, text in texts.items():
                if language != "en":
                    set_translation(question, "label", language, text)
    questions = guiding_questions(consultation.id)
    categories = {c.code: c.id for c in db.session.execute(select(StakeholderCategory)).scalars()}
    made = 0
    for (
        name,
        email,
        organization,
        code,
        country,
        language,
        consent,
        decision,
        themes,
        answers,
    ) in CONTRIBUTIONS:
        contribution = submit(
            consultation,
            ContributionData(
                full_name=name,
                email=email,
                organization=organization,
                category_id=categories.get(code) or next(iter(categories.values())),
                country=country,
                gender="",
                on_behalf=OnBehalf.ORGANIZATION if organization else OnBehalf.PERSONAL,
                consent=consent,
                language=language,
                answers={q.id: from_text(a) for q, a in zip(questions, answers, strict=False)},
            ),
            [],
        )
        verify(contribution)
        if themes:
            set_themes(contribution, themes, "", by=admin)
        if decision is not None:
            reason = (
                "Advertising, not a contribution to the consultation."
                if decision == "reject"
                else ""
            )
            moderate(contribution, decision, reason, version=contribution.version, by=admin)
        made += 1
    return made
