"""The CSV export of the filtered queue: streamed from a server-side cursor in chunks of
about 64 KB, so memory stays flat however many rows there are (≥ 100,000 rows/s,
`make bench`). What people read is in the export's language (the reader's): labels for
the codes, the consultation's local time, the UN regional group, the programme session
and a column per question of the consultation's own (consult.applications.labels).
Cells are made safe for Excel (consult.spreadsheets)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from consult.applications.answers import readable
from consult.applications.labels import ExportLabels
from consult.applications.models import Answer, Application
from consult.attendance.models import CheckIn
from consult.consultations.content import localized
from consult.consultations.models import Consultation, Organization
from consult.consultations.questions import answered, questions_of
from consult.extensions import db
from consult.programme.services import sessions_of
from consult.review.services import SORTS, ReviewQueueFilter
from consult.spreadsheets import excel_safe, excel_safe_sql

CHUNK = 64_000
FETCH = 2_000


def headings() -> list[str]:
    """The column headings in the reader's language (before the questions')."""
    return [
        _("Reference"),
        _("State"),
        _("Role"),
        _("Stakeholder category"),
        _("Name"),
        _("Email"),
        _("Organization"),
        _("Job title"),
        _("Country"),
        _("Country code"),
        _("UN regional group"),
        _("Gender"),
        _("Language"),
        _("Proposed topic"),
        _("Abstract"),
        _("Short biography"),
        _("Accessibility needs"),
        _("Listed publicly"),
        _("Session"),
        _("Reviews"),
        _("Average score"),
        _("Submitted (local time)"),
        _("Checked in (local time)"),
    ]


def _score(dialect: str):
    a = Application
    two_places = (
        sa.func.to_char(a.average_score, "FM999990.00")
        if dialect == "postgresql"
        else sa.func.printf("%.2f", a.average_score)
    )
    return sa.case((a.review_count > 0, two_places), else_="")


def csv_chunks(queue_filter: ReviewQueueFilter) -> Iterator[str]:
    """The export as text chunks: a BOM (Excel then reads accents right), the headings,
    then every matching application in queue order.

    The text cells come out of the database as the file holds them (Core rows, no
    objects made per row), fetched FETCH rows at a time from a server-side cursor; the
    codes are turned into labels by dictionary lookups made once per export."""
    a = Application
    consultation = db.session.get(Consultation, queue_filter.consultation_id)
    labels = ExportLabels(consultation)
    questions = questions_of(consultation.id)
    sessions = {s.id: excel_safe(localized(s, "title")) for s in sessions_of(consultation)}
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
    # A question nobody answered is an empty column, not a join per row.
    counts = answered(consultation.id) if questions else {}
    joined = [q for q in questions if counts.get(q.id)]
    answers = [aliased(Answer, name=f"answer_{q.id}") for q in joined]
    came = (
        db.session.execute(
            select(CheckIn.id).where(CheckIn.consultation_id == consultation.id).limit(1)
        ).first()
        is not None
    )
    query = (
        select(
            a.reference,
            sa.type_coerce(a.state, sa.String),  # as stored: the same on both databases
            sa.type_coerce(a.role, sa.String),
            a.category_id,
            excel_safe_sql(a.full_name),
            excel_safe_sql(a.email),
            excel_safe_sql(organization),
            excel_safe_sql(a.job_title),
            a.country,
            a.gender,
            a.language,
            excel_safe_sql(a.topic),
            excel_safe_sql(a.abstract),
            excel_safe_sql(a.bio),
            excel_safe_sql(a.accessibility_needs),
            a.list_publicly,
            a.programme_session_id,
            a.review_count,
            _score(connection.dialect.name),
            sa.func.substr(sa.cast(a.created_at, sa.String), 1, 16),
            # Who came: joined only once someone has checked in.
            sa.func.substr(sa.cast(CheckIn.checked_in_at, sa.String), 1, 16) if came else sa.null(),
            *(answer.value for answer in answers),
        )
        .outerjoin(Organization, Organization.id == a.organization_id)
        .where(*queue_filter.conditions())
        .order_by(*order)
    )
    if came:
        query = query.outerjoin(CheckIn, CheckIn.application_id == a.id)
    for question, answer in zip(joined, answers, strict=True):
        query = query.outerjoin(
            answer, sa.and_(answer.application_id == a.id, answer.question_id == question.id)
        )
    states, roles, categories = labels.states, labels.roles, labels.categories
    countries, regions, genders = labels.countries, labels.regions, labels.genders
    languages, yes_no, local_minute = labels.languages, labels.yes_no, labels.local_minute
    # Each question's column, in order: (the row's index of its answer, the function
    # that writes it), or None for a question nobody answered (always empty).
    tail, index = [], 21
    for question in questions:
        if question in joined:
            tail.append((index, _answer_cell(question)))
            index += 1
        else:
            tail.append(None)

    def cells(row) -> tuple:
        # (By index, in the select's order: this runs once per row of 100,000.)
        country = row[8]
        return (
            row[0],
            states[row[1]],
            roles[row[2]],
            categories.get(row[3], ""),
            row[4],
            row[5],
            row[6],
            row[7],
            countries.get(country, country),
            country,
            regions.get(country) or labels.region(country),
            genders.get(row[9]) or excel_safe(row[9]),
            languages.get(row[10], row[10]),
            row[11],
            row[12],
            row[13],
            row[14],
            yes_no[bool(row[15])],
            sessions.get(row[16], ""),
            row[17],
            row[18],
            local_minute(row[19]),
            local_minute(row[20]) if row[20] else "",
        )

    plain = cells
    if questions and not joined:  # (columns nobody answered: the same blanks each row)
        blanks = ("",) * len(questions)

        def cells(row) -> tuple:  # noqa: F811
            return plain(row) + blanks

    elif questions:

        def cells(row) -> tuple:  # noqa: F811  (the same, and the answers)
            return plain(row) + tuple(
                column[1](row[column[0]]) if column else "" for column in tail
            )

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headings() + [excel_safe(localized(q, "label")) for q in questions])
    result = connection.execution_options(stream_results=True, yield_per=FETCH).execute(query)
    for rows in result.partitions():
        writer.writerows(map(cells, rows))
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _answer_cell(question):
    """The function that turns a stored answer into its cell (memoised for fixed
    answers: a choice has few distinct ones; free text is not kept)."""
    if not question.kind.filterable:
        return lambda value: excel_safe(readable(question, value)) if value else ""
    seen: dict[str | None, str] = {None: ""}

    def cell(value: str | None) -> str:
        text = seen.get(value)
        if text is None:
            text = seen[value] = excel_safe(readable(question, value))
        return text

    return cell
