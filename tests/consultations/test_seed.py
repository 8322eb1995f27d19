"""`consult demo seed` and the reference data."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.consultations.models import (
    Consultation,
    Organization,
    RoleOffer,
    StakeholderCategory,
)
from consult.database import utcnow
from consult.demo.seed import DEMO_SLUG, DEMO_TITLE
from consult.enums import Role
from consult.extensions import db


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (Consultation, RoleOffer, StakeholderCategory, Organization)
    )


def test_demo_seed_creates_the_geneva_consultation_open_now(app, ctx):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert "Created the demo consultation: http://consult.test/c/" in result.output
    consultation = db.session.execute(select(Consultation)).scalar_one()
    assert consultation.slug == DEMO_SLUG
    assert consultation.title == DEMO_TITLE
    assert "Geneva" in consultation.venue
    assert consultation.accepts_applications_at(utcnow())
    offers = {offer.role: offer for offer in consultation.offers}
    assert set(offers) == set(Role)
    assert offers[Role.KEYNOTE].needs_review and offers[Role.PANELIST].needs_review
    assert not offers[Role.ATTENDEE].needs_review
    assert [c.code for c in consultation.categories] == [
        "government",
        "international_organization",
        "civil_society",
        "private_sector",
    ]
    itu = db.session.execute(select(Organization).where(Organization.acronym == "ITU"))
    assert itu.scalar_one().name == "International Telecommunication Union"


def test_demo_seed_twice_changes_nothing(app, ctx):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "seed"])
    first = counts()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0
    assert "exists already" in result.output
    assert counts() == first


def test_demo_seed_prints_the_demo_accounts_once(app, ctx):
    import re

    from consult.accounts.services import authenticate

    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"]).output
    match = re.search(r"admin\s+admin@ungis\.example\s+password: (\S+)", first)
    assert match, first
    assert "reviewer  reviewer@ungis.example" in first
    assert authenticate("admin@ungis.example", match.group(1)).is_admin
    second = runner.invoke(args=["demo", "seed"]).output
    assert "password:" not in second
    assert "demo accounts exist already" in second


def test_demo_seed_adds_speakers_for_the_programme_once(app, ctx):
    from consult.applications.models import Application
    from consult.enums import ApplicationState

    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"]).output
    assert "Added 14 accepted speakers" in first
    assert "Added 3 visa letter requests (one in Arabic)" in first
    assert "visa letter" not in runner.invoke(args=["demo", "seed"]).output  # (once)
    states = dict(
        db.session.execute(
            select(Application.state, func.count(Application.id)).group_by(Application.state)
        ).all()
    )
    # (and the attendee who reads Arabic and asks for a visa letter)
    assert states == {ApplicationState.ACCEPTED: 4, ApplicationState.CONFIRMED: 11}
    from consult.applications.audit import BESIDE_THE_VERSIONS

    for application in db.session.execute(select(Application)).scalars():
        changes = [e for e in application.events if e.kind not in BESIDE_THE_VERSIONS]
        assert application.version == len(changes)  # one version per change


def test_the_demo_programme_reads_in_each_language(app, ctx):
    app.test_cli_runner().invoke(args=["demo", "seed"])
    consultation = db.session.execute(select(Consultation)).scalar_one()
    consultation.programme_published_at = utcnow()
    db.session.commit()
    html = app.test_client().get(f"/c/{consultation.slug}/programme?lang=fr").text
    assert "Panel 1 : Financement public et aide au développement" in html
    assert 'lang="en"' not in html.split("<main")[1]  # nothing falls back to English


def test_the_demo_asks_its_own_questions_in_each_language(app, ctx):
    from consult.applications.models import Answer, Application
    from consult.consultations.models import Question

    app.test_cli_runner().invoke(args=["demo", "seed"])
    app.test_cli_runner().invoke(args=["demo", "seed"])  # (once, however often)
    questions = db.session.execute(select(Question).order_by(Question.position)).scalars().all()
    assert [q.kind.value for q in questions] == ["yes_no", "choices"]
    assert questions[0].required and questions[1].roles == "keynote,panelist"
    # The speakers the demo seeds answered the required one.
    answers = db.session.execute(select(func.count()).select_from(Answer)).scalar_one()
    assert answers == db.session.execute(select(func.count()).select_from(Application)).scalar_one()
    client = app.test_client()
    html = client.get(f"/c/{DEMO_SLUG}/apply?lang=zh").text
    assert "您是否需要邀请函以申请签证？" in html and "混合融资" in html
