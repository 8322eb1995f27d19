"""The demo consultation (`consult demo seed`), idempotent: the Geneva meeting, its
programme, translations, two staff accounts and speakers to place."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from consult.accounts.models import User, UserRole
from consult.accounts.services import create_user, generate_password
from consult.applications.models import Application
from consult.applications.services import (
    ApplicationData,
    Decision,
    confirm_participation,
    decide_application,
    submit_application,
    verify_email_address,
)
from consult.attendance.letters import PassportDetails, request_letter
from consult.attendance.models import VisaLetter
from consult.consultations.content import set_translation, translations_of
from consult.consultations.models import (
    Consultation,
    Organization,
    QuestionKind,
    RoleOffer,
    StakeholderCategory,
)
from consult.consultations.questions import QuestionSettings, add_question, questions_of
from consult.consultations.reference import DEMO_CATEGORY_CODES, seed_reference_data
from consult.database import transaction, utcnow
from consult.demo import texts as seed_texts
from consult.enums import ApplicationState, ConsultationState, Role
from consult.extensions import db
from consult.programme.models import ProgrammeSession, SessionKind
from consult.review.criteria import criteria_of
from consult.review.models import ReviewCriterion

DEMO_SLUG = "financial-mechanisms-ict4d"
DEMO_TITLE = (
    "Open Consultations on Financial Mechanisms for Meeting the Challenges of ICT for Development"
)
DEMO_DESCRIPTION = """\
The United Nations Group on the Information Society (UNGIS) is holding open consultations \
on financial mechanisms for meeting the challenges of information and communication \
technologies for development, the subject of part B of the Tunis Agenda for the \
Information Society.

The consultations take stock of how public and private finance, development assistance \
and new instruments can close the digital divide, and ask what the UN system should do \
next. Their outcome informs the work of UNGIS and its members.

The meeting is open to representatives of governments and international organizations \
and to individuals from civil society and the private sector. Those who wish to take an \
active part, as keynote speaker or panelist, are invited to apply with a proposed topic; \
the secretariat composes a programme balanced across stakeholder groups and regions. \
Anyone may apply to attend.

Participation is free of charge. Participants arrange their own travel and visas; the \
secretariat can provide a letter of confirmation once participation is confirmed."""

OFFERS = [
    (
        Role.KEYNOTE,
        4,
        True,
        "A 15-minute address opening one of the sessions. Apply with a proposed topic.",
    ),
    (
        Role.PANELIST,
        16,
        True,
        "A seat on one of four moderated panels, with a 5-minute opening statement.",
    ),
    (
        Role.ATTENDEE,
        200,
        False,
        "Attend the meeting in person and take the floor in the open discussion.",
    ),
]


def _geneva(day: datetime, hour: int) -> datetime:
    local = datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Europe/Zurich"))
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def seed_demo(now: datetime | None = None) -> tuple[Consultation, bool]:
    """The Geneva consultation, open for applications now. Returns it and whether it is new."""
    seed_reference_data()
    existing = db.session.execute(
        select(Consultation).where(Consultation.slug == DEMO_SLUG)
    ).scalar_one_or_none()
    if existing is not None:
        seed_programme(existing)
        seed_questions(existing)
        seed_criteria(existing)
        seed_translations(existing)
        return existing, False
    now = now or utcnow()
    meeting_day = now + timedelta(days=60)
    starts_at = _geneva(meeting_day, 10)
    with transaction():
        consultation = Consultation(
            slug=DEMO_SLUG,
            title=DEMO_TITLE,
            description=DEMO_DESCRIPTION,
            venue="Palais des Nations, Geneva, Switzerland",
            timezone="Europe/Zurich",
            starts_at=starts_at,
            ends_at=_geneva(meeting_day, 18),
            applications_open_at=now - timedelta(days=1),
            applications_close_at=_geneva(now + timedelta(days=30), 23),
            state=ConsultationState.OPEN,
            reference_prefix="FM",
        )
        codes = DEMO_CATEGORY_CODES
        consultation.categories = list(
            db.session.execute(
                select(StakeholderCategory)
                .where(StakeholderCategory.code.in_(codes))
                .order_by(StakeholderCategory.position)
            ).scalars()
        )
        for position, (role, capacity, needs_review, description) in enumerate(OFFERS):
            consultation.offers.append(
                RoleOffer(
                    role=role,
                    capacity=capacity,
                    needs_review=needs_review,
                    description=description,
                    position=position,
                    confirm_by=starts_at - timedelta(days=14) if needs_review else None,
                )
            )
        db.session.add(consultation)
    seed_programme(consultation)
    seed_questions(consultation)
    seed_criteria(consultation)
    seed_translations(consultation)
    return consultation, True


# The demo programme: (start, end as local "HH:MM", kind, title, room, capacity, moderators).
DEMO_PROGRAMME = [
    ("10:00", "10:20", "opening", "Opening of the consultations", "Room XVII", 1, "Chair of UNGIS"),
    (
        "10:20",
        "10:50",
        "keynote",
        "Keynote addresses: financing the digital decade",
        "Room XVII",
        2,
        "",
    ),
    (
        "10:50",
        "11:50",
        "panel",
        "Panel 1: Public finance and development assistance",
        "Room XVII",
        4,
        "ITU secretariat",
    ),
    ("11:50", "12:10", "break", "Coffee break", "", 0, ""),
    (
        "12:10",
        "13:10",
        "panel",
        "Panel 2: Private investment and blended finance",
        "Room XVII",
        4,
        "UNCTAD secretariat",
    ),
    ("13:10", "14:30", "break", "Lunch", "", 0, ""),
    (
        "14:30",
        "15:00",
        "keynote",
        "Keynote addresses: closing the financing gap",
        "Room XVII",
        2,
        "",
    ),
    (
        "15:00",
        "16:00",
        "panel",
        "Panel 3: Universal service funds and local networks",
        "Room XVII",
        4,
        "UNDP secretariat",
    ),
    (
        "16:00",
        "17:00",
        "panel",
        "Panel 4: Measuring what finance achieves",
        "Room XVII",
        4,
        "UN DESA secretariat",
    ),
    ("17:00", "17:45", "discussion", "Open discussion", "Room XVII", 0, "UNGIS secretariat"),
    ("17:45", "18:00", "closing", "Closing", "Room XVII", 1, "Chair of UNGIS"),
]


def seed_programme(consultation: Consultation) -> None:
    """The demo's sessions on the meeting day (a draft: the admin publishes it)."""
    if db.session.execute(
        select(ProgrammeSession.id).where(ProgrammeSession.consultation_id == consultation.id)
    ).first():
        return
    tz = ZoneInfo(consultation.timezone)
    day = consultation.starts_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz).date()

    def utc(hhmm: str) -> datetime:
        hour, minute = map(int, hhmm.split(":"))
        local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
        return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

    with transaction():
        for position, (start, end, kind, title, room, capacity, moderators) in enumerate(
            DEMO_PROGRAMME, start=1
        ):
            db.session.add(
                ProgrammeSession(
                    consultation_id=consultation.id,
                    title=title,
                    kind=SessionKind(kind),
                    starts_at=utc(start),
                    ends_at=utc(end),
                    room=room,
                    speaker_capacity=capacity,
                    moderators=moderators,
                    position=position,
                )
            )


def seed_questions(consultation: Consultation) -> None:
    """The demo's own questions (a visa letter, the mechanisms a speaker will address),
    in six languages, once: only into a consultation that has none."""
    if questions_of(consultation.id):
        return
    for position, (label, kind, required, roles, options) in enumerate(seed_texts.QUESTIONS):
        question = add_question(
            consultation,
            QuestionSettings(
                label=label,
                kind=QuestionKind(kind),
                required=required,
                roles=tuple(Role(r) for r in roles),
                options=options,
            ),
        )
        with transaction():
            for language, texts in seed_texts.QUESTION_TEXTS.items():
                translated_label, translated_options = texts[position]
                set_translation(question, "label", language, translated_label)
                if translated_options:
                    set_translation(question, "options", language, "\n".join(translated_options))


def seed_criteria(consultation: Consultation) -> None:
    """The demo's review criteria with their weights, named in six languages, once:
    only into a consultation that has none."""
    if criteria_of(consultation.id):
        return
    with transaction():
        for position, (name, weight, description) in enumerate(seed_texts.CRITERIA):
            criterion = ReviewCriterion(
                consultation_id=consultation.id,
                name=name,
                weight=weight,
                description=description,
                position=position,
            )
            db.session.add(criterion)
            db.session.flush()
            for language, names in seed_texts.CRITERIA_NAMES.items():
                set_translation(criterion, "name", language, names[position])


def seed_translations(consultation: Consultation) -> None:
    """The demo's texts and the categories in the other five languages, where missing."""
    categories = list(db.session.execute(select(StakeholderCategory)).scalars())
    sessions = list(
        db.session.execute(
            select(ProgrammeSession).where(ProgrammeSession.consultation_id == consultation.id)
        ).scalars()
    )
    with transaction():
        for language, texts in seed_texts.DEMO.items():
            have = translations_of(consultation, language)
            for field, text in texts.items():
                if field not in have:
                    set_translation(consultation, field, language, text)
            for offer in consultation.offers:
                text = seed_texts.OFFERS[language].get(offer.role.value)
                if text and "description" not in translations_of(offer, language):
                    set_translation(offer, "description", language, text)
            titles = dict(
                zip((row[3] for row in DEMO_PROGRAMME), seed_texts.SESSIONS[language], strict=True)
            )
            for session in sessions:
                title = titles.get(session.title)
                if title and "title" not in translations_of(session, language):
                    set_translation(session, "title", language, title)
            for category in categories:
                names = seed_texts.CATEGORIES[language].get(category.code)
                if names and not translations_of(category, language):
                    set_translation(category, "name", language, names[0])
                    set_translation(category, "description", language, names[1])


DEMO_ACCOUNTS = [
    ("admin@ungis.example", "Secretariat Admin", "admin"),
    ("reviewer@ungis.example", "Secretariat Reviewer", "reviewer"),
    ("desk@ungis.example", "Registration Desk", "desk"),
]


def seed_demo_accounts() -> list[tuple]:
    """A demo admin and reviewer with generated passwords, when no account exists yet.

    Returns (user, password) pairs for what it created; the passwords exist only here.
    """
    if db.session.execute(select(User.id).limit(1)).first() is not None:
        return []
    created = []
    for email, name, role in DEMO_ACCOUNTS:
        password = generate_password()
        created.append(
            (create_user(email, name, UserRole(role), password, by="consult demo seed"), password)
        )
    return created


# Demo speakers for building the programme: (name, role, category, country, gender,
# organization, confirmed and listed). Deliberately unbalanced in places, so a panel can
# be flagged and fixed.
DEMO_SPEAKERS = [
    ("Amina Diallo", "keynote", "civil_society", "SN", "female", "Digital Futures Network", True),
    ("Kenji Watanabe", "keynote", "private_sector", "JP", "male", "Pacific Telecom", True),
    (
        "Elena Petrova",
        "keynote",
        "government",
        "RU",
        "female",
        "Ministry of Digital Development",
        False,
    ),
    ("Ana Souza", "panelist", "government", "BR", "female", "Ministry of Communications", True),
    ("Jean Dupont", "panelist", "private_sector", "FR", "male", "Connect Europe", True),
    ("Claire Martin", "panelist", "civil_society", "FR", "female", "Open Access Alliance", True),
    ("Kofi Mensah", "panelist", "international_organization", "GH", "male", "", False),
    ("Li Wei", "panelist", "private_sector", "CN", "male", "Silk Road Fibre", True),
    (
        "Sofia Rossi",
        "panelist",
        "civil_society",
        "IT",
        "female",
        "Community Networks Italia",
        False,
    ),
    ("Ahmed Hassan", "panelist", "government", "EG", "male", "Ministry of ICT", True),
    ("María García", "panelist", "civil_society", "MX", "female", "Red de Conectividad", True),
    ("Ravi Patel", "panelist", "private_sector", "IN", "male", "Bharat Broadband", True),
    ("Olga Ivanova", "panelist", "international_organization", "KZ", "female", "", True),
    ("Lucas Weber", "panelist", "government", "DE", "non_binary", "Federal Ministry", False),
]


def seed_demo_speakers(consultation: Consultation, admin) -> int:
    """Accepted speakers (some confirmed) for the demo programme, once: only into a
    consultation that has no applications yet. Returns how many."""
    if db.session.execute(
        select(Application.id).where(Application.consultation_id == consultation.id)
    ).first():
        return 0
    categories = {c.code: c for c in consultation.categories}
    # The required question (a visa letter) answered: every third speaker needs one.
    visa = next((q for q in questions_of(consultation.id) if q.required), None)
    organizations = {o.acronym: o.id for o in db.session.execute(select(Organization)).scalars()}
    for n, (name, role, category, country, gender, org, confirmed) in enumerate(DEMO_SPEAKERS):
        international = category == "international_organization"
        application = submit_application(
            consultation,
            ApplicationData(
                full_name=name,
                email=f"speaker{n + 1}@example.org",
                country=country,
                category_id=categories[category].id,
                role=Role(role),
                organization_id=organizations["ITU" if n % 2 else "UNDP"]
                if international
                else None,
                organization_name=org,
                gender=gender,
                topic="Financing connectivity where markets do not reach",
                abstract="How public and private finance can close the last gaps.",
                bio="Works on finance for digital development.",
                list_publicly=confirmed,
                answers={visa.id: "no" if n % 3 else "yes"} if visa else {},
            ),
        )
        db.session.commit()
        verify_email_address(application)
        decide_application(
            application, Decision.ACCEPT, by=admin, expected_version=application.version
        )
        if confirmed:
            confirm_participation(application, expected_version=application.version)
    return len(DEMO_SPEAKERS)


# Visa letter requests for the demo: (speaker's email, name as in the passport,
# nationality, consulate) -- and one participant who reads Arabic, whose letter comes
# out in Arabic, right to left.
DEMO_VISA_REQUESTS = [
    ("speaker1@example.org", "DIALLO Amina", "SN", "Embassy of Switzerland in Dakar"),
    ("speaker10@example.org", "HASSAN Ahmed", "EG", "Embassy of Switzerland in Cairo"),
]
DEMO_ARABIC_ATTENDEE = ("ليلى المنصوري", "attendee.ar@example.org", "JO", "سفارة سويسرا في عمّان")


def seed_demo_visa_requests(consultation: Consultation) -> int:
    """Letters of invitation asked for by two confirmed speakers and by a confirmed
    attendee who reads Arabic, once: only where none exists. Returns how many."""
    if db.session.execute(
        select(VisaLetter.id).where(VisaLetter.consultation_id == consultation.id)
    ).first():
        return 0
    made = 0
    for email, passport_name, nationality, consulate in DEMO_VISA_REQUESTS:
        application = db.session.execute(
            select(Application).where(
                Application.consultation_id == consultation.id, Application.email == email
            )
        ).scalar_one_or_none()
        if application is None or application.state != ApplicationState.CONFIRMED:
            continue
        request_letter(
            application,
            PassportDetails(passport_name, "X1234567", nationality, date(1980, 5, 17), consulate),
        )
        made += 1
    name, email, country, consulate = DEMO_ARABIC_ATTENDEE
    category = next(c for c in consultation.categories if c.code == "civil_society")
    application = submit_application(
        consultation,
        ApplicationData(
            full_name=name,
            email=email,
            country=country,
            category_id=category.id,
            role=Role.ATTENDEE,
            organization_name="شبكة الاتصال المجتمعي",
            answers=_visa_answer(consultation, "yes"),
        ),
        language="ar",  # (she applied on the Arabic form)
    )
    db.session.commit()
    verify_email_address(application)
    if application.state == ApplicationState.CONFIRMED:
        request_letter(
            application,
            PassportDetails(name, "J7654321", country, date(1990, 9, 2), consulate),
        )
        made += 1
    return made


def _visa_answer(consultation: Consultation, answer: str) -> dict:
    visa = next((q for q in questions_of(consultation.id) if q.required), None)
    return {visa.id: answer} if visa else {}
