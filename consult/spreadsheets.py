"""CSV files people open in Excel or LibreOffice: one rule for every cell the app
writes that a spreadsheet would run as a formula (CSV injection, OWASP). A cell that
starts with one of FORMULA_STARTS gets a leading apostrophe, which spreadsheets show
as text. The rule has one definition and two renderings: `excel_safe_sql` for exports
the database writes (the queue), `excel_safe` for those written in Python (the
programme); tests/review/test_export.py feeds both the same cases."""

from __future__ import annotations

import sqlalchemy as sa

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value: object) -> str:
    """A cell as text, safe to open in a spreadsheet (None is an empty cell)."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def excel_safe_sql(column):
    """The same rule as a SQL expression over a text column."""
    return sa.case(
        (sa.func.substr(column, 1, 1).in_(FORMULA_STARTS), sa.literal("'") + column),
        else_=column,
    )
