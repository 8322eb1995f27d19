"""Email a group, through the real pages and the real outbox: write to
the applicants a filter finds or to a selection, in each person's language, preview,
send; each message recorded on its application; no private link but the recipient's
own, and only where {link} asks for it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consult.applications.audit import EventKind
from consult.applications.models import AuditEvent
from consult.enums import ApplicationState, Role
from consult.extensions import db
from consult.links import LINK_TOKEN
from consult.notifications.models import OutboxMessage
from consult.security.models import SecurityEvent, SecurityTag
from tests.conftest import csrf_token
from tests.factories import make_consultation, submit, under_review

COMPOSE = "/secretariat/applications/email"


@pytest.fixture
def consultation(ctx):
    return make_consultation(slug="geneva", capacities={Role.PANELIST: 20})


def group_messages() -> list[OutboxMessage]:
    return list(
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.template == "group_message")
            .order_by(OutboxMessage.to_address)
        ).scalars()
    )


def compose(client, query: str, data: dict, page=None):
    page = page or client.get(f"{COMPOSE}?{query}")
    fields = dict(
        re.findall(r'<input[^>]*name="(nonce|previewed|selected)"[^>]*value="([^"]*)"', page.text)
    )
    return client.post(
        f"{COMPOSE}?{query}", data={"csrf_token": csrf_token(page.text), **fields, **data}
    )


def test_a_filtered_group_gets_one_email_each_in_their_language_after_a_preview(
    consultation, admin_client
):
    ana, _t = under_review(
        consultation, full_name="Ana Pérez", email="ana@example.org", language="es"
    )
    ben, _t = under_review(consultation, full_name="Ben Okafor", email="ben@example.org")
    chloe, _t = under_review(consultation, Role.ATTENDEE, email="chloe@example.org", language="fr")
    submit(consultation, email="unconfirmed@example.org")  # (address never confirmed)
    query = f"consultation={consultation.id}&role=panelist"
    page = admin_client.get(f"{COMPOSE}?{query}")
    assert "To the 2 applicants the queue’s filter finds" in page.text
    assert 'name="subject_es"' in page.text and 'name="subject_fr"' not in page.text
    texts = {
        "subject_en": "Your session at {consultation}",
        "body_en": "Dear {name},\n\nYour reference is {reference}. Your page: {link}",
        "subject_es": "Su sesión",
        "body_es": "Estimada/o {name}:\n\nSu página: {link}",
    }
    previewed = compose(admin_client, query, {**texts, "action": "preview"}, page)
    assert previewed.status_code == 200
    assert "Dear Ben Okafor," in previewed.text and "Estimada/o Ana Pérez:" in previewed.text
    assert "Send 2 emails" in previewed.text
    assert group_messages() == []  # a preview sends nothing
    sent = compose(admin_client, query, {**texts, "action": "send"}, previewed)
    assert sent.status_code == 302
    to_ana, to_ben = group_messages()
    assert (to_ana.to_address, to_ben.to_address) == ("ana@example.org", "ben@example.org")
    assert to_ana.subject == "Su sesión" and to_ana.language == "es"
    assert "Dear Ben Okafor," in to_ben.body_text and ben.reference in to_ben.body_text
    assert f"/a/{LINK_TOKEN}" in to_ben.body_text  # minted for Ben when sent
    assert chloe.email not in {m.to_address for m in group_messages()}
    notes = db.session.execute(
        select(AuditEvent.application_id, AuditEvent.note).where(
            AuditEvent.kind == EventKind.EMAILED.value
        )
    ).all()
    assert sorted(notes) == sorted(
        [(ana.id, "Su sesión"), (ben.id, f"Your session at {consultation.title}")]
    )
    assert (
        db.session.execute(
            select(SecurityEvent.detail).where(SecurityEvent.tag == SecurityTag.GROUP_EMAIL)
        ).scalar_one()
        == "2 recipients"
    )
    # Sending the same page again sends nothing more.
    again = compose(admin_client, query, {**texts, "action": "send"}, previewed)
    assert again.status_code == 409 and len(group_messages()) == 2
    # The applicant's history says the secretariat wrote.
    history = admin_client.get(f"/secretariat/applications/{ben.id}").text
    assert "Email from the secretariat" in history


def test_a_selection_is_written_to_and_nobody_else(consultation, admin_client):
    people = [under_review(consultation, email=f"p{n}@example.org")[0] for n in range(3)]
    queue = admin_client.get(f"/secretariat/applications?consultation={consultation.id}")
    assert "Email the selected" in queue.text and "Email everyone this filter finds" in queue.text
    query = f"consultation={consultation.id}"
    arrived = admin_client.post(
        f"{COMPOSE}?{query}",
        data={
            "csrf_token": csrf_token(queue.text),
            "selected": [f"{people[0].id}:{people[0].version}", f"{people[2].id}:1"],
        },
    )
    assert "To the 2 selected applicants" in arrived.text
    texts = {"subject_en": "Hello", "body_en": "Hello {name}."}
    previewed = compose(admin_client, query, {**texts, "action": "preview"}, arrived)
    compose(admin_client, query, {**texts, "action": "send"}, previewed)
    assert [m.to_address for m in group_messages()] == ["p0@example.org", "p2@example.org"]
    for message in group_messages():
        assert "/a/" not in message.body_text + message.body_html  # no {link}: no link


@pytest.mark.parametrize(
    ("texts", "field", "message"),
    [
        (
            {"subject_en": "", "body_en": "Hi"},
            "subject_en",
            "Write the subject and message in English",
        ),
        (
            {"subject_en": "Hi", "body_en": "See {secret}"},
            "body_en",
            "Unknown placeholder: {secret}.",
        ),
        (
            {
                "subject_en": "Hi",
                "body_en": "Mine: http://x.test/a/AbCdEfGhIjKlMnOpQrStUvWxYz012345678",
            },
            "body_en",
            "A private link cannot be typed into a message",
        ),
        ({"subject_en": "Hi", "body_en": "Hi", "subject_es": "Hola"}, "body_es", "or neither"),
    ],
)
def test_what_cannot_go_out_is_said_beside_its_field_and_nothing_is_sent(
    consultation, admin_client, texts, field, message
):
    under_review(consultation, language="es")
    query = f"consultation={consultation.id}"
    for action in ("preview", "send"):
        refused = compose(admin_client, query, {**texts, "action": action, "previewed": "1"})
        assert refused.status_code == 422
        assert message in refused.text
        assert (
            re.search(
                rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"',
                refused.text,
            )
            or field in refused.text
        )
    assert group_messages() == []


def test_the_group_changing_after_the_preview_stops_the_sending(consultation, admin_client):
    under_review(consultation)
    query = f"consultation={consultation.id}"
    texts = {"subject_en": "Hi", "body_en": "Hello {name}."}
    previewed = compose(admin_client, query, {**texts, "action": "preview"})
    under_review(consultation)  # someone new since
    changed = compose(admin_client, query, {**texts, "action": "send"}, previewed)
    assert changed.status_code == 409
    assert "The group changed since your preview: 2 people now." in changed.text
    assert group_messages() == []


def test_reviewers_cannot_email_applicants(consultation, reviewer_client):
    under_review(consultation)
    assert reviewer_client.get(f"{COMPOSE}?consultation={consultation.id}").status_code == 403
    assert ApplicationState.UNDER_REVIEW  # (the state the group is in)
