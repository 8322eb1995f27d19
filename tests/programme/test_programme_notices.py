"""Speakers are told of the programme through the real UI and the real mail worker: a
draft tells nobody, publishing tells each confirmed speaker in it once, and a batch of
moves makes one email after the delay."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from consult.database import utcnow
from consult.enums import Role
from consult.extensions import db
from consult.notifications.models import OutboxMessage
from consult.notifications.worker import drain
from tests.conftest import csrf_token
from tests.factories import make_consultation
from tests.programme.test_programme import make_session, speaker
from tests.smtp import smtp  # noqa: F401  (the fixture)

SUBJECT = "Your session at the consultation"


@pytest.fixture
def app_overrides(smtp):  # noqa: F811
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}


@pytest.fixture
def consultation(ctx):
    return make_consultation(slug="geneva", capacities={Role.PANELIST: 20})


def programme_emails(smtp, to: str) -> list:  # noqa: F811
    return [r for r in smtp.received if r.rcpt_tos == [to] and r.subject.startswith(SUBJECT)]


def time_passes() -> None:
    """The notice delay is over (the worker sends what is due)."""
    db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.session.commit()


def place(admin_client, person, session) -> None:
    page = admin_client.get(f"/secretariat/applications/{person.id}")
    token = re.search(r'id="placement-csrf-token"[^>]*value="([^"]+)"', page.text).group(1)
    db.session.refresh(person)
    response = admin_client.post(
        f"/secretariat/applications/{person.id}/placement",
        data={"csrf_token": token, "session": str(session.id), "version": str(person.version)},
    )
    assert response.status_code == 302
    assert "is placed in" in admin_client.get(response.headers["Location"]).text


def set_published(admin_client, consultation, on: bool) -> None:
    page = admin_client.get(f"/secretariat/consultations/{consultation.id}/programme")
    response = admin_client.post(
        f"/secretariat/consultations/{consultation.id}/programme/publication",
        data={"csrf_token": csrf_token(page.text), "what": "programme", "on": "1" if on else "0"},
    )
    assert response.status_code == 302


def test_a_draft_tells_nobody_and_publishing_tells_each_speaker_once(
    admin_client,
    consultation,
    admin,
    smtp,  # noqa: F811
):
    panels = [make_session(consultation, admin, n, n + 1, title=f"Panel {n}") for n in range(2)]
    ada = speaker(consultation, admin, confirm=True, email="ada@example.org")
    bob = speaker(consultation, admin, confirm=True, email="bob@example.org")
    not_confirmed = speaker(consultation, admin, email="cy@example.org")
    for person in (ada, bob, not_confirmed):
        place(admin_client, person, panels[0])
    place(admin_client, ada, panels[1])
    time_passes()
    drain()
    assert programme_emails(smtp, "ada@example.org") == []  # a draft: nobody is told

    set_published(admin_client, consultation, True)
    drain()  # at once, not after the delay
    [to_ada] = programme_emails(smtp, "ada@example.org")
    assert "is now published" in to_ada.text() and "Panel 1" in to_ada.text()
    assert len(programme_emails(smtp, "bob@example.org")) == 1
    assert programme_emails(smtp, "cy@example.org") == []  # not confirmed: not in it yet

    # Made a draft and published again, nothing changed: nobody is told twice.
    set_published(admin_client, consultation, False)
    set_published(admin_client, consultation, True)
    time_passes()
    drain()
    assert len(programme_emails(smtp, "ada@example.org")) == 1


def test_four_moves_make_one_email_after_the_delay(
    admin_client,
    consultation,
    admin,
    smtp,  # noqa: F811
):
    panels = [make_session(consultation, admin, n, n + 1, title=f"Panel {n}") for n in range(3)]
    ada = speaker(consultation, admin, confirm=True, email="ada@example.org")
    place(admin_client, ada, panels[0])
    set_published(admin_client, consultation, True)
    drain()
    assert len(programme_emails(smtp, "ada@example.org")) == 1  # the publication notice
    for session in (panels[1], panels[2], panels[0], panels[2]):
        place(admin_client, ada, session)
        drain()
    assert len(programme_emails(smtp, "ada@example.org")) == 1  # waiting for more edits
    time_passes()
    drain()
    emails = programme_emails(smtp, "ada@example.org")
    assert len(emails) == 2  # four moves, one email
    assert "Panel 2" in emails[-1].text() and "is now published" not in emails[-1].text()

    # A move, then the programme made a draft again before the notice went: not sent.
    place(admin_client, ada, panels[1])
    set_published(admin_client, consultation, False)
    time_passes()
    drain()
    assert len(programme_emails(smtp, "ada@example.org")) == 2
