"""Issue 19's "Done when", walked in a real browser (Chromium through Playwright), with
the real mail worker and a real SMTP server: people manage their own participation, the
secretariat asks its own questions in two languages, and a programme in the making
tells its speakers once."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from consult.accounts.models import User
from consult.applications.models import Application
from consult.consultations.models import Consultation, Question, RoleOffer
from consult.database import transaction, utcnow
from consult.enums import ApplicationState, Role
from consult.extensions import db
from consult.notifications.models import OutboxMessage
from consult.notifications.worker import drain
from tests.browser import LiveServer
from tests.conftest import PASSWORD
from tests.factories import make_consultation, make_user, verify
from tests.factories import submit as submit_application
from tests.programme.test_programme import make_session, speaker

pytestmark = pytest.mark.browser


@pytest.fixture
def app_overrides(smtp):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}


@pytest.fixture
def live(app):
    with app.app_context():
        consultation = make_consultation(
            slug="geneva",
            title="Open Consultations on Financial Mechanisms",
            capacities={Role.PANELIST: 1},
        )
        # Panelists without review: a freed place goes to the next person waiting at once.
        with transaction():
            db.session.execute(
                update(RoleOffer)
                .where(
                    RoleOffer.consultation_id == consultation.id, RoleOffer.role == Role.PANELIST
                )
                .values(needs_review=False)
            )
        make_user("admin", "admin@ungis.example")
    with LiveServer(app) as server:
        app.config["PUBLIC_URL"] = server.url
        yield server


def sign_in(page, live):
    page.goto(f"{live.url}/secretariat/login")
    page.get_by_role("textbox", name=re.compile("^Email")).fill("admin@ungis.example")
    page.get_by_label(re.compile("^Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review queue")


def emails_to(app, smtp, to: str) -> list:
    with app.app_context():
        drain()
    return [r for r in smtp.received if r.rcpt_tos == [to]]


def link_in(message) -> str:
    return re.search(r"http://127\.0\.0\.1:\d+/a/[A-Za-z0-9_\-]+", message.text()).group(0)


def test_apply_in_french_edit_confirm_cancel_and_the_next_person_gets_the_place(
    app, live, page, browser, smtp
):
    # The secretariat asks its own required question, in English and in French.
    sign_in(page, live)
    page.get_by_role("link", name="Manage consultations").click()
    page.get_by_role("link", name=re.compile("^Questions")).click()
    page.get_by_role("link", name="Add a question").click()
    page.get_by_role("textbox", name=re.compile("^Question")).fill(
        "Do you need a visa invitation letter?"
    )
    page.get_by_label("Kind of answer").select_option(label="Yes or no")
    page.get_by_label("An answer is required").check()
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_role("status").first).to_contain_text("The question is saved.")
    page.get_by_role("link", name="Translate the questions").click()
    page.get_by_role("link", name=re.compile("^Edit.*French")).click()
    page.get_by_role("group", name=re.compile("^Question: Do you need")).get_by_label(
        "Question"
    ).fill("Avez-vous besoin d’une lettre d’invitation pour un visa ?")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.get_by_role("status").first).to_contain_text("The translations are saved.")

    # An applicant applies in French and answers it in French.
    french = browser.new_context(locale="fr-FR")
    applicant = french.new_page()
    applicant.goto(f"{live.url}/c/geneva/apply")
    expect(applicant.get_by_role("heading", level=1)).to_have_text("Poser sa candidature")
    applicant.get_by_label("Nom complet").fill("Amélie Dubois")
    applicant.get_by_label("Adresse électronique").fill("amelie@example.org")
    applicant.get_by_role("combobox", name=re.compile("^Pays")).select_option(label="Sénégal")
    applicant.get_by_label("Civil society").check()  # (content: not translated here)
    applicant.get_by_role("textbox", name=re.compile("^Organisation")).fill("Réseau numérique")
    applicant.get_by_label("Panéliste").check()
    applicant.get_by_label("Thème proposé").fill("Financement mixte du haut débit rural")
    applicant.get_by_label("Résumé").fill("Premier jet.")
    applicant.get_by_label("Biographie succincte").fill("Économiste.")
    applicant.get_by_role("group", name=re.compile("Avez-vous besoin")).get_by_label("Oui").check()
    applicant.get_by_role("button", name="Envoyer la candidature").click()
    expect(applicant.get_by_role("heading", level=1)).to_be_visible()

    # From the private link: edit the abstract, then confirm the address (the place).
    applicant.goto(link_in(emails_to(app, smtp, "amelie@example.org")[-1]))
    applicant.get_by_role("link", name="Modifier ma candidature").click()
    applicant.get_by_label("Résumé").fill("Un résumé bien meilleur.")
    applicant.get_by_role("button", name="Enregistrer mes modifications").click()
    expect(applicant.get_by_role("status").first).to_contain_text("Vos modifications")
    expect(applicant.locator("main")).to_contain_text("Vous avez modifié votre candidature")
    applicant.get_by_role("button", name=re.compile("Confirmer mon adresse")).click()
    with app.app_context():
        amelie = db.session.execute(
            select(Application).where(Application.email == "amelie@example.org")
        ).scalar_one()
        assert amelie.state == ApplicationState.CONFIRMED
        assert amelie.abstract == "Un résumé bien meilleur."
        assert amelie.language == "fr"
        # Someone else applies for the same role: the place is taken, they wait.
        visa = db.session.execute(select(Question)).scalar_one()
        waiting, token = submit_application(
            amelie.consultation, Role.PANELIST, email="next@example.org", answers={visa.id: "no"}
        )
        assert verify(token).state == ApplicationState.WAITLISTED

    # The secretariat finds the answer in the queue, the CSV and nowhere else.
    page.goto(f"{live.url}/secretariat/applications")
    page.get_by_label("Answer to a question").select_option(
        label="Do you need a visa invitation letter? – Yes"
    )
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("table")).to_contain_text("Amélie Dubois")
    expect(page.get_by_role("table")).not_to_contain_text("next@example.org")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export these as CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    assert [r["Do you need a visa invitation letter?"] for r in rows] == ["Yes"]

    # The applicant's own copy of their data has the answer.
    with applicant.expect_download() as download:
        applicant.get_by_role("link", name=re.compile("Télécharger mes données")).click()
    data = json.loads(Path(download.value.path()).read_text("utf-8"))
    assert data["answers"] == [
        {"question": "Do you need a visa invitation letter?", "answer": "yes"}
    ]
    assert data["abstract"] == "Un résumé bien meilleur."

    # She cancels; the next person is promoted and told by email.
    applicant.get_by_role("link", name="Annuler ma participation").click()
    applicant.get_by_label(re.compile("^Motif")).fill("Conflit de calendrier")
    applicant.get_by_role("button", name=re.compile("^Oui")).click()
    expect(applicant.get_by_role("status").first).to_contain_text("annulée")
    promoted = emails_to(app, smtp, "next@example.org")[-1]
    assert "A place is free for you" in promoted.subject
    with app.app_context():
        assert db.session.get(Application, waiting.id).state == ApplicationState.CONFIRMED
    cancelled = emails_to(app, smtp, "amelie@example.org")[-1]
    assert "participation est annulée" in cancelled.subject  # in her language
    french.close()


def test_four_moves_make_one_email_after_the_delay_and_a_draft_none(app, live, page, smtp):
    """The admin moves a confirmed keynote speaker between sessions in the browser: while
    the programme is a draft nobody is told; publishing tells them once; four moves
    then make one email, after the delay."""
    with app.app_context():
        geneva = db.session.execute(
            select(Consultation).where(Consultation.slug == "geneva")
        ).scalar_one()
        admin = db.session.execute(select(User)).scalar_one()
        for n in range(3):
            make_session(geneva, admin, n, n + 0.75, title=f"Panel {n + 1}")
        ada = speaker(geneva, admin, Role.KEYNOTE, confirm=True, email="ada@example.org")
        ada_id, geneva_id = ada.id, geneva.id

    def programme_emails() -> list:
        return [
            m
            for m in emails_to(app, smtp, "ada@example.org")
            if m.subject.startswith("Your session at the consultation")
        ]

    def move_to(title: str) -> None:
        page.goto(f"{live.url}/secretariat/applications/{ada_id}")
        page.get_by_label("Session", exact=True).select_option(label=f"{title} (Panel)")
        page.get_by_role("button", name="Save the placement").click()
        expect(page.get_by_role("status").first).to_contain_text("is placed in")

    sign_in(page, live)
    for title in ("Panel 1", "Panel 2", "Panel 3", "Panel 1"):
        move_to(title)
    with app.app_context():
        time_passes()
    assert programme_emails() == []  # a draft tells nobody, however long one waits

    page.goto(f"{live.url}/secretariat/consultations/{geneva_id}/programme")
    page.get_by_role("button", name="Publish the programme").click()
    [published] = programme_emails()  # at once
    assert "Panel 1" in published.text()

    for title in ("Panel 2", "Panel 3", "Panel 1", "Panel 3"):
        move_to(title)
    assert len(programme_emails()) == 1  # waiting: more edits may come
    with app.app_context():
        time_passes()
    emails = programme_emails()
    assert len(emails) == 2  # four moves, one email
    assert "Panel 3" in emails[-1].text()


def time_passes() -> None:
    """The notice delay is over: what waits for it is due now."""
    db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.session.commit()
