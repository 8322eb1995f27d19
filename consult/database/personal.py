"""The data classification, in the models: a column that can hold an applicant's
personal data says so with `info=personal(...)` -- its class and the value it takes
when the person is erased. Erasure and the retention purge blank exactly these columns
(consult.applications.privacy and the features' `erasing` handlers), and
docs/data-protection.md lists them (tests/applications/test_erasure.py keeps the two
equal and searches every table for an erased person afterwards)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

PERSONAL = "personal"
SPECIAL = "special category"


def personal(kind: str = PERSONAL, *, erased: Any = "") -> dict:
    """`info` for a column holding personal data: `erased` is the value it takes on
    erasure (a callable gets the row, for values that depend on it)."""
    return {"personal": kind, "erased": erased}


def personal_columns(model) -> list[sa.Column]:
    """The model's classified columns, in table order."""
    return [column for column in model.__table__.columns if "personal" in column.info]


def erased_values(model, row: Any = None) -> dict[str, Any]:
    """{attribute: value on erasure} for the model's classified columns."""
    values = {}
    for column in personal_columns(model):
        value: Any | Callable = column.info["erased"]
        values[column.key] = value(row) if callable(value) else value
    return values


def classification(metadata: sa.MetaData) -> dict[str, str]:
    """Every classified column of the schema: {"table.column": class}."""
    return {
        f"{table.name}.{column.name}": column.info["personal"]
        for table in metadata.sorted_tables
        for column in table.columns
        if "personal" in column.info
    }
