"""The CSV export of the filtered queue: streamed from a server-side cursor in chunks of
about 64 KB, so memory stays flat however many rows there are (≥ 100,000 rows/s,
`make bench`). Cells are made safe for Excel (consult.spreadsheets)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy import select

from consult.applications.models import Application
from consult.consultations.models import Organization, StakeholderCategory
from consult.extensions import db
from consult.review.services import SORTS, ReviewQueueFilter
from consult.spreadsheets import excel_safe_sql

COLUMNS = [
    "Reference",
    "State",
    "Role",
    "Stakeholder category",
    "Name",
    "Email",
    "Organization",
    "Job title",
    "Country",
    "Gender",
    "Proposed topic",
    "Abstract",
    "Short biography",
    "Accessibility needs",
    "Listed publicly",
    "Reviews",
    "Average score",
    "Submitted (UTC)",
]
CHUNK = 64_000
FETCH = 2_000


def _score(dialect: str):
    a = Application
    two_places = (
        sa.func.to_char(a.average_score, "FM999990.00")
        if dialect == "postgresql"
        else sa.func.printf("%.2f", a.average_score)
    )
    return sa.case((a.review_count > 0, two_places), else_="")


def csv_chunks(queue_filter: ReviewQueueFilter) -> Iterator[str]:
    """The export as text chunks: a BOM (Excel then reads accents right), the header,
    then every matching application in queue order.

    Each cell comes out of the database as the text the file holds (Core rows, no
    objects made per row), fetched FETCH rows at a time from a server-side cursor."""
    a = Application
    connection = db.session.connection()
    column, descending = SORTS[queue_filter.sort]
    order = (column.desc(), a.id.desc()) if descending else (column, a.id)
    organization = sa.case(
        (
            Organization.id.is_not(None),
            Organization.name + " (" + Organization.acronym + ")",
        ),
        else_=a.organization_name,
    )
    as_text = [  # as stored: the same text on both databases
        sa.type_coerce(a.state, sa.String),
        sa.type_coerce(a.role, sa.String),
    ]
    query = (
        select(
            a.reference,
            *as_text,
            excel_safe_sql(StakeholderCategory.name),
            excel_safe_sql(a.full_name),
            excel_safe_sql(a.email),
            excel_safe_sql(organization),
            excel_safe_sql(a.job_title),
            a.country,
            excel_safe_sql(a.gender),
            excel_safe_sql(a.topic),
            excel_safe_sql(a.abstract),
            excel_safe_sql(a.bio),
            excel_safe_sql(a.accessibility_needs),
            sa.case((a.list_publicly, "yes"), else_="no"),
            a.review_count,
            _score(connection.dialect.name),
            sa.func.substr(sa.cast(a.created_at, sa.String), 1, 16),
        )
        .join(StakeholderCategory, StakeholderCategory.id == a.category_id)
        .outerjoin(Organization, Organization.id == a.organization_id)
        .where(*queue_filter.conditions())
        .order_by(*order)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    result = connection.execution_options(stream_results=True, yield_per=FETCH).execute(query)
    for rows in result.partitions():
        writer.writerows(rows)
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
