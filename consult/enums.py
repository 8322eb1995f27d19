"""Enumerations shared by several features (stored as their string values)."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l


class LabelledEnum(enum.StrEnum):
    """A stored enum that people read by a translated label per member: the labels are
    given once, after the class, with `with_labels` (one `label` property for all)."""

    LABELS: dict

    @property
    def label(self) -> str:
        return str(type(self).LABELS[self])


def with_labels(cls: type[LabelledEnum], labels: dict) -> dict:
    """Give a LabelledEnum its labels (lazy translations, one per member); returns them."""
    missing = set(cls) - set(labels)
    if missing:
        raise ValueError(f"{cls.__name__}: no label for {sorted(missing)}")
    cls.LABELS = labels
    return labels


class Role(LabelledEnum):
    KEYNOTE = "keynote"
    PANELIST = "panelist"
    ATTENDEE = "attendee"

    @property
    def letter(self) -> str:
        """The letter in application references: FM-K-0042 is a keynote application."""
        return self.value[0].upper()

    @property
    def is_speaker(self) -> bool:
        return self in (Role.KEYNOTE, Role.PANELIST)


ROLE_LABELS = with_labels(
    Role,
    {
        Role.KEYNOTE: _l("Keynote speaker"),
        Role.PANELIST: _l("Panelist"),
        Role.ATTENDEE: _l("Attendee"),
    },
)


class ConsultationState(LabelledEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"


CONSULTATION_STATE_LABELS = with_labels(
    ConsultationState,
    {
        ConsultationState.DRAFT: _l("Draft"),
        ConsultationState.OPEN: _l("Open"),
        ConsultationState.CLOSED: _l("Closed"),
        ConsultationState.ARCHIVED: _l("Archived"),
    },
)

# How an applicant describes themself (the form's choices; "" = not given).
GENDER_LABELS = {
    "": _l("Prefer not to say"),
    "female": _l("Woman"),
    "male": _l("Man"),
    "non_binary": _l("Non-binary"),
    "self_described": _l("Another gender identity"),
}


def gender_label(code: str | None) -> str:
    return str(GENDER_LABELS.get(code or "", code or ""))


class ApplicationState(LabelledEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"  # confirmed, then could not come after all

    @property
    def short_label(self) -> str:
        """How the secretariat reads it in lists."""
        return str(STATE_SHORT_LABELS[self])


STATE_LABELS = with_labels(
    ApplicationState,
    {
        ApplicationState.SUBMITTED: _l("Submitted – email address not yet confirmed"),
        ApplicationState.UNDER_REVIEW: _l("Under review"),
        ApplicationState.ACCEPTED: _l("Accepted – please confirm your participation"),
        ApplicationState.WAITLISTED: _l("On the waiting list"),
        ApplicationState.CONFIRMED: _l("Confirmed"),
        ApplicationState.DECLINED: _l("Declined"),
        ApplicationState.REJECTED: _l("Not accepted"),
        ApplicationState.WITHDRAWN: _l("Withdrawn"),
        ApplicationState.CANCELLED: _l("Participation cancelled"),
    },
)

STATE_SHORT_LABELS = {
    ApplicationState.SUBMITTED: _l("Email unconfirmed"),
    ApplicationState.UNDER_REVIEW: _l("Under review"),
    ApplicationState.ACCEPTED: _l("Accepted"),
    ApplicationState.WAITLISTED: _l("Waitlisted"),
    ApplicationState.CONFIRMED: _l("Confirmed"),
    ApplicationState.DECLINED: _l("Declined"),
    ApplicationState.REJECTED: _l("Rejected"),
    ApplicationState.WITHDRAWN: _l("Withdrawn"),
    ApplicationState.CANCELLED: _l("Cancelled"),
}

# States that no longer hold a place or block a new application for the same role.
ENDED_STATES = (
    ApplicationState.WITHDRAWN,
    ApplicationState.REJECTED,
    ApplicationState.DECLINED,
    ApplicationState.CANCELLED,
)
# States that take one of the role offer's places.
PLACE_HOLDING_STATES = (ApplicationState.ACCEPTED, ApplicationState.CONFIRMED)


def enum_column(enum_cls: type[enum.Enum], length: int = 32) -> sa.Enum:
    """A portable VARCHAR column storing the enum's values (not its names)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
    )
