"""Erasure and the retention purge leave nothing of the person anywhere: every column of
every table of the real database is searched for their values afterwards (not only
the columns we think of), and the classification the erasure acts on is the one
docs/data-protection.md gives."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from consult.applications.privacy import erase_application, purge_expired
from consult.applications.services import (
    Decision,
    confirm_participation,
    decide_application,
    withdraw_application,
)
from consult.cache import bump
from consult.consultations.models import Consultation
from consult.database import utcnow
from consult.database.personal import classification
from consult.extensions import db
from consult.notifications.services import save_custom_text
from consult.review.services import save_review
from tests.factories import make_consultation, under_review

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-protection.md"


def test_the_document_lists_exactly_the_classified_columns(app):
    listed = dict(re.findall(r"^\| `(\w+\.\w+)` \| ([a-z ]+) \|", DOC.read_text(), re.M))
    assert listed == classification(db.metadata)


def _person(mark: str) -> dict:
    """Values that say who the person is, each carrying `mark` (found wherever it is)."""
    return {
        "full_name": f"Zoltan {mark.title()}",
        "email": f"zoltan.{mark}@example.org",
        "organization_name": f"{mark.title()} Foundation",
        "job_title": f"Chief {mark} officer",
        "topic": f"Financing {mark} networks",
        "abstract": f"How {mark} cooperatives pay for fibre.",
        "bio": f"Zoltan founded {mark}.",
        "accessibility_needs": f"Step-free access ({mark})",
    }


def _where_it_stays(mark: str) -> list[str]:
    """Every table.column of the database (as it really is: reflected, with the text
    index's own tables) whose value contains `mark`."""
    found = []
    connection = db.session.connection()
    inspector = sa.inspect(connection)
    for table in inspector.get_table_names():
        for column in inspector.get_columns(table):
            name = column["name"]
            hits = connection.execute(
                sa.text(
                    f'SELECT count(*) FROM "{table}" '
                    f'WHERE lower(CAST("{name}" AS TEXT)) LIKE :pattern'
                ),
                {"pattern": f"%{mark}%"},
            ).scalar()
            if hits:
                found.append(f"{table}.{name}")
    return found


def _a_full_life(consultation: Consultation, admin, reviewer, mark: str):
    """An application with everything that can carry the person: a custom subject with
    {name}, a review comment, a decision message, a confirmation with its calendar, a
    cancellation with a reason (and the secretariat's email about it)."""
    save_custom_text(
        consultation.id, "accepted", "en", "{name}, you are selected", "Dear {name}.", "admin"
    )
    application, _raw = under_review(consultation, **_person(mark))
    save_review(application, reviewer, 4, f"Zoltan {mark.title()} knows the subject.")
    decide_application(
        application,
        Decision.ACCEPT,
        by=admin,
        expected_version=application.version,
        message=f"Dear Zoltan {mark.title()}, welcome.",
    )
    confirm_participation(application, expected_version=application.version)
    # Then cannot come after all, and says why (kept for the secretariat, emailed to it).
    withdraw_application(
        application, expected_version=application.version, reason=f"Zoltan {mark} is unwell."
    )
    assert _where_it_stays(mark)  # the search does find the person before
    return application


def test_an_erased_person_is_nowhere_in_the_database(ctx, admin, reviewer):
    consultation = make_consultation()
    application = _a_full_life(consultation, admin, reviewer, "quixbury")
    erase_application(application, by=admin.email, user_id=admin.id)
    assert _where_it_stays("quixbury") == []


def test_a_purged_consultation_leaves_nobody_in_the_database(ctx, admin, reviewer):
    consultation = make_consultation()
    _a_full_life(consultation, admin, reviewer, "vexhollow")
    db.session.execute(
        sa.update(Consultation)
        .where(Consultation.id == consultation.id)
        .values(starts_at=utcnow() - timedelta(days=400), ends_at=utcnow() - timedelta(days=399))
    )
    bump()  # a plain UPDATE tells the cache itself (consult/cache.py)
    db.session.commit()
    assert purge_expired() == [consultation]
    assert _where_it_stays("vexhollow") == []
