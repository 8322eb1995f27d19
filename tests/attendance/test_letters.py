"""Letters of invitation for visas, through the real pages: asked for on
the private page, issued and sent by the secretariat (one or many), a PDF in the
participant's language -- Arabic right to left -- on the letterhead, checked by
reference on a page that shows only name, meeting and validity; the passport details
erased with the person and purged after the meeting."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from consult.applications.audit import EventKind
from consult.applications.models import AuditEvent
from consult.applications.privacy import erase_application
from consult.applications.services import withdraw_application
from consult.attendance.letters import purge_after_meetings
from consult.attendance.models import VisaLetter, VisaLetterState
from consult.enums import Role
from consult.extensions import db
from consult.notifications.models import OutboxMessage
from consult.pdfs import fonts_installed
from tests.conftest import csrf_token
from tests.factories import make_consultation, under_review

pytestmark = pytest.mark.skipif(not fonts_installed(), reason="Noto fonts missing")


@pytest.fixture
def consultation(ctx):
    return make_consultation(slug="geneva", capacities={Role.ATTENDEE: 50})


def squeezed(text: str) -> str:
    return "".join(text.replace("\x00", "").split())


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def ask(client, raw, **overrides):
    page = client.get(f"/a/{raw}/visa-letter")
    data = {
        "csrf_token": csrf_token(page.text),
        "passport_name": "Amina DIALLO",
        "passport_number": "a1234567",
        "nationality": "SN",
        "date_of_birth": "1985-03-14",
        "consulate": "Embassy of Switzerland in Dakar",
        **overrides,
    }
    return client.post(f"/a/{raw}/visa-letter", data=data)


def queue_action(admin_client, consultation, action, letter_ids, state="requested"):
    url = f"/secretariat/consultations/{consultation.id}/visa-letters?state={state}"
    page = admin_client.get(url)
    return admin_client.post(
        url,
        data={"csrf_token": csrf_token(page.text), "action": action, "selected": letter_ids},
    )


def test_a_participant_asks_the_secretariat_issues_and_sends_the_letter(
    consultation, client, admin_client
):
    amina, raw = under_review(consultation, Role.ATTENDEE, full_name="Amina Diallo")
    assert "Letter of invitation for a visa" in client.get(f"/a/{raw}").text
    missing = ask(client, raw, passport_number="")
    assert missing.status_code == 422 and "Give your passport number." in missing.text
    assert ask(client, raw, date_of_birth="2999-01-01").status_code == 422
    assert db.session.execute(select(VisaLetter)).first() is None  # nothing half-saved
    assert ask(client, raw).status_code == 302
    letter = db.session.execute(select(VisaLetter)).scalar_one()
    assert (letter.passport_number, letter.state) == ("A1234567", VisaLetterState.REQUESTED)
    assert client.get(f"/a/{raw}/visa-letter.pdf").status_code == 404  # not yet issued
    listed = admin_client.get(f"/secretariat/consultations/{consultation.id}/visa-letters")
    assert "Amina DIALLO" in listed.text and "Embassy of Switzerland in Dakar" in listed.text
    queue_action(admin_client, consultation, "issue", [letter.id])
    db.session.expire_all()
    assert letter.state == VisaLetterState.ISSUED
    assert letter.reference == f"{consultation.reference_prefix}-VL-0001"
    pdf = admin_client.get(
        f"/secretariat/consultations/{consultation.id}/visa-letters/{letter.id}.pdf"
    )
    assert pdf.mimetype == "application/pdf"
    text = squeezed(text_of(pdf.data))
    for expected in ("AminaDIALLO", "A1234567", squeezed(consultation.title), letter.reference):
        assert expected in text, expected
    queue_action(admin_client, consultation, "send", [letter.id], state="issued")
    db.session.expire_all()
    assert letter.state == VisaLetterState.SENT
    email = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.template == "visa_letter_ready")
    ).scalar_one()
    assert letter.reference in email.body_text and email.to_address == amina.email
    own = client.get(f"/a/{raw}/visa-letter.pdf")
    assert own.status_code == 200 and own.mimetype == "application/pdf"
    notes = (
        db.session.execute(
            select(AuditEvent.note).where(AuditEvent.kind == EventKind.VISA_LETTER.value)
        )
        .scalars()
        .all()
    )
    assert len(notes) == 3  # requested, issued, sent


def test_the_letter_is_in_arabic_right_to_left_for_an_arabic_speaker(
    consultation, client, admin_client, admin
):
    person, raw = under_review(
        consultation, Role.ATTENDEE, full_name="أمينة ديالو", language="ar", country="EG"
    )
    ask(client, raw, passport_name="أمينة ديالو", nationality="EG")
    letter = db.session.execute(select(VisaLetter)).scalar_one()
    queue_action(admin_client, consultation, "issue", [letter.id])
    data = client.get(f"/a/{raw}/visa-letter.pdf").data
    text = squeezed(text_of(data))
    assert "أمينة" in text and "ديالو" in text
    assert "رسالةدعوة" in text  # the title, in Arabic
    # Right to left: the short title starts in the right half of the page (an English
    # one starts at the left margin).
    page = PdfReader(io.BytesIO(data)).pages[0]
    runs = []
    page.extract_text(
        visitor_text=lambda text, cm, tm, *_: runs.append((text, tm[4] * cm[0] + cm[4]))
    )
    title_x = [x for text, x in runs if squeezed(text) == "رسالةدعوة"]
    assert title_x and min(title_x) > float(page.mediabox.width) / 2


def test_the_verification_page_shows_name_meeting_and_validity_only(
    consultation, client, admin_client
):
    amina, raw = under_review(
        consultation, Role.ATTENDEE, full_name="Amina Diallo", email="amina@example.org"
    )
    ask(client, raw)
    letter = db.session.execute(select(VisaLetter)).scalar_one()
    queue_action(admin_client, consultation, "issue", [letter.id])
    db.session.expire_all()
    page = client.get(f"/letters/verify?ref={letter.reference.lower()}")
    assert page.status_code == 200
    assert "This letter is valid" in page.text and "Amina DIALLO" in page.text
    assert consultation.title in page.text
    for private in ("A1234567", "amina@example.org", "Dakar", "1985", amina.reference):
        assert private not in page.text, private
    assert client.get("/letters/verify?ref=FM-VL-9999").status_code == 404
    withdraw_application(amina, expected_version=amina.version)  # (cancels her place)
    assert "no longer valid" in client.get(f"/letters/verify?ref={letter.reference}").text


def test_passport_details_go_with_erasure_and_after_the_meeting(consultation, client, admin):
    first, raw = under_review(consultation, Role.ATTENDEE)
    ask(client, raw)
    second, raw2 = under_review(consultation, Role.ATTENDEE)
    ask(client, raw2, passport_number="B7654321")
    data = json.loads(client.get(f"/a/{raw2}/my-data.json").text)
    assert data["visa_letter"]["passport_number"] == "B7654321"
    erase_application(first, by=admin.email, user_id=admin.id)
    db.session.commit()
    erased = db.session.execute(
        select(VisaLetter).where(VisaLetter.application_id == first.id)
    ).scalar_one()
    assert (erased.passport_number, erased.date_of_birth) == ("", None)
    assert purge_after_meetings(consultation.ends_at - timedelta(days=1)) == 0  # not yet
    assert purge_after_meetings(consultation.ends_at + timedelta(days=1)) == 2
    kept = db.session.execute(
        select(VisaLetter).where(VisaLetter.application_id == second.id)
    ).scalar_one()
    db.session.refresh(kept)
    assert kept.passport_number == "" and kept.purged_at is not None


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 20), (0, 90, 156)).save(out, "PNG")
    return out.getvalue()


def test_the_letterhead_takes_a_real_image_and_known_placeholders_only(consultation, admin_client):
    url = f"/secretariat/consultations/{consultation.id}/letter-settings"
    page = admin_client.get(url)

    def save(**data):
        return admin_client.post(
            url,
            data={"csrf_token": csrf_token(page.text), "signatory": "Ms A. Official", **data},
            content_type="multipart/form-data",
        )

    fake = save(logo=(io.BytesIO(b"<script>alert(1)</script>"), "logo.png"))
    assert fake.status_code == 422 and "The logo must be a PNG or JPEG image." in fake.text
    unknown = save(text_fr="Madame, Monsieur, {secret}")
    assert unknown.status_code == 422 and "Unknown placeholder" in unknown.text
    assert (
        save(logo=(io.BytesIO(_png()), "logo.png"), text_fr="Lettre pour {name}.").status_code
        == 302
    )
    from consult.attendance.models import LetterSettings

    settings = db.session.get(LetterSettings, consultation.id)
    assert settings.logo.startswith(b"\x89PNG") and settings.texts == {"fr": "Lettre pour {name}."}


def test_the_demo_has_letters_to_issue_one_in_arabic(app, ctx, admin, admin_client):
    from consult.demo.seed import seed_demo, seed_demo_speakers, seed_demo_visa_requests

    consultation, _new = seed_demo()
    seed_demo_speakers(consultation, admin)
    assert seed_demo_visa_requests(consultation) == 3
    assert seed_demo_visa_requests(consultation) == 0  # (once)
    letters = db.session.execute(select(VisaLetter)).scalars().all()
    queue_action(admin_client, consultation, "issue", [letter.id for letter in letters])
    arabic = next(letter for letter in letters if letter.application.language == "ar")
    pdf = admin_client.get(
        f"/secretariat/consultations/{consultation.id}/visa-letters/{arabic.id}.pdf"
    )
    text = squeezed(text_of(pdf.data))
    assert "ليلى" in text and "المنصوري" in text and "رسالةدعوة" in text
