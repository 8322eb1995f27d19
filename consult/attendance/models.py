"""A confirmed participant's code for the door, and who came (issue 21)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.applications.models import Application
from consult.database import utcnow
from consult.extensions import db


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
