"""The audit event of a change that is not a state transition (consent, erasure, a
place in the programme), and how the history tells any event to the applicant and to
the secretariat. Transitions go through services.move_state."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from consult.applications.models import Application, AuditEvent
from consult.extensions import db


class EventKind(enum.StrEnum):
    """What a change that is not a transition was (AuditEvent.kind)."""

    PROGRAMME = "programme"  # placed in, moved between or removed from sessions
    CONSENT = "consent"  # agreed, or no longer, to be named in public
    LINKS = "links"  # the other private links signed out
    ERASURE_REQUESTED = "erasure_requested"
    ERASED = "erased"
    DECISION_PENDING = "decision_pending"  # a decision recorded, not yet announced
    ASSIGNED = "assigned"  # given to a reviewer to review
    CONFLICT = "conflict"  # a reviewer declared a conflict of interest
    EDITED = "edited"  # the applicant changed their application (the note says what)
    EDITING_LOCKED = "editing_locked"  # the secretariat stopped the applicant editing
    EDITING_UNLOCKED = "editing_unlocked"
    EMAILED = "emailed"  # the secretariat wrote to a group (the note: the subject)
    CHECKED_IN = "checked_in"  # at the door (the note: which desk)
    CHECK_IN_UNDONE = "check_in_undone"
    BADGE_PRINTED = "badge_printed"
    VISA_LETTER = "visa_letter"  # requested, issued, sent (the note says which)


# What the applicant's history says of each (the secretariat's also shows the note).
_TOLD = {
    EventKind.PROGRAMME: _l("Your place in the programme changed"),
    EventKind.CONSENT: _l("Your choice to be named in public changed"),
    EventKind.LINKS: _l("Older links to this page were signed out"),
    EventKind.ERASURE_REQUESTED: _l("You asked for your data to be erased"),
    EventKind.ERASED: _l("Personal data erased"),
    EventKind.EDITED: _l("You changed your application"),
    EventKind.EDITING_LOCKED: _l("The secretariat closed your application to changes"),
    EventKind.EDITING_UNLOCKED: _l("The secretariat opened your application to changes again"),
    EventKind.EMAILED: _l("The secretariat wrote to you"),
    EventKind.CHECKED_IN: _l("You checked in"),
    EventKind.VISA_LETTER: _l("Letter of invitation for a visa"),
}
_STAFF = {
    EventKind.PROGRAMME: _l("Programme"),
    EventKind.CONSENT: _l("Public listing"),
    EventKind.LINKS: _l("Private links"),
    EventKind.ERASURE_REQUESTED: _l("Erasure asked for"),
    EventKind.ERASED: _l("Personal data erased"),
    EventKind.EDITED: _l("Changed by the applicant"),
    EventKind.DECISION_PENDING: _l("Pending decision"),
    EventKind.ASSIGNED: _l("Assigned for review"),
    EventKind.CONFLICT: _l("Conflict of interest"),
    EventKind.EDITING_LOCKED: _l("Editing locked"),
    EventKind.EDITING_UNLOCKED: _l("Editing unlocked"),
    EventKind.EMAILED: _l("Email from the secretariat"),
    EventKind.CHECKED_IN: _l("Checked in"),
    EventKind.CHECK_IN_UNDONE: _l("Check-in undone"),
    EventKind.BADGE_PRINTED: _l("Badge printed"),
    EventKind.VISA_LETTER: _l("Letter of invitation"),
}


# What the applicant's history leaves out: a decision not yet announced is not theirs to
# see (consult.applications.decisions).
HIDDEN_FROM_APPLICANT = {
    EventKind.DECISION_PENDING.value,
    EventKind.ASSIGNED.value,  # (who reviews them is not theirs to know)
    EventKind.CONFLICT.value,
    EventKind.CHECK_IN_UNDONE.value,  # (a mistake at the desk)
    EventKind.BADGE_PRINTED.value,
}


# Events that change no field of the application (who reviews it, an email to a group,
# the day itself, a visa letter): they carry the version the application has, so one
# version per event holds for every other kind.
BESIDE_THE_VERSIONS = {
    EventKind.ASSIGNED.value,
    EventKind.CONFLICT.value,
    EventKind.EMAILED.value,
    EventKind.CHECKED_IN.value,
    EventKind.CHECK_IN_UNDONE.value,
    EventKind.BADGE_PRINTED.value,
    EventKind.VISA_LETTER.value,
}


def applicant_history(application: Application) -> list[AuditEvent]:
    return [e for e in application.events if e.kind not in HIDDEN_FROM_APPLICANT]


def told_to_applicant(event: AuditEvent) -> str:
    """One history row on the applicant's page: the new state for a transition, what
    happened for any other change (never the state again, as if it had been reached
    a second time)."""
    if event.kind in _TOLD:
        return str(_TOLD[EventKind(event.kind)])
    if event.from_state is not None and event.from_state == event.to_state:
        return str(_l("Your application was updated"))  # (events from before kinds)
    return str(event.to_state.label)


def told_to_staff(event: AuditEvent) -> str:
    """One history row on the secretariat's page: "From -> To" for a transition, the
    kind of change otherwise (the note says the rest)."""
    if event.kind in _STAFF:
        return str(_STAFF[EventKind(event.kind)])
    if event.from_state is None:
        return str(event.to_state.short_label)
    if event.from_state == event.to_state:
        return str(_l("Changed"))
    return f"{event.from_state.short_label} → {event.to_state.short_label}"


def record_change(
    application: Application,
    *,
    actor: str,
    note: str,
    kind: EventKind,
    user_id: int | None = None,
) -> AuditEvent:
    """Flush the change first, so the event carries the version it produced (one event
    per version); a concurrent change raises StaleDataError here, for the caller."""
    db.session.flush()
    event = AuditEvent(
        application_id=application.id,
        actor=actor,
        actor_user_id=user_id,
        from_state=application.state,
        to_state=application.state,
        version=application.version,
        note=note,
        kind=kind.value,
    )
    db.session.add(event)
    return event


def record_staff_change(application: Application, by, *, note: str, kind: EventKind) -> AuditEvent:
    """record_change by a secretariat account (`by`: its email is the actor)."""
    return record_change(application, actor=by.email, user_id=by.id, note=note, kind=kind)
