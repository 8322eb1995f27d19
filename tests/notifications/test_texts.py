"""Admins write a consultation's own email texts with safe placeholders."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.links import LINK_TOKEN
from consult.notifications.models import EmailText, OutboxMessage
from consult.notifications.services import save_custom_text
from consult.notifications.texts import fill, text_to_html, unknown_placeholders
from tests.conftest import csrf_token
from tests.factories import make_consultation, submit


def edit_url(consultation, template="verify_email", language="en"):
    return f"/secretariat/consultations/{consultation.id}/emails/{template}/{language}"


def test_placeholders_are_filled_and_nothing_else_is_interpreted():
    values = {"name": "Amina", "link": "http://x/a/t"}
    assert fill("Dear {name}, {{ config }} {unknown} {link}", values) == (
        "Dear Amina, {{ config }} {unknown} http://x/a/t"
    )
    assert unknown_placeholders("{name} {message} {secret_key}", "verify_email") == [
        "message",
        "secret_key",
    ]
    html = str(text_to_html("<script>alert(1)</script>\n\nSee https://example.org/x"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://example.org/x"' in html


def test_a_saved_text_is_used_for_new_emails(ctx):
    consultation = make_consultation()
    save_custom_text(
        consultation.id,
        "verify_email",
        "en",
        "Please confirm, {name} ({reference})",
        "Hello {name},\n\nOpen {link} to confirm.\n\n{{ config.SECRET_KEY }}",
        "admin@ungis.example",
    )
    application, raw = submit(consultation, full_name="Amina Diallo")
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert message.subject == f"Please confirm, Amina Diallo ({application.reference})"
    assert f"Open http://consult.test/a/{LINK_TOKEN} to confirm." in message.body_text
    assert "{{ config.SECRET_KEY }}" in message.body_text  # shown as typed, never run
    assert "testing-secret" not in message.body_text + message.body_html
    assert f'href="http://consult.test/a/{LINK_TOKEN}"' in message.body_html
    assert application.reference in message.body_html  # the usual layout around it


def test_other_languages_keep_the_built_in_text(ctx):
    from consult.applications.services import ApplicationData, submit_application
    from tests.factories import application_data

    consultation = make_consultation()
    save_custom_text(consultation.id, "verify_email", "en", "Own {name}", "Own {link}", "a")
    data: ApplicationData = application_data()
    submit_application(consultation, data, language="fr")
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert not message.subject.startswith("Own")


def test_admin_edits_previews_saves_and_resets(admin_client, ctx):
    consultation = make_consultation()
    url = edit_url(consultation)
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Confirm your email address" in page.text  # the built-in text, for reference
    token = csrf_token(page.text)
    preview = admin_client.post(
        url,
        data={
            "csrf_token": token,
            "subject": "Hi {name}",
            "body": "Open {link}",
            "action": "preview",
        },
    )
    assert preview.status_code == 200
    assert "Hi Amina Diallo" in preview.text  # sample values
    assert db.session.execute(select(EmailText)).first() is None  # preview saves nothing
    saved = admin_client.post(
        url,
        data={"csrf_token": token, "subject": "Hi {name}", "body": "Open {link}", "action": "save"},
    )
    assert saved.status_code == 302
    listing = admin_client.get(saved.headers["Location"]).text
    assert "Own text" in listing
    frame = admin_client.get(url + "/preview.html")
    assert 'href="http://consult.test/a/EXAMPLE-PRIVATE-LINK"' in frame.text
    assert "sandbox" in frame.headers["Content-Security-Policy"]
    admin_client.post(url, data={"csrf_token": token, "action": "reset"})
    assert db.session.execute(select(EmailText)).first() is None


@pytest.mark.parametrize(
    ("subject", "body", "field", "message"),
    [
        ("Hi {nmae}", "Open {link}", "subject", "Not a placeholder this email knows: {nmae}"),
        ("Hi", "Open {link} {message}", "body", "Not a placeholder this email knows: {message}"),
        ("Hi", "No link here", "body", "Include {link}"),
        ("", "Open {link}", "subject", "Give a subject."),
    ],
)
def test_bad_texts_are_refused_beside_the_field(admin_client, ctx, subject, body, field, message):
    consultation = make_consultation()
    url = edit_url(consultation)
    token = csrf_token(admin_client.get(url).text)
    response = admin_client.post(
        url, data={"csrf_token": token, "subject": subject, "body": body, "action": "save"}
    )
    assert response.status_code == 422
    error = re.search(rf'id="{field}-error">(.*?)</p>', response.text, re.S).group(1)
    assert message in error.replace("&#39;", "'")
    assert db.session.execute(select(EmailText)).first() is None


def test_decision_texts_may_use_the_message(ctx, admin):
    from consult.applications.services import Decision, decide_application
    from tests.factories import under_review

    consultation = make_consultation()
    save_custom_text(
        consultation.id,
        "rejected",
        "en",
        "Outcome {reference}",
        "Dear {name},\n\n{message}\n\n{link}",
        admin.email,
    )
    application, _ = under_review(consultation)
    decide_application(
        application, Decision.REJECT, by=admin, expected_version=2, message="The panel was full."
    )
    message = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.template == "rejected")
    ).scalar_one()
    assert "The panel was full." in message.body_text


def test_unknown_email_or_language_is_404(admin_client, ctx):
    consultation = make_consultation()
    assert admin_client.get(edit_url(consultation, "nope")).status_code == 404
    assert admin_client.get(edit_url(consultation, language="xx")).status_code == 404
