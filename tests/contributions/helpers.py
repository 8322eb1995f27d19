"""Documents and a consultation that takes contributions, for the tests."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

from sqlalchemy import select

from consult.contributions.models import Contribution, ContributionCall, GuidingQuestion
from consult.database import transaction, utcnow
from consult.enums import Role
from consult.extensions import db
from consult.links import fill_token
from consult.notifications.models import OutboxMessage
from tests.conftest import csrf_token, form_version
from tests.factories import category, make_consultation

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def open_call(
    slug: str = "geneva", questions=("Which financing mechanisms worked?", "What should change?")
):
    consultation = make_consultation(slug=slug, capacities={Role.ATTENDEE: 50})
    now = utcnow()
    with transaction():
        db.session.add(
            ContributionCall(
                consultation_id=consultation.id,
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=20),
                last_number=0,
            )
        )
        for position, label in enumerate(questions):
            db.session.add(
                GuidingQuestion(
                    consultation_id=consultation.id, position=position, label=label, help=""
                )
            )
    return consultation


def question_ids(consultation) -> list[int]:
    return list(
        db.session.execute(
            select(GuidingQuestion.id)
            .where(GuidingQuestion.consultation_id == consultation.id)
            .order_by(GuidingQuestion.position)
        ).scalars()
    )


def send(client, consultation, files=(), **overrides):
    """The public form, sent (files: (bytes, name) pairs)."""
    page = client.get(f"/c/{consultation.slug}/contribute")
    assert page.status_code == 200, page.text
    first, second = question_ids(consultation)[:2]
    data = {
        "csrf_token": csrf_token(page.text),
        "full_name": "Amina Diallo",
        "email": "amina@example.org",
        "organization": "Rural Connect Senegal",
        "category": str(category("civil_society").id),
        "country": "SN",
        "gender": "female",
        "on_behalf": "organization",
        "consent": "named",
        f"answer_{first}": (
            "Community networks with blended finance worked.\n\n"
            "- spectrum fees waived\n- local ownership"
        ),
        f"answer_{second}": "",
        "website": "",
        **overrides,
    }
    if files:
        data["attachments"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post(
        f"/c/{consultation.slug}/contribute", data=data, content_type="multipart/form-data"
    )


def private_path(email: str) -> str:
    """The private link of the latest email to `email`, made live as the worker does."""
    from consult.contributions.services import mint_link_for_message

    message = (
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == email)
            .order_by(OutboxMessage.id.desc())
        )
        .scalars()
        .first()
    )
    with transaction():
        raw = mint_link_for_message(message)
    body = fill_token(message.body_text, raw)
    match = re.search(r"http://consult\.test(/w/[A-Za-z0-9_\-]+)", body)
    assert match, body
    return match.group(1)


def only_contribution() -> Contribution:
    db.session.expire_all()
    return db.session.execute(select(Contribution)).scalar_one()


def confirm(client, path):
    page = client.get(path)
    return client.post(
        f"{path}/verify",
        data={"csrf_token": csrf_token(page.text), "version": form_version(page.text)},
    )
