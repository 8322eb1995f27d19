"""The consultation's own questions, through the real pages: an admin
defines them, translates them, applicants answer them on the form, reviewers see the
answers, the queue filters by them, the CSV has them, the person's data download has
them, and erasure takes them."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import func, select

from consult.applications.models import Answer, Application
from consult.applications.privacy import erase_application
from consult.consultations.models import Question
from consult.extensions import db
from tests.applications.test_views import (
    confirm_address,
    field_error,
    form_data,
    latest_link,
)
from tests.conftest import csrf_token
from tests.factories import make_consultation


@pytest.fixture
def consultation(ctx):
    return make_consultation(slug="geneva")


def add_question(admin_client, consultation, **fields) -> Question:
    page = admin_client.get(f"/secretariat/consultations/{consultation.id}/questions/new")
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_token(page.text),
        "label": "Question?",
        "help": "",
        "kind": "short_text",
        "options": "",
        "roles": ["keynote", "panelist", "attendee"],
        "active": "y",
    }
    data.update(fields)
    response = admin_client.post(
        f"/secretariat/consultations/{consultation.id}/questions/new", data=data
    )
    assert response.status_code == 302, response.text
    return db.session.execute(select(Question).order_by(Question.id.desc())).scalars().first()


def translate(admin_client, consultation, language: str, texts: dict[str, str]):
    url = f"/secretariat/consultations/{consultation.id}/translations/{language}"
    page = admin_client.get(url)
    response = admin_client.post(url, data={"csrf_token": csrf_token(page.text), **texts})
    assert response.status_code == 302, response.text


def apply(client, path="/c/geneva/apply", **overrides):
    page = client.get(path)
    return page, client.post("/c/geneva/apply", data=form_data(page.text, **overrides))


VISA_FR = "Avez-vous besoin d’une lettre d’invitation pour un visa ?"


@pytest.fixture
def visa(admin_client, consultation) -> Question:
    """A required yes/no question in English and French."""
    question = add_question(
        admin_client,
        consultation,
        label="Do you need a visa invitation letter?",
        kind="yes_no",
        required="y",
    )
    translate(
        admin_client,
        consultation,
        "fr",
        {f"question-{question.id}-label": VISA_FR},
    )
    return question


@pytest.fixture
def mechanism(admin_client, consultation) -> Question:
    """Several choices, panelists only, translated option by option."""
    question = add_question(
        admin_client,
        consultation,
        label="Which financing mechanisms will you address?",
        kind="choices",
        options="Blended finance\nUniversal service funds\nPublic-private partnerships",
        roles=["panelist"],
    )
    translate(
        admin_client,
        consultation,
        "fr",
        {
            f"question-{question.id}-label": "Quels mécanismes de financement aborderez-vous ?",
            f"question-{question.id}-options": (
                "Financement mixte\nFonds de service universel\nPartenariats public-privé"
            ),
        },
    )
    return question


def test_an_admin_defines_a_required_question_in_two_languages_and_it_is_answered(
    app, admin_client, client, consultation, visa, mechanism
):
    # The French form asks both, in French, the options translated.
    page = client.get("/c/geneva/apply?lang=fr")
    assert "Avez-vous besoin d’une lettre d’invitation pour un visa" in page.text
    assert "Financement mixte" in page.text and "Fonds de service universel" in page.text
    assert f'name="question_{visa.id}"' in page.text

    # Required and not answered: said beside the field, nothing saved.
    response = client.post("/c/geneva/apply", data=form_data(page.text))
    assert response.status_code == 422
    assert "Répondez à cette question." in field_error(response.text, f"question_{visa.id}")
    assert db.session.execute(select(func.count(Application.id))).scalar_one() == 0

    answers = {
        f"question_{visa.id}": "yes",
        f"question_{mechanism.id}": ["Universal service funds", "Blended finance"],
    }
    response = client.post("/c/geneva/apply", data={**form_data(page.text), **answers})
    assert response.status_code == 302
    application = db.session.execute(select(Application)).scalar_one()
    stored = {a.question_id: a.value for a in application.answers}
    # The options' English text, in the options' order, whatever the form's language.
    assert stored == {visa.id: "yes", mechanism.id: "Blended finance\nUniversal service funds"}

    # The applicant sees their answers; the secretariat too, on the application page.
    link = latest_link("amina@example.org")
    confirm_address(client, link)
    status = client.get(link + "?lang=fr").text
    assert "Financement mixte, Fonds de service universel" in status
    detail = admin_client.get(f"/secretariat/applications/{application.id}?lang=en").text
    assert "Do you need a visa invitation letter?" in detail
    assert "Blended finance, Universal service funds" in detail

    # The queue filters by an answer (and its counts follow).
    queue = f"/secretariat/applications?consultation={consultation.id}"
    html = admin_client.get(queue).text
    assert f'value="{visa.id}:yes"' in html
    assert application.reference in admin_client.get(f"{queue}&answer={visa.id}:yes").text
    assert application.reference not in admin_client.get(f"{queue}&answer={visa.id}:no").text
    by_choice = admin_client.get(f"{queue}&answer={mechanism.id}:Universal service funds").text
    assert application.reference in by_choice
    other = admin_client.get(f"{queue}&answer={mechanism.id}:Public-private partnerships").text
    assert application.reference not in other

    # The CSV has a column per question, answers as people read them.
    export = admin_client.get(
        f"/secretariat/applications/export.csv?consultation={consultation.id}"
    )
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert rows[0]["Do you need a visa invitation letter?"] == "Yes"
    assert (
        rows[0]["Which financing mechanisms will you address?"]
        == "Blended finance, Universal service funds"
    )

    # The person's own copy of their data has them.
    data = json.loads(client.get(f"{link}/my-data.json").data)
    assert {"question": "Do you need a visa invitation letter?", "answer": "yes"} in data["answers"]

    # Erasure takes them.
    erase_application(application, by="admin@example.org")
    assert db.session.execute(select(func.count()).select_from(Answer)).scalar_one() == 0


def test_a_question_for_one_role_is_neither_required_nor_kept_for_another(
    client, consultation, admin_client
):
    only_panelists = add_question(
        admin_client, consultation, label="Your panel?", required="y", roles=["panelist"]
    )
    page = client.get("/c/geneva/apply")
    assert "Required for: Panelist." in page.text
    response = client.post(
        "/c/geneva/apply",
        data={
            **form_data(page.text, role="attendee", topic="", abstract="", bio=""),
            f"question_{only_panelists.id}": "sent anyway",
        },
    )
    assert response.status_code == 302
    application = db.session.execute(select(Application)).scalar_one()
    assert application.answers == []  # not asked of an attendee: not kept


@pytest.mark.parametrize(
    ("kind", "options", "sent", "message"),
    [
        ("number", "", "NaN", "Enter a number."),
        ("number", "", "twelve", "Not a valid decimal value."),
        ("date", "", "31/31/2027", "Not a valid date value."),
        ("choice", "A\nB", "C", "Choose one of the options."),
        ("yes_no", "", "maybe", "Answer yes or no."),
        ("short_text", "", "x" * 301, "Field cannot be longer than 300 characters."),
    ],
)
def test_a_wrong_answer_is_refused_beside_its_field(
    client, consultation, admin_client, kind, options, sent, message
):
    question = add_question(admin_client, consultation, kind=kind, options=options)
    page = client.get("/c/geneva/apply")
    response = client.post(
        "/c/geneva/apply", data={**form_data(page.text), f"question_{question.id}": sent}
    )
    assert response.status_code == 422
    assert message in field_error(response.text, f"question_{question.id}")
    assert db.session.execute(select(func.count(Application.id))).scalar_one() == 0


def test_numbers_and_dates_are_kept_plainly_and_read_in_the_readers_style(
    client, consultation, admin_client
):
    people = add_question(admin_client, consultation, label="Delegation size?", kind="number")
    arrival = add_question(admin_client, consultation, label="Arrival?", kind="date")
    page = client.get("/c/geneva/apply")
    client.post(
        "/c/geneva/apply",
        data={
            **form_data(page.text),
            f"question_{people.id}": "3.50",
            f"question_{arrival.id}": "2027-01-28",
        },
    )
    application = db.session.execute(select(Application)).scalar_one()
    assert {a.question_id: a.value for a in application.answers} == {
        people.id: "3.5",
        arrival.id: "2027-01-28",
    }
    detail = admin_client.get(f"/secretariat/applications/{application.id}?lang=fr").text
    assert "28 janvier 2027" in detail


def test_the_kept_blank_form_shows_a_new_question_at_once(client, consultation, admin_client):
    assert "Questions from the secretariat" not in client.get("/c/geneva/apply").text
    add_question(admin_client, consultation, label="Any dietary needs?")
    html = client.get("/c/geneva/apply").text
    assert "Questions from the secretariat" in html and "Any dietary needs?" in html


def test_an_answered_question_is_retired_not_deleted_and_keeps_its_kind(
    client, consultation, admin_client
):
    question = add_question(admin_client, consultation, label="Dietary needs?")
    unanswered = add_question(admin_client, consultation, label="Unused?")
    page, _ = apply(client, **{f"question_{question.id}": "Vegetarian"})
    client.post(
        "/c/geneva/apply",
        data={**form_data(page.text), f"question_{question.id}": "Vegetarian"},
    )
    base = f"/secretariat/consultations/{consultation.id}/questions"
    listing = admin_client.get(base).text
    token = csrf_token(listing)
    refused = admin_client.post(
        f"{base}/{question.id}/delete", data={"csrf_token": token}, follow_redirects=True
    )
    assert "retire it instead" in refused.text
    assert db.session.get(Question, question.id) is not None
    unanswered_id = unanswered.id
    admin_client.post(f"{base}/{unanswered_id}/delete", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Question, unanswered_id) is None

    edit = admin_client.get(f"{base}/{question.id}")
    changed_kind = admin_client.post(
        f"{base}/{question.id}",
        data={
            "csrf_token": csrf_token(edit.text),
            "label": "Dietary needs?",
            "kind": "number",
            "roles": ["keynote", "panelist", "attendee"],
            "active": "y",
        },
    )
    assert changed_kind.status_code == 422
    assert "kind cannot change" in field_error(changed_kind.text, "kind")

    retired = admin_client.post(
        f"{base}/{question.id}",
        data={
            "csrf_token": csrf_token(edit.text),
            "label": "Dietary needs?",
            "kind": "short_text",
            "roles": ["keynote", "panelist", "attendee"],
        },
    )
    assert retired.status_code == 302
    assert "Dietary needs?" not in client.get("/c/geneva/apply").text
    application = db.session.execute(select(Application)).scalar_one()
    detail = admin_client.get(f"/secretariat/applications/{application.id}").text
    assert "Vegetarian" in detail  # the answer given stays, shown


def test_a_choice_question_needs_two_options(admin_client, consultation):
    url = f"/secretariat/consultations/{consultation.id}/questions/new"
    page = admin_client.get(url)
    response = admin_client.post(
        url,
        data={
            "csrf_token": csrf_token(page.text),
            "label": "Pick one",
            "kind": "choice",
            "options": "Only\n\n  ",
            "roles": ["panelist"],
        },
    )
    assert response.status_code == 422
    assert "at least two options" in field_error(response.text, "options")
    assert db.session.execute(select(func.count(Question.id))).scalar_one() == 0


def test_questions_are_for_admins_only(reviewer_client, consultation):
    url = f"/secretariat/consultations/{consultation.id}/questions"
    assert reviewer_client.get(url).status_code == 403
    assert re.search(r"Questions", reviewer_client.get("/secretariat/applications").text) is None


def test_the_csv_keeps_the_question_columns_in_order_when_some_have_no_answers(
    client, consultation, admin_client
):
    # (The first and third are asked of keynote speakers only: nobody answers them.)
    add_question(admin_client, consultation, label="First?", roles=["keynote"])
    second = add_question(admin_client, consultation, label="Second?")
    add_question(admin_client, consultation, label="Third?", roles=["keynote"])
    page = client.get("/c/geneva/apply")
    client.post(
        "/c/geneva/apply", data={**form_data(page.text), f"question_{second.id}": "Only this"}
    )
    export = admin_client.get(
        f"/secretariat/applications/export.csv?consultation={consultation.id}"
    )
    header, row = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert header[-3:] == ["First?", "Second?", "Third?"]
    assert row[-3:] == ["", "Only this", ""]
