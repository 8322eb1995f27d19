"""What visitors see of written contributions: the published ones, filtered and
searched, a page per contribution, the feed, the balance, and the rapporteur's ZIP.

The list is a constant number of queries whatever the number of contributions (the
page, its count, its answers, files and themes, one grouped count for the balance), on
the index ix_contribution_public; `make bench` measures it at 10,000.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from consult.consultations.models import Consultation
from consult.contributions import files as stored_files
from consult.contributions.models import (
    PUBLIC_STATES,
    Contribution,
    ContributionAnswer,
    ContributionState,
    contribution_theme_link,
)
from consult.contributions.sanitize import to_text
from consult.database import fold, like_escaped
from consult.extensions import db
from consult.regions import OTHER, REGION_OF_COUNTRY, region_of

PAGE_SIZE = 20


@dataclass
class Filters:
    category: int | None = None
    region: str = ""
    country: str = ""
    question: int | None = None
    theme: int | None = None
    q: str = ""

    @property
    def active(self) -> bool:
        return bool(
            self.category or self.region or self.country or self.question or self.theme or self.q
        )


def _conditions(consultation_id: int, filters: Filters) -> list:
    """A consultation's published contributions that the filters choose."""
    return [
        Contribution.consultation_id == consultation_id,
        Contribution.state.in_(PUBLIC_STATES),
        *filter_conditions(filters),
    ]


def filter_conditions(filters: Filters) -> list:
    """What the filters choose, whatever the state (the moderation queue uses them too)."""
    conditions = []
    if filters.category:
        conditions.append(Contribution.category_id == filters.category)
    if filters.country:
        conditions.append(Contribution.country == filters.country)
    if filters.region:
        members = [c for c, r in REGION_OF_COUNTRY.items() if r == filters.region]
        if filters.region == OTHER:
            conditions.append(Contribution.country.not_in(list(REGION_OF_COUNTRY)))
        else:
            conditions.append(Contribution.country.in_(members))
    if filters.question:
        conditions.append(
            exists().where(
                ContributionAnswer.contribution_id == Contribution.id,
                ContributionAnswer.question_id == filters.question,
                ContributionAnswer.body != "",
            )
        )
    if filters.theme:
        conditions.append(
            exists().where(
                contribution_theme_link.c.contribution_id == Contribution.id,
                contribution_theme_link.c.theme_id == filters.theme,
            )
        )
    if filters.q.strip():
        # Every word in the answers -- or, only where the contribution is published with
        # the name, in the name or organization (an anonymous one is never found by
        # its author's name).
        who = func.consult_fold(Contribution.full_name + " " + Contribution.organization)
        for word in (fold(filters.q) or "").split()[:6]:
            pattern = f"%{like_escaped(word)}%"
            conditions.append(
                or_(
                    Contribution.search_text.like(pattern, escape="\\"),
                    and_(
                        Contribution.state == ContributionState.PUBLISHED,
                        who.like(pattern, escape="\\"),
                    ),
                )
            )
    return conditions


def published(consultation_id: int, filters: Filters, page: int = 1) -> tuple[list, int]:
    """One page of published contributions, newest first, and how many match."""
    conditions = _conditions(consultation_id, filters)
    total = db.session.execute(
        select(func.count()).select_from(Contribution).where(*conditions)
    ).scalar_one()
    rows = list(
        db.session.execute(
            select(Contribution)
            .where(*conditions)
            .options(
                selectinload(Contribution.answers),
                selectinload(Contribution.files),
                selectinload(Contribution.themes),
            )
            .order_by(Contribution.published_at.desc(), Contribution.id.desc())
            .limit(PAGE_SIZE)
            .offset(max(page - 1, 0) * PAGE_SIZE)
        ).scalars()
    )
    return rows, total


def published_one(consultation_id: int, reference: str) -> Contribution | None:
    return db.session.execute(
        select(Contribution).where(
            Contribution.consultation_id == consultation_id,
            Contribution.reference == reference,
            Contribution.state.in_(PUBLIC_STATES),
        )
    ).scalar_one_or_none()


@dataclass
class Balance:
    total: int
    by_category: Counter
    by_region: Counter
    by_gender: Counter

    @property
    def gender_given(self) -> int:
        """How many contributors said their gender (the public sees the counts only
        from five on: fewer could point to a person)."""
        return sum(n for code, n in self.by_gender.items() if code)


def balance(consultation_id: int, states=PUBLIC_STATES) -> Balance:
    """How many contributions per category, region and gender (one grouped query)."""
    rows = db.session.execute(
        select(Contribution.category_id, Contribution.country, Contribution.gender, func.count())
        .where(Contribution.consultation_id == consultation_id, Contribution.state.in_(states))
        .group_by(Contribution.category_id, Contribution.country, Contribution.gender)
    ).all()
    by_category, by_region, by_gender = Counter(), Counter(), Counter()
    for category_id, country, gender, n in rows:
        by_category[category_id] += n
        by_region[region_of(country)] += n
        by_gender[gender or ""] += n
    return Balance(sum(by_category.values()), by_category, by_region, by_gender)


def feed_entries(consultation_id: int, limit: int = 50) -> list[Contribution]:
    """The newest published contributions, for the Atom feed."""
    return list(
        db.session.execute(
            select(Contribution)
            .where(*_conditions(consultation_id, Filters()))
            .options(selectinload(Contribution.answers))
            .order_by(Contribution.published_at.desc(), Contribution.id.desc())
            .limit(limit)
        ).scalars()
    )


def attribution(contribution: Contribution, category_name: str, country_name: str) -> str:
    """Who wrote it, as far as its publication allows: the name and organization when
    published with the name; otherwise the category and the country."""
    if contribution.shows_name:
        return ", ".join(p for p in (contribution.full_name, contribution.organization) if p)
    return f"{category_name}, {country_name}"


def archive(consultation: Consultation, names, document) -> bytes:
    """The rapporteur's download: a PDF per published contribution (`document(c)`, kept
    once made), its attachments, and one CSV of them all (UTF-8). `names(contribution)`
    gives (attribution, category, country) as the reader reads them."""
    rows = list(
        db.session.execute(
            select(Contribution)
            .where(*_conditions(consultation.id, Filters()))
            .options(
                selectinload(Contribution.answers),
                selectinload(Contribution.files),
                selectinload(Contribution.themes),
            )
            .order_by(Contribution.id)
        ).scalars()
    )
    buffer = io.BytesIO()
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(
        ["reference", "published", "by", "category", "country", "themes", "attachments", "text"]
    )
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive_file:
        for contribution in rows:
            by, category, country = names(contribution)
            text = "\n\n".join(to_text(a.body) for a in contribution.answers if a.body)
            archive_file.writestr(
                f"{contribution.reference}.pdf",
                document(contribution),
                compress_type=zipfile.ZIP_STORED,  # (PDFs are compressed already)
            )
            for attached in contribution.files:
                archive_file.writestr(
                    f"{contribution.reference}-attachments/"
                    f"{contribution.public_file_name(attached)}",
                    stored_files.read(attached.stored_as),
                    compress_type=zipfile.ZIP_STORED,
                )
            writer.writerow(
                [
                    contribution.reference,
                    contribution.published_at.date().isoformat()
                    if contribution.published_at
                    else "",
                    by,
                    category,
                    country,
                    "; ".join(t.name for t in contribution.themes),
                    len(contribution.files),
                    text,
                ]
            )
        archive_file.writestr("contributions.csv", "\ufeff" + table.getvalue())
    return buffer.getvalue()
