"""The audit event of a change that is not a state transition (consent, erasure, a
place in the programme). Transitions go through services.move_state."""

from __future__ import annotations

from consult.applications.models import Application, AuditEvent
from consult.extensions import db


def record_change(
    application: Application, *, actor: str, note: str, user_id: int | None = None
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
    )
    db.session.add(event)
    return event
