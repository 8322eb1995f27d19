"""One domain error: every refusal a service gives a person is a DomainError with a
message (translated once, where it is raised) and, when it belongs to one, the form
field it is about. The kind says what happened; the web edge maps kinds to HTTP
statuses in one place (consult.http.status_for), the CLI prints the message.

Features subclass these for their own names (ApplicationError, ProgrammeError, ...),
mixing in the kind: `class StaleApplication(ApplicationError, Conflict)`.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refused operation: `message` for the person, `field` it belongs to (or None)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class Invalid(DomainError):
    """What was given cannot be accepted (bad input)."""


class Forbidden(DomainError):
    """Not this person's to do."""


class Conflict(DomainError):
    """The current state does not allow it: a stale copy, a full session, a move the
    state machine refuses, a duplicate."""


class Gone(DomainError):
    """No longer possible: applications closed, a deadline passed."""
