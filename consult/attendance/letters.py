"""Letters of invitation for visas.

A confirmed participant asks from their private page, giving their passport details
(the name as in the passport, its number, nationality, date of birth) and the consulate
where they apply. The secretariat issues letters -- one or many at once, each with a
reference the embassy can quote -- and sends them (the participant is emailed and
downloads the PDF from their page). The letter is on the consultation's letterhead,
signed as its settings say, in the participant's language, in the consultation's own
text for that language where the secretariat wrote one. Anyone can check a reference
on /letters/verify, which shows the name, the meeting and whether the letter is valid,
nothing else. The passport details are erased with the person and purged once the
meeting is over."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, select, update

from consult.accounts.models import User
from consult.accounts.services import require_admin
from consult.applications.audit import EventKind, record_change, record_staff_change
from consult.applications.models import Application
from consult.applications.services import queue_applicant_email
from consult.attendance.models import LetterSettings, VisaLetter, VisaLetterState
from consult.consultations.content import localized
from consult.consultations.models import Consultation
from consult.database import utcnow
from consult.database.personal import erased_values
from consult.enums import ApplicationState
from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.http import public_url
from consult.i18n import country_name, offered
from consult.notifications.texts import fill, unknown_in
from consult.pdfs import new_document, write
from consult.text import calendar_date, local_date, local_datetime

S = VisaLetterState
MAX_LOGO_BYTES = 1_000_000
PLACEHOLDERS = (
    "name",
    "passport_name",
    "passport_number",
    "nationality",
    "date_of_birth",
    "consulate",
    "role",
    "consultation",
    "venue",
    "starts",
    "ends",
    "reference",
    "letter_reference",
    "verify_url",
)


class LetterError(Invalid):
    """A request or a setting that cannot be saved as given (field: where to say it)."""


class LetterRefused(Conflict):
    """Not now (not confirmed, already issued)."""


@dataclass(frozen=True)
class PassportDetails:
    passport_name: str
    passport_number: str
    nationality: str
    date_of_birth: date
    consulate: str


def letter_of(application: Application) -> VisaLetter | None:
    return db.session.execute(
        select(VisaLetter).where(VisaLetter.application_id == application.id)
    ).scalar_one_or_none()


def request_letter(application: Application, details: PassportDetails) -> VisaLetter:
    """Ask for a letter, or correct the request until it is issued."""
    if application.state != ApplicationState.CONFIRMED:
        raise LetterRefused(_("Letters of invitation are for confirmed participants."))
    today = utcnow().date()
    if not date(today.year - 120, 1, 1) <= details.date_of_birth <= today:
        raise LetterError(_("Give your date of birth as in your passport."), field="date_of_birth")
    letter = letter_of(application)
    if letter is not None and letter.state != S.REQUESTED:
        raise LetterRefused(
            _("Your letter has been issued: write to the secretariat to change it.")
        )
    if letter is None:
        letter = VisaLetter(
            application_id=application.id, consultation_id=application.consultation_id
        )
        db.session.add(letter)
    letter.passport_name = details.passport_name.strip()
    letter.passport_number = details.passport_number.strip().upper()
    letter.nationality = details.nationality
    letter.date_of_birth = details.date_of_birth
    letter.consulate = details.consulate.strip()
    letter.requested_at = utcnow()
    db.session.flush()
    record_change(
        application,
        actor="applicant",
        note="Letter of invitation for a visa requested.",
        kind=EventKind.VISA_LETTER,
    )
    db.session.commit()
    return letter


def _check_admin(by: User) -> None:
    require_admin(by, _("Only administrators may issue letters of invitation."))


def issue(consultation: Consultation, letter_ids: list[int], *, by: User) -> int:
    """Issue the requested letters among `letter_ids` (others are left as they are),
    each with the next reference of the consultation (FM-VL-0001). Returns how many."""
    _check_admin(by)
    letters = letters_in(consultation, S.REQUESTED, letter_ids)
    issued = db.session.execute(
        select(func.count(VisaLetter.id)).where(
            VisaLetter.consultation_id == consultation.id, VisaLetter.reference.is_not(None)
        )
    ).scalar_one()
    now = utcnow()
    for n, letter in enumerate(letters, start=issued + 1):
        if letter.application.state != ApplicationState.CONFIRMED:
            continue
        letter.state = S.ISSUED
        letter.reference = f"{consultation.reference_prefix}-VL-{n:04d}"
        letter.issued_at = now
        letter.issued_by_id = by.id
        record_staff_change(
            letter.application,
            by,
            note=f"Letter of invitation {letter.reference} issued.",
            kind=EventKind.VISA_LETTER,
        )
    db.session.commit()
    return sum(1 for letter in letters if letter.state == S.ISSUED)


def send(consultation: Consultation, letter_ids: list[int], *, by: User) -> int:
    """Tell the participants whose letters are issued (an email; the PDF is on their
    page). Returns how many."""
    _check_admin(by)
    letters = letters_in(consultation, S.ISSUED, letter_ids)
    now = utcnow()
    for letter in letters:
        letter.state = S.SENT
        letter.sent_at = now
        event = record_staff_change(
            letter.application,
            by,
            note=f"Letter of invitation {letter.reference} sent.",
            kind=EventKind.VISA_LETTER,
        )
        db.session.flush()
        queue_applicant_email(letter.application, "visa_letter_ready", event, letter=letter)
    db.session.commit()
    return len(letters)


def letters_in(
    consultation: Consultation, state: VisaLetterState | None, ids: list[int] | None = None
) -> list[VisaLetter]:
    """The consultation's letters (in one state, among `ids`), oldest request first."""
    query = (
        select(VisaLetter)
        .where(VisaLetter.consultation_id == consultation.id)
        .order_by(VisaLetter.requested_at, VisaLetter.id)
    )
    if state is not None:
        query = query.where(VisaLetter.state == state)
    if ids is not None:
        query = query.where(VisaLetter.id.in_(ids))
    return list(db.session.execute(query).scalars())


def counts(consultation: Consultation) -> dict[VisaLetterState, int]:
    found = dict.fromkeys(S, 0)
    found.update(
        db.session.execute(
            select(VisaLetter.state, func.count(VisaLetter.id))
            .where(VisaLetter.consultation_id == consultation.id)
            .group_by(VisaLetter.state)
        ).all()
    )
    return found


# --- settings: letterhead, signatory, texts ---------------------------------------------


def settings_of(consultation: Consultation) -> LetterSettings:
    found = db.session.get(LetterSettings, consultation.id)
    return found or LetterSettings(consultation_id=consultation.id, texts={})


def checked_logo(data: bytes) -> bytes:
    """A PNG or JPEG image (by its content, not its name), at most 1 MB."""
    if len(data) > MAX_LOGO_BYTES:
        raise LetterError(_("The logo can be at most 1 MB."), field="logo")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise LetterError(_("The logo must be a PNG or JPEG image."), field="logo") from error
    if kind not in ("PNG", "JPEG"):
        raise LetterError(_("The logo must be a PNG or JPEG image."), field="logo")
    return data


def save_settings(
    consultation: Consultation,
    *,
    signatory: str,
    signatory_title: str,
    letterhead: str,
    texts: dict[str, str],
    logo: bytes | None,
    remove_logo: bool,
    by: User,
) -> LetterSettings:
    _check_admin(by)
    for language, text in texts.items():
        unknown = unknown_in(text, PLACEHOLDERS)
        if unknown:
            raise LetterError(
                _(
                    "Unknown placeholder: %(names)s.",
                    names=", ".join(f"{{{n}}}" for n in unknown),
                ),
                field=f"text_{language}",
            )
    if logo:
        logo = checked_logo(logo)
    settings = db.session.get(LetterSettings, consultation.id)
    if settings is None:
        settings = LetterSettings(consultation_id=consultation.id, texts={})
        db.session.add(settings)
    settings.signatory = signatory.strip()
    settings.signatory_title = signatory_title.strip()
    settings.letterhead = letterhead.strip()
    settings.texts = {k: v.strip() for k, v in texts.items() if v.strip()}
    if logo:
        settings.logo = logo
    elif remove_logo:
        settings.logo = None
    db.session.commit()
    return settings


# --- the letter -------------------------------------------------------------------------


def built_in_text() -> str:
    """The letter's body in the current language, with {placeholders}."""
    return _(
        "The secretariat of the United Nations Group on the Information Society (UNGIS) "
        "invites {passport_name}, born on {date_of_birth}, a national of {nationality}, "
        "holder of passport number {passport_number}, to take part as {role} in "
        "“{consultation}”, to be held at {venue} from {starts} to {ends}.\n\n"
        "The participation is confirmed under the reference {reference}. We kindly ask "
        "you to grant the visa needed to attend.\n\n"
        "This letter does not commit the secretariat to any costs of travel or stay. "
        "Its authenticity can be checked at {verify_url} with the reference "
        "{letter_reference}."
    )


def verify_url() -> str:
    return public_url("letters_public.verify")


def _values(letter: VisaLetter, language: str) -> dict[str, str]:
    application = letter.application
    consultation = application.consultation
    tz = consultation.timezone
    born = letter.date_of_birth
    return {
        "name": application.full_name,
        "passport_name": letter.passport_name,
        "passport_number": letter.passport_number,
        "nationality": country_name(letter.nationality, language),
        "date_of_birth": calendar_date(born),
        "consulate": letter.consulate,
        "role": str(application.role.label).lower(),
        "consultation": str(localized(consultation, "title")),
        "venue": str(localized(consultation, "venue")),
        "starts": local_datetime(consultation.starts_at, tz, "long"),
        "ends": local_datetime(consultation.ends_at, tz, "long"),
        "reference": application.reference,
        "letter_reference": letter.reference or "",
        "verify_url": verify_url(),
    }


def letter_pdf(letter: VisaLetter) -> bytes:
    """The letter as a PDF, in the participant's language (right to left in Arabic)."""
    application = letter.application
    consultation = application.consultation
    language = offered(application.language)
    settings = settings_of(consultation)
    with force_locale(language):
        values = _values(letter, language)
        body = fill(settings.texts.get(language) or built_in_text(), values)
        title = _("Letter of invitation")
        to = _("To: %(consulate)s", consulate=letter.consulate)
        dated = _(
            "Geneva, %(date)s",
            date=local_date(letter.issued_at or utcnow(), consultation.timezone),
        )
        ref_line = _("Reference: %(reference)s", reference=letter.reference or "—")
        check = _("Check this letter: %(url)s", url=f"{verify_url()}?ref={letter.reference or ''}")
    rtl = language == "ar"
    align = "R" if rtl else "L"
    pdf = new_document(format="A4")
    pdf.set_margins(22, 18, 22)
    pdf.set_title(title)
    pdf.add_page()
    top = 18
    if settings.logo:
        pdf.image(io.BytesIO(settings.logo), x=22 if not rtl else 210 - 22 - 40, y=top, h=18)
        top += 22
    pdf.set_xy(22, top)
    with force_locale(language):
        letterhead = settings.letterhead or _("United Nations Group on the Information Society")
        signature = settings.signatory or _("UNGIS secretariat, Geneva")

    def line(text: str, size: float, height: float, *, bold=False, direction=rtl, at=align):
        """One block of the letter, in its font and direction (None: the text's own)."""
        write(pdf, text, size=size, bold=bold, language=language, rtl=direction)
        pdf.multi_cell(0, height, text, align=at, new_x="LMARGIN", new_y="NEXT")

    for text in letterhead.splitlines():
        line(text, 10, 5, direction=None)
    pdf.ln(6)
    for text in (dated, ref_line, to):
        line(text, 10, 6)
    pdf.ln(6)
    line(title, 15, 9, bold=True)
    pdf.ln(3)
    for paragraph in [p.strip() for p in body.split("\n\n") if p.strip()]:
        line(paragraph, 11, 6.2, at="R" if rtl else "J")
        pdf.ln(3)
    pdf.ln(10)
    for text, bold in ((signature, True), (settings.signatory_title, False)):
        if text:
            line(text, 11, 6, bold=bold, direction=rtl or None)
    pdf.set_y(-22)
    line(check, 8, 4)
    return bytes(pdf.output())


# --- verification, erasure, purge, the person's copy -------------------------------------


@dataclass(frozen=True)
class Verification:
    reference: str
    name: str
    meeting: str
    starts: datetime
    ends: datetime
    timezone: str
    valid: bool


def verify(reference: str) -> Verification | None:
    """What the verification page may say of a reference: name, meeting, validity."""
    reference = (reference or "").strip().upper()[:40]
    if not reference:
        return None
    letter = db.session.execute(
        select(VisaLetter).where(VisaLetter.reference == reference)
    ).scalar_one_or_none()
    if letter is None or letter.state == S.REQUESTED:
        return None
    application = letter.application
    consultation = application.consultation
    valid = (
        application.state == ApplicationState.CONFIRMED
        and application.erased_at is None
        and consultation.ends_at >= utcnow()
    )
    return Verification(
        reference=reference,
        name=letter.passport_name or "",
        meeting=str(localized(consultation, "title")),
        starts=consultation.starts_at,
        ends=consultation.ends_at,
        timezone=consultation.timezone,
        valid=valid,
    )


def erase_letters(application_ids: list[int]) -> None:
    """On `erasing`: the passport details go with the person."""
    db.session.execute(
        update(VisaLetter)
        .where(VisaLetter.application_id.in_(application_ids))
        .values(**erased_values(VisaLetter))
    )


def purge_after_meetings(now: datetime | None = None) -> int:
    """The passport details of every letter whose meeting is over (cron: `consult data
    purge`). Returns how many letters were purged."""
    now = now or utcnow()
    ended = select(Consultation.id).where(Consultation.ends_at < now)
    result = db.session.execute(
        update(VisaLetter)
        .where(VisaLetter.consultation_id.in_(ended), VisaLetter.purged_at.is_(None))
        .values(purged_at=now, **erased_values(VisaLetter))
    )
    db.session.commit()
    return result.rowcount or 0


def letter_for_the_applicant(application: Application) -> dict:
    """On `collecting`: their request and its state."""
    letter = letter_of(application)
    if letter is None:
        return {"visa_letter": None}
    return {
        "visa_letter": {
            "passport_name": letter.passport_name,
            "passport_number": letter.passport_number,
            "nationality": letter.nationality,
            "date_of_birth": letter.date_of_birth.isoformat() if letter.date_of_birth else None,
            "consulate": letter.consulate,
            "state": letter.state.value,
            "reference": letter.reference,
        }
    }
