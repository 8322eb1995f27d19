"""Small pieces every feature's forms share."""

from __future__ import annotations


def strip_whitespace(value):
    """WTForms filter: surrounding spaces are never part of a value."""
    return value.strip() if isinstance(value, str) else value


def optional_int(value):
    """Coerce a select's value: "" means none; junk becomes -1, which no choice has,
    so the field reports "Not a valid choice" instead of failing."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
