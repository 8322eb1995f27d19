"""Badges: a PDF whose text names each person -- Latin, Arabic, Chinese,
Cyrillic -- with organization, role and the category's name (not colour alone), four
to an A4 sheet or one per A6 page; every print in the person's history."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from consult.applications.audit import EventKind
from consult.applications.models import AuditEvent
from consult.enums import Role
from consult.extensions import db
from consult.pdfs import fonts_installed
from tests.conftest import csrf_token
from tests.factories import make_consultation, under_review

pytestmark = pytest.mark.skipif(
    not fonts_installed(), reason="Noto fonts missing (scripts/ensure_browser.py installs them)"
)
NAMES = ["Amina Diallo", "أمينة ديالو", "李伟", "Ольга Петрова", "Zoë Ærøskøbing"]


@pytest.fixture
def consultation(ctx):
    return make_consultation(slug="geneva", capacities={Role.ATTENDEE: 50})


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def squeezed(text: str) -> str:
    """Without spaces (and the NULs pypdf puts before CJK glyphs)."""
    return "".join(text.replace("\x00", "").split())


def badges(client, consultation, **data):
    page = client.get(f"/secretariat/consultations/{consultation.id}/badges")
    return client.post(
        f"/secretariat/consultations/{consultation.id}/badges",
        data={"csrf_token": csrf_token(page.text), **data},
    )


def test_a_sheet_of_badges_names_everyone_in_their_own_script(consultation, admin_client):
    for name in NAMES:
        person, _raw = under_review(
            consultation, Role.ATTENDEE, full_name=name, organization_name="UNCTAD"
        )
    under_review(consultation, Role.PANELIST, full_name="Not Confirmed")  # (no badge)
    response = badges(admin_client, consultation, layout="a4x4")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 2  # five badges, four to a sheet
    text = squeezed(text_of(response.data))
    for name in NAMES:
        words = name.split()
        # (Right-to-left words may come out in either order: each word is there.)
        assert all(squeezed(word) in text for word in words), name
    assert "NotConfirmed" not in text
    assert "UNCTAD" in text and "Attendee" in text
    assert squeezed(person.category.name) in text  # the band's name, in text
    printed = db.session.execute(
        select(func.count()).where(AuditEvent.kind == EventKind.BADGE_PRINTED.value)
    ).scalar_one()
    assert printed == len(NAMES)


def test_one_badge_on_a6_from_the_application_page(consultation, admin_client):
    olga, _raw = under_review(consultation, Role.ATTENDEE, full_name="Olga Petrova")
    under_review(consultation, Role.ATTENDEE, full_name="Someone Else")
    page = admin_client.get(f"/secretariat/applications/{olga.id}").text
    assert "Print this badge" in page
    response = badges(admin_client, consultation, layout="a6", selected=str(olga.id))
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (298, 420)  # A6 in pt
    text = squeezed(text_of(response.data))
    assert "OlgaPetrova" in text and "SomeoneElse" not in text


def test_reviewers_print_no_badges(consultation, reviewer_client):
    assert (
        reviewer_client.get(f"/secretariat/consultations/{consultation.id}/badges").status_code
        == 403
    )
