"""A code per confirmed participant: random, stored only as a hash (and
sealed), a different secret from the private link, on the confirmation page and
email, and dead once the person withdraws, declines or cancels."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consult.applications.privacy import erase_application
from consult.applications.services import (
    Decision,
    decide_application,
    decline_participation,
    withdraw_application,
)
from consult.attendance.codes import code_for, find_by_code, normalise, shown
from consult.attendance.models import ParticipantCode
from consult.enums import ApplicationState, Role
from consult.extensions import db
from consult.notifications.models import OutboxMessage
from tests.factories import make_consultation, under_review


@pytest.fixture
def consultation(ctx):
    return make_consultation(slug="geneva", capacities={Role.PANELIST: 5, Role.ATTENDEE: 50})


def confirmed_attendee(consultation, **overrides):
    application, raw = under_review(consultation, Role.ATTENDEE, **overrides)
    assert application.state == ApplicationState.CONFIRMED
    return application, raw


def test_the_code_is_random_hashed_and_not_the_private_link(consultation):
    application, raw = confirmed_attendee(consultation)
    code = code_for(application)
    db.session.commit()
    assert re.fullmatch(r"[A-Z2-9]{10}", code)
    other, _ = confirmed_attendee(consultation)
    assert code_for(other) != code
    row = db.session.execute(select(ParticipantCode)).scalars().first()
    stored = " ".join([row.code_hash, row.code_sealed])
    assert code not in stored and code.lower() not in stored  # hashed and sealed only
    assert code not in raw and raw not in code  # not the private link
    assert code_for(application) == code  # the same on every page
    # Found by what the desk types (dashes, spaces, lower case), in its consultation only.
    assert find_by_code(consultation.id, shown(code).lower()) == application
    assert find_by_code(consultation.id, f" {code[:5]} {code[5:]} ") == application
    assert find_by_code(make_consultation().id, code) is None
    assert normalise("ab-cd") == "ABCD"


def test_the_confirmation_email_and_page_carry_the_code_and_its_qr(consultation, client):
    application, raw = confirmed_attendee(consultation, email="olga@example.org")
    message = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.template == "participation_confirmed")
    ).scalar_one()
    code = code_for(application)
    assert shown(code) in message.body_text and shown(code) in message.body_html
    assert 'role="img"' in message.body_html  # the QR code as a table of cells
    page = client.get(f"/a/{raw}/confirmation").text
    assert shown(code) in page and "<svg" in page
    # The status page (the private link) is not what the badge carries.
    assert raw not in message.body_html.split(shown(code))[0][-200:]


@pytest.mark.parametrize("leave", ["cancel", "erase"])
def test_leaving_kills_the_code(consultation, admin, leave):
    application, _raw = confirmed_attendee(consultation)
    code = code_for(application)
    db.session.commit()
    assert find_by_code(consultation.id, code) == application
    if leave == "cancel":  # (a confirmed person withdrawing cancels their place)
        withdraw_application(application, expected_version=application.version)
        assert application.state == ApplicationState.CANCELLED
    else:
        erase_application(application, by=admin.email, user_id=admin.id)
    db.session.commit()
    assert find_by_code(consultation.id, code) is None
    assert db.session.execute(select(ParticipantCode)).first() is None
    assert code_for(application) is None  # and no new one while not confirmed


def test_no_code_before_confirming_nor_after_declining(consultation, admin):
    application, _raw = under_review(consultation, Role.PANELIST)
    decide_application(application, Decision.ACCEPT, by=admin, expected_version=2)
    assert code_for(application) is None  # accepted, not yet confirmed
    decline_participation(application, expected_version=application.version)
    assert code_for(application) is None


def test_the_move_into_confirmed_makes_the_code_and_pages_only_read_it(consultation, client, app):
    from tests.queries import count_queries

    application, raw = confirmed_attendee(consultation)
    # Made by the move itself, in its transaction, before any page or email showed it.
    [row] = db.session.execute(
        select(ParticipantCode).where(ParticipantCode.application_id == application.id)
    ).scalars()
    code = code_for(application)
    client.get(f"/a/{raw}")  # (the link's first use is recorded)
    with count_queries(app) as statements:
        page = client.get(f"/a/{raw}/confirmation")
    assert page.status_code == 200 and shown(code) in page.text
    writes = [
        s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []  # a GET changes nothing
    assert db.session.execute(select(ParticipantCode)).scalars().all() == [row]
