"""Append-only tables (the audit log, the security log), refused at the ORM as well as
by database triggers (consult/database/triggers.py)."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session


class AppendOnlyViolation(Exception):
    """Raised when code tries to change or remove a row of an append-only table."""


_APPEND_ONLY: list[type] = []


def append_only(model: type) -> type:
    """Class decorator: rows of `model` may be added, never updated or deleted."""
    _APPEND_ONLY.append(model)
    return model


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, tuple(_APPEND_ONLY)) and (
            obj in session.deleted or session.is_modified(obj, include_collections=False)
        ):
            raise AppendOnlyViolation(f"{type(obj).__name__} rows are never updated or deleted.")
