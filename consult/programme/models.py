"""Sessions of a consultation's programme (named so as not to be taken for the web
session). A speaker's place in one is `Application.programme_session_id`."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from consult.database import utcnow
from consult.enums import LabelledEnum, enum_column, with_labels
from consult.extensions import db


class SessionKind(LabelledEnum):
    OPENING = "opening"
    KEYNOTE = "keynote"
    PANEL = "panel"
    DISCUSSION = "discussion"
    CLOSING = "closing"
    BREAK = "break"

    @property
    def has_speakers(self) -> bool:
        return self is not SessionKind.BREAK


SESSION_KIND_LABELS = with_labels(
    SessionKind,
    {
        SessionKind.OPENING: _l("Opening"),
        SessionKind.KEYNOTE: _l("Keynote"),
        SessionKind.PANEL: _l("Panel"),
        SessionKind.DISCUSSION: _l("Open discussion"),
        SessionKind.CLOSING: _l("Closing"),
        SessionKind.BREAK: _l("Break"),
    },
)


class ProgrammeSession(db.Model):
    __tablename__ = "programme_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[SessionKind] = mapped_column(enum_column(SessionKind))
    # Naive UTC, shown in the consultation's time zone.
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    room: Mapped[str] = mapped_column(sa.String(120), default="")
    # Another session may run in the same room at the same time (rare: split rooms).
    parallel_allowed: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # Moderators by name: a moderator may or may not be an applicant.
    moderators: Mapped[str] = mapped_column(sa.String(500), default="")
    speaker_capacity: Mapped[int] = mapped_column(default=4)
    position: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}
