"""Test data built through the same services the app uses."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from sqlalchemy import select

from consult.applications.models import Application
from consult.applications.services import (
    ApplicationData,
    submit_application,
    verify_email_address,
)
from consult.applications.tokens import find_by_token, mint_token
from consult.consultations.models import Consultation, QuestionKind, RoleOffer, StakeholderCategory
from consult.consultations.questions import questions_asked
from consult.consultations.reference import DEMO_CATEGORY_CODES, seed_reference_data
from consult.database import transaction, utcnow
from consult.enums import ConsultationState, Role
from consult.extensions import db

_numbers = count(1)


def make_consultation(
    *,
    slug: str | None = None,
    state: ConsultationState = ConsultationState.OPEN,
    opens_in: timedelta = timedelta(days=-1),
    closes_in: timedelta = timedelta(days=30),
    capacities: dict[Role, int] | None = None,
    attendee_review: bool = False,
    title: str | None = None,
) -> Consultation:
    """An open consultation with the four stakeholder categories and three offers."""
    seed_reference_data()
    n = next(_numbers)
    now = utcnow()
    capacities = {Role.KEYNOTE: 2, Role.PANELIST: 4, Role.ATTENDEE: 3, **(capacities or {})}
    with transaction():
        consultation = Consultation(
            slug=slug or f"consultation-{n}",
            title=title or f"Consultation {n}",
            description="What it is about.\n\nSecond paragraph.",
            venue="Palais des Nations, Geneva",
            starts_at=now + timedelta(days=60),
            ends_at=now + timedelta(days=60, hours=8),
            applications_open_at=now + opens_in,
            applications_close_at=now + closes_in,
            state=state,
            reference_prefix="FM",
        )
        consultation.categories = list(
            db.session.execute(
                select(StakeholderCategory).where(StakeholderCategory.code.in_(DEMO_CATEGORY_CODES))
            ).scalars()
        )
        for position, role in enumerate(Role):
            consultation.offers.append(
                RoleOffer(
                    role=role,
                    capacity=capacities[role],
                    position=position,
                    needs_review=role.is_speaker or attendee_review,
                    description=f"{role.value} description",
                )
            )
        db.session.add(consultation)
    return consultation


def category(code: str) -> StakeholderCategory:
    return db.session.execute(
        select(StakeholderCategory).where(StakeholderCategory.code == code)
    ).scalar_one()


def application_data(role: Role = Role.PANELIST, **overrides) -> ApplicationData:
    values = dict(
        full_name="Amina Diallo",
        email=f"person{next(_numbers)}@example.org",
        country="SN",
        category_id=category("civil_society").id,
        role=role,
        organization_name="Digital Futures Network",
        topic="Blended finance for rural broadband" if role.is_speaker else "",
        abstract="How public guarantees crowd in private capital." if role.is_speaker else "",
        bio="Economist working on connectivity finance." if role.is_speaker else "",
    )
    values.update(overrides)
    return ApplicationData(**values)


def submit(
    consultation: Consultation, role: Role = Role.PANELIST, *, language: str = "en", **overrides
) -> tuple[Application, str]:
    """A submitted application and a private link to it (as the worker would mint); the
    consultation's required questions answered unless `answers` says otherwise."""
    if "answers" not in overrides:
        overrides["answers"] = {
            q.id: REQUIRED_ANSWERS[q.kind] if not q.kind.has_options else q.option_list[0]
            for q in questions_asked(consultation.id, role)
            if q.required
        }
    application = submit_application(
        consultation, application_data(role, **overrides), language=language
    )
    return application, link_token(application)


# A valid answer of each kind, for required questions the test does not care about.
REQUIRED_ANSWERS = {
    QuestionKind.SHORT_TEXT: "An answer",
    QuestionKind.LONG_TEXT: "A longer answer.",
    QuestionKind.YES_NO: "no",
    QuestionKind.DATE: "2027-01-28",
    QuestionKind.NUMBER: "1",
}


def link_token(application: Application) -> str:
    """A new live private-link token for the application."""
    with transaction():
        raw = mint_token(application.id)
    return raw


def verify(raw: str) -> Application | None:
    """What "Confirm my email address" on the private-link page does."""
    application = find_by_token(raw)
    return verify_email_address(application) if application is not None else None


def make_user(
    role: str = "admin", email: str | None = None, password: str = "correct horse battery"
):
    from consult.accounts.models import UserRole
    from consult.accounts.services import create_user

    email = email or f"{role}{next(_numbers)}@ungis.example"
    return create_user(email, f"{role.title()} Person", UserRole(role), password, must_change=False)


def under_review(consultation: Consultation, role: Role = Role.PANELIST, **overrides):
    """A submitted application whose address is confirmed (so it waits in the queue)."""
    from tests.factories import verify

    application, raw = submit(consultation, role, **overrides)
    return verify(raw), raw


def sent_link(to: str) -> str:
    """The private link (a path) of the latest email to `to`, made live as the mail
    worker does when it sends: a fresh token in place of the stored placeholder."""
    import re

    from consult.links import fill_token
    from consult.notifications.models import OutboxMessage

    message = (
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == to)
            .order_by(OutboxMessage.id.desc())
        )
        .scalars()
        .first()
    )
    assert message is not None, f"no email to {to}"
    application = db.session.get(Application, message.application_id)
    body = fill_token(message.body_text, link_token(application))
    match = re.search(r"http://consult\.test(/a/[A-Za-z0-9_\-]+)", body)
    assert match, body
    return match.group(1)
