"""A code per confirmed participant: random, typed or scanned at the door.

The code is ten characters of an alphabet without look-alikes (no 0/O, 1/I/L, U),
shown as ABCDE-23456 and in a QR code. It is found by its SHA-256 hash; a sealed copy
(consult.sealing, purpose "checkin") lets the confirmation page and the badge show it
again. It proves nothing alone: it works only at this app's desk, only while the
person is confirmed, and it is deleted when they leave. It is not the private link:
scanning a badge gives no way into the application."""

from __future__ import annotations

import hashlib
import re
import secrets

import segno
from sqlalchemy import delete, select

from consult.applications.models import Application
from consult.attendance.models import ParticipantCode
from consult.enums import ApplicationState
from consult.extensions import db
from consult.sealing import seal, unseal

ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
LENGTH = 10
PURPOSE = "checkin"
# What people type for what they mean: O for 0 is not in the alphabet, so the two
# look-alike pairs that are fold onto the letter kept.
_TYPED = str.maketrans({"0": "O", "1": "I", "L": "I", "U": "V"})


def _hash(code: str) -> str:
    return hashlib.sha256(f"consult-checkin:{code}".encode()).hexdigest()


def normalise(typed: str) -> str:
    """What someone typed or a scanner read, as a code: no spaces or dashes, upper case."""
    return re.sub(r"[\s\-]", "", typed or "").upper()[:40]


def shown(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _stored(application: Application) -> tuple[ParticipantCode | None, str | None]:
    """The participant's code row and the code it holds (None if there is no row, or
    it was sealed with a key that was dropped)."""
    row = db.session.execute(
        select(ParticipantCode).where(ParticipantCode.application_id == application.id)
    ).scalar_one_or_none()
    return row, (unseal(row.code_sealed, PURPOSE) if row is not None else None)


def existing_code(application: Application) -> str | None:
    """The participant's code if they are confirmed and have one; never makes one
    (pages and emails only read it: the move that confirmed them made it)."""
    if application.state != ApplicationState.CONFIRMED:
        return None
    return _stored(application)[1]


def code_for(application: Application) -> str | None:
    """The participant's code, made in the caller's transaction if they have none
    (the `admitted` effect of a move into confirmed; badges, for people confirmed
    before codes were made by the move), or None when they are not confirmed."""
    if application.state != ApplicationState.CONFIRMED:
        return None
    row, code = _stored(application)
    if code is not None:
        return code
    if row is not None:
        db.session.delete(row)  # (sealed with a key that was dropped: a new one)
        db.session.flush()
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    db.session.add(
        ParticipantCode(
            application_id=application.id, code_hash=_hash(code), code_sealed=seal(code, PURPOSE)
        )
    )
    db.session.flush()
    return code


def codes_for(applications: list[Application]) -> dict[int, str]:
    """Codes for many (badges): one query for the existing ones, the rest made."""
    rows = {
        row.application_id: row
        for row in db.session.execute(
            select(ParticipantCode).where(
                ParticipantCode.application_id.in_([a.id for a in applications])
            )
        ).scalars()
    }
    found = {}
    for application in applications:
        row = rows.get(application.id)
        code = unseal(row.code_sealed, PURPOSE) if row is not None else None
        found[application.id] = code or code_for(application)
    return {k: v for k, v in found.items() if v}


def find_by_code(consultation_id: int, typed: str) -> Application | None:
    """The confirmed participant of this consultation whose code was typed or scanned."""
    code = normalise(typed)
    if len(code) != LENGTH:
        return None
    candidates = {code, code.translate(_TYPED)}
    return db.session.execute(
        select(Application)
        .join(ParticipantCode, ParticipantCode.application_id == Application.id)
        .where(
            ParticipantCode.code_hash.in_([_hash(c) for c in candidates]),
            Application.consultation_id == consultation_id,
            Application.state == ApplicationState.CONFIRMED,
        )
    ).scalar_one_or_none()


def revoke(application: Application) -> str:
    """On `leaving_selection` (a move out of the selection): the code stops working.
    Returns no note for the history (the move says it). No autoflush: the move's
    other changes must go out with the state, as one version."""
    with db.session.no_autoflush:
        db.session.execute(
            delete(ParticipantCode).where(ParticipantCode.application_id == application.id)
        )
    return ""


def qr_matrix(code: str) -> tuple[tuple[int, ...], ...]:
    """The QR code's modules (1 dark), for drawing in a PDF or an HTML table."""
    return segno.make(code, error="m", boost_error=False).matrix


def qr_svg(code: str) -> str:
    """The QR code as inline SVG (the confirmation page), scaled by CSS."""
    return segno.make(code, error="m").svg_inline(scale=4, border=2, title=shown(code))
