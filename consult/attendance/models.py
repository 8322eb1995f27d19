"""A confirmed participant's code for the door, and who came."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.applications.models import Application
from consult.database import utcnow
from consult.database.personal import SPECIAL, personal
from consult.enums import LabelledEnum, enum_column, with_labels
from consult.extensions import db

SENSITIVE = SPECIAL  # passport details: treated as the special category is


class ParticipantCode(db.Model):
    """The code on a confirmed participant's confirmation and badge: random, a
    different secret from the private link (scanning a badge opens nothing of the
    application). Found by its hash; kept sealed so that the confirmation page can
    show it again; deleted -- revoked -- when the person leaves (withdraws, declines,
    cancels)."""

    __tablename__ = "participant_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), unique=True
    )
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    code_sealed: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CheckIn(db.Model):
    """A participant came in: one row per application (the unique constraint is what
    makes two desks checking the same person in at once one check-in)."""

    __tablename__ = "check_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), unique=True
    )
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("secretariat_user.id", ondelete="SET NULL")
    )
    desk: Mapped[str] = mapped_column(sa.String(64), default="")  # "Desk 2", as the desk says

    application: Mapped[Application] = relationship()
    by_user: Mapped[User | None] = relationship()


class VisaLetterState(LabelledEnum):
    REQUESTED = "requested"
    ISSUED = "issued"
    SENT = "sent"


VISA_LETTER_STATE_LABELS = with_labels(
    VisaLetterState,
    {
        VisaLetterState.REQUESTED: _l("Requested"),
        VisaLetterState.ISSUED: _l("Issued"),
        VisaLetterState.SENT: _l("Sent"),
    },
)


class VisaLetter(db.Model):
    """A confirmed participant's request for a letter of invitation for a visa, and the
    letter once issued. The passport details are sensitive: erased with the person and
    purged once the meeting is over (docs/data-protection.md)."""

    __tablename__ = "visa_letter"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), unique=True
    )
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    passport_name: Mapped[str] = mapped_column(sa.String(200), info=personal(SENSITIVE))
    passport_number: Mapped[str] = mapped_column(sa.String(40), info=personal(SENSITIVE))
    nationality: Mapped[str] = mapped_column(sa.String(2), info=personal(SENSITIVE))
    date_of_birth: Mapped[date | None] = mapped_column(info=personal(SENSITIVE, erased=None))
    consulate: Mapped[str] = mapped_column(sa.String(300), info=personal(SENSITIVE))
    state: Mapped[VisaLetterState] = mapped_column(
        enum_column(VisaLetterState), default=VisaLetterState.REQUESTED
    )
    # What the embassy quotes to check the letter (FM-VL-0007), given when issued.
    reference: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_at: Mapped[datetime | None]
    issued_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("secretariat_user.id", ondelete="SET NULL")
    )
    sent_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]  # the passport details, after the meeting

    application: Mapped[Application] = relationship()


class LetterSettings(db.Model):
    """The secretariat's letterhead for a consultation's letters: who signs, the text
    at the top, a logo, and the letter's text per language (empty: the built-in one)."""

    __tablename__ = "letter_settings"

    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    signatory: Mapped[str] = mapped_column(sa.String(200), default="")
    signatory_title: Mapped[str] = mapped_column(sa.String(300), default="")
    letterhead: Mapped[str] = mapped_column(sa.Text, default="")
    logo: Mapped[bytes | None] = mapped_column(sa.LargeBinary)  # PNG or JPEG, checked
    # {language: text} as JSON: the consultation's own letter texts.
    texts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
