"""The review queue, reviews and scores, and the balance of the slate."""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass, field, replace
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, exists, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from consult.accounts.models import User
from consult.applications.answers import answer_condition
from consult.applications.audit import EventKind
from consult.applications.models import Application, AuditEvent
from consult.applications.places import places_taken_by_role, waiting_list
from consult.applications.search import matching_anonymously, matching_applications
from consult.applications.states import NOT_REVIEWABLE_STATES, holds_place, reviewable
from consult.applications.tally import counts_by_role_and_state, tally_by
from consult.attendance.models import CheckIn
from consult.consultations.content import localized
from consult.consultations.models import Consultation, RoleOffer
from consult.database import transaction
from consult.database.personal import erased_values
from consult.enums import ApplicationState, Role
from consult.errors import Conflict, DomainError, Invalid
from consult.extensions import db
from consult.regions import OTHER, region_of
from consult.review.models import (
    MAX_SCORE,
    MIN_SCORE,
    CriterionScore,
    Review,
    ReviewAssignment,
    ReviewConflict,
)

PAGE_SIZE = 50


class ReviewError(DomainError):
    """A review that cannot be saved."""


class InvalidReview(ReviewError, Invalid):
    """Scores outside the scale, or not one for each criterion."""


class NotReviewable(ReviewError, Conflict):
    """The application cannot be reviewed now."""


# --- reviews ---------------------------------------------------------------------------


def save_review(
    application: Application,
    reviewer: User,
    score: float,
    comment: str,
    criterion_scores: dict[int, int] | None = None,
) -> Review:
    """Create or update `reviewer`'s review and refresh the application's average and
    spread. With `criterion_scores` ({criterion id: 1–5}, every criterion of the
    consultation), `score` is their weighted mean (consult.review.criteria) and the
    scores are kept with the review."""
    given = [score, *(criterion_scores or {}).values()]
    if not all(MIN_SCORE <= value <= MAX_SCORE for value in given):
        raise InvalidReview(_("Scores go from %(low)d to %(high)d.", low=MIN_SCORE, high=MAX_SCORE))
    if not reviewable(application):
        raise NotReviewable(_("Only applications with a confirmed email address can be reviewed."))
    with transaction():
        review = db.session.execute(
            select(Review)
            .where(Review.application_id == application.id, Review.reviewer_id == reviewer.id)
            .options(selectinload(Review.scores))
        ).scalar_one_or_none()
        if review is None:
            review = Review(application_id=application.id, reviewer_id=reviewer.id, score=score)
            db.session.add(review)
        review.score = score
        review.comment = comment.strip()
        if criterion_scores is not None:
            kept = {s.criterion_id: s for s in review.scores}
            for criterion_id, value in criterion_scores.items():
                if criterion_id in kept:
                    kept[criterion_id].score = value
                else:
                    review.scores.append(CriterionScore(criterion_id=criterion_id, score=value))
        db.session.flush()
        refresh_scores(Application.id == application.id)
    db.session.expire(application, ["review_count", "average_score", "score_variance"])
    return review


def refresh_scores(*where) -> None:
    """The kept review count, average and variance of the applications `where` picks,
    from their reviews (one UPDATE, in the caller's transaction). A plain UPDATE:
    scores are not a decision, so they do not bump the version."""
    mine = Review.application_id == Application.id
    count = select(func.count(Review.id)).where(mine).scalar_subquery()
    mean = select(func.avg(Review.score)).where(mine).scalar_subquery()
    mean_square = select(func.avg(Review.score * Review.score)).where(mine).scalar_subquery()
    variance = mean_square - mean * mean
    db.session.execute(
        Application.__table__.update()
        .where(*where)
        .values(
            review_count=count,
            average_score=func.coalesce(mean, 0.0),
            # (Rounding can leave a hair below zero where every score is the same.)
            score_variance=case((count < 2, 0.0), (variance < 1e-9, 0.0), else_=variance),
        )
    )


def reviewed_by(reviewer_id: int):
    """The condition "this reviewer has reviewed the application"."""
    return exists().where(
        Review.application_id == Application.id, Review.reviewer_id == reviewer_id
    )


def conflicted(reviewer_id: int):
    """The condition "this reviewer declared a conflict on the application": an IN over
    the reviewer's few conflicts, which the database works out once per query (not a
    lookup per row of a search that matches thousands)."""
    return Application.id.in_(
        select(ReviewConflict.application_id).where(ReviewConflict.reviewer_id == reviewer_id)
    )


def assigned_to(reviewer_id: int):
    """The condition "the application is assigned to this reviewer" (an IN over their
    assignments, on the index that leads with the reviewer)."""
    return Application.id.in_(
        select(ReviewAssignment.application_id).where(ReviewAssignment.reviewer_id == reviewer_id)
    )


def changed_after_review(reviewer_id: int):
    """The condition "the applicant changed it after `reviewer_id` last saved a review
    of it" (a correlated EXISTS over the application's audit events)."""
    return exists().where(
        AuditEvent.application_id == Application.id,
        AuditEvent.kind == EventKind.EDITED.value,
        Review.application_id == Application.id,
        Review.reviewer_id == reviewer_id,
        AuditEvent.created_at > Review.updated_at,
    )


def reviews_of(application: Application) -> list[Review]:
    return list(
        db.session.execute(
            select(Review)
            .where(Review.application_id == application.id)
            .options(joinedload(Review.reviewer), selectinload(Review.scores))
            .order_by(Review.updated_at)
        ).scalars()
    )


# --- the queue -------------------------------------------------------------------------

SORTS = {
    # name: (column, descending)
    "newest": (Application.created_at, True),
    "oldest": (Application.created_at, False),
    "score": (Application.average_score, True),
    "spread": (Application.score_variance, True),
    "name": (Application.full_name, False),
}


@dataclass(frozen=True)
class ReviewQueueFilter:
    """What the secretariat asked to see; every field maps to an indexed column."""

    consultation_id: int
    role: Role | None = None
    category_id: int | None = None
    state: ApplicationState | None = None
    country: str | None = None
    organization_id: int | None = None  # a listed organization
    answer: tuple[int, str] | None = None  # (question id, an option / "yes" / "no")
    unreviewed_by: int | None = None  # a user id: hide what this user has reviewed
    assigned_to: int | None = None  # a user id: only what is assigned to them
    # A user id: hide what they declared a conflict of interest on (the rows; the
    # counts per state, read from the kept counts, still include those few).
    hidden_from: int | None = None
    # An anonymised review seen by a reviewer: search only the proposal (topic,
    # reference), never sort by name (consult.applications.search).
    anonymous: bool = False
    text: str = ""
    sort: str = "newest"

    def conditions(self, *, with_state: bool = True) -> list:
        conds = [Application.consultation_id == self.consultation_id]
        if self.role is not None:
            conds.append(Application.role == self.role)
        if self.category_id is not None:
            conds.append(Application.category_id == self.category_id)
        if with_state and self.state is not None:
            conds.append(Application.state == self.state)
        if self.country:
            conds.append(Application.country == self.country)
        if self.organization_id is not None:
            conds.append(Application.organization_id == self.organization_id)
        if self.answer is not None:
            conds.append(answer_condition(*self.answer))
        if self.unreviewed_by is not None:
            conds.append(~reviewed_by(self.unreviewed_by))
        if self.assigned_to is not None:
            conds.append(assigned_to(self.assigned_to))
        if self.hidden_from is not None:
            conds.append(~conflicted(self.hidden_from))
        if self.text.strip():
            matching = matching_anonymously if self.anonymous else matching_applications
            conds.append(matching(self.text))
        return conds


@dataclass
class QueuePage:
    rows: list[Application]
    next_cursor: str | None
    previous_cursor: str | None
    counts: dict[ApplicationState, int] = field(default_factory=dict)
    # The rows the reader reviewed and the applicant changed since.
    changed: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def encode_cursor(value, row_id: int, direction: str) -> str:
    if isinstance(value, datetime):
        value = {"dt": value.isoformat()}
    raw = json.dumps([direction, value, row_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class InvalidCursor(ValueError):
    """A paging cursor that this app did not make (edited, truncated, for another sort)."""


def decode_cursor(cursor: str, sort: str = "newest") -> tuple[str, object, int]:
    """The (direction, sort value, row id) a cursor carries, checked against the type of
    the sort column; anything else raises InvalidCursor (the view answers 400)."""
    try:
        if len(cursor) > 1000 or not cursor.isascii():
            raise InvalidCursor(cursor)
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, value, row_id = json.loads(raw)
        column, _descending = SORTS[sort]
        if column.key == "created_at":
            value = datetime.fromisoformat(value["dt"])
            if value.tzinfo is not None:
                raise InvalidCursor(cursor)
        elif column.key in ("average_score", "score_variance"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidCursor(cursor)
            if not math.isfinite(value):
                raise InvalidCursor(cursor)
        elif not isinstance(value, str) or "\x00" in value or len(value) > 300:
            raise InvalidCursor(cursor)
        if direction not in ("after", "before") or isinstance(row_id, bool):
            raise InvalidCursor(cursor)
        if not isinstance(row_id, int) or not 0 < row_id < 2**31:
            raise InvalidCursor(cursor)
        return direction, value, row_id
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise InvalidCursor(cursor) from error


def _keyset(query: Select, sort: str, cursor: str | None) -> tuple[Select, bool]:
    """Order by the sort column then id; continue after/before a cursor row.

    Returns the query and whether it runs backwards (for a "previous" page).
    """
    column, descending = SORTS[sort]
    decoded = decode_cursor(cursor, sort) if cursor else None
    backwards = decoded is not None and decoded[0] == "before"
    forward_desc = descending != backwards
    if decoded is not None:
        _direction, value, row_id = decoded
        if forward_desc:
            query = query.where(or_(column < value, and_(column == value, Application.id < row_id)))
        else:
            query = query.where(or_(column > value, and_(column == value, Application.id > row_id)))
    order = (column.desc(), Application.id.desc()) if forward_desc else (column, Application.id)
    return query.order_by(*order), backwards


def queue_page(
    queue_filter: ReviewQueueFilter,
    cursor: str | None = None,
    size: int = PAGE_SIZE,
    reader_id: int | None = None,
) -> QueuePage:
    """One page of the queue plus the counts per state: two queries, whatever the size.
    With `reader_id`, each row also says whether it changed after that reader's review
    (in the same query)."""
    changed = (changed_after_review(reader_id) if reader_id is not None else sa.false()).label(
        "changed"
    )
    query = (
        select(Application, changed)
        .where(*queue_filter.conditions())
        .options(joinedload(Application.category), joinedload(Application.organization))
        .limit(size + 1)
    )
    query, backwards = _keyset(query, queue_filter.sort, cursor)
    found = db.session.execute(query).all()
    rows = [row for row, _changed in found]
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    column, _desc = SORTS[queue_filter.sort]
    key = column.key

    def cursor_for(row: Application, direction: str) -> str:
        return encode_cursor(getattr(row, key), row.id, direction)

    has_next = more if not backwards else bool(cursor)
    has_previous = bool(cursor) if not backwards else more
    page = QueuePage(
        rows=rows,
        next_cursor=cursor_for(rows[-1], "after") if rows and has_next else None,
        previous_cursor=cursor_for(rows[0], "before") if rows and has_previous else None,
        changed={row.id for row, was_changed in found[:size] if was_changed},
    )
    page.counts = state_counts(queue_filter)
    return page


@dataclass(frozen=True)
class Neighbours:
    """The applications before and after one in the queue's filter and order."""

    previous: Application | None
    next: Application | None


def neighbours(queue_filter: ReviewQueueFilter, application: Application) -> Neighbours:
    """Previous/next on an application's page, in the order and filter of the queue the
    reader came from (two keyset queries of one row each, at any depth)."""
    column, _descending = SORTS[queue_filter.sort]
    value = getattr(application, column.key)

    def one(direction: str) -> Application | None:
        query = select(Application).where(*queue_filter.conditions()).limit(1)
        query, _backwards = _keyset(
            query, queue_filter.sort, encode_cursor(value, application.id, direction)
        )
        return db.session.execute(query).scalar_one_or_none()

    return Neighbours(previous=one("before"), next=one("after"))


def state_counts(queue_filter: ReviewQueueFilter) -> dict[ApplicationState, int]:
    """How many applications match the filter in each state (state filter ignored).

    Filters by role and category read the kept counts (tally.py); a country,
    organization, answer, text or "not reviewed by me" filter counts the matching
    applications."""
    found: dict[ApplicationState, int] = dict.fromkeys(ApplicationState, 0)
    if (
        not queue_filter.country
        and queue_filter.organization_id is None
        and queue_filter.answer is None
        and not queue_filter.text
        and queue_filter.unreviewed_by is None
        and queue_filter.assigned_to is None
    ):
        kept = counts_by_role_and_state(
            queue_filter.consultation_id,
            role=queue_filter.role,
            category_id=queue_filter.category_id,
        )
        for (_role, state), n in kept.items():
            found[state] += n
        return found
    rows = db.session.execute(
        select(Application.state, func.count(Application.id))
        .where(*queue_filter.conditions(with_state=False))
        .group_by(Application.state)
    ).all()
    found.update(dict(rows))
    return found


@dataclass(frozen=True)
class FreePlace:
    """A role offer with places free and the first person on its waiting list."""

    offer: RoleOffer
    free: int
    next_waiting: Application | None


def free_places(consultation: Consultation) -> list[FreePlace]:
    """Offers needing review that have free places and someone waiting (max 1 + roles
    queries): the queue shows these first, so the place is offered to the waitlist."""
    taken = places_taken_by_role(consultation)
    result = []
    for offer in consultation.offers:
        free = offer.capacity - taken.get(offer.role, 0)
        if free <= 0 or not offer.needs_review:
            continue
        waiting = next(iter(waiting_list(offer, limit=1)), None)
        if waiting is not None:
            result.append(FreePlace(offer, free, waiting))
    return result


# --- balance ---------------------------------------------------------------------------

# "Applicants": people whose address is confirmed and who have not withdrawn.
NOT_APPLICANT_STATES = NOT_REVIEWABLE_STATES


@dataclass
class Breakdown:
    """Counts by a dimension (rows) and role (columns), for selected people and applicants."""

    title: str  # the dimension, as a column heading
    heading: str  # the section heading
    rows: list[str]
    selected: dict[str, dict[Role, int]]
    applicants: dict[str, dict[Role, int]]

    def total(self, which: str, row: str) -> int:
        return sum(getattr(self, which)[row].values())

    def column_total(self, which: str, role: Role) -> int:
        return sum(counts[role] for counts in getattr(self, which).values())

    def grand_total(self, which: str) -> int:
        return sum(self.total(which, row) for row in self.rows)


@dataclass
class Balance:
    by_category: Breakdown
    by_region: Breakdown
    by_gender: Breakdown


GENDER_LABELS = {
    "female": _l("Women"),
    "male": _l("Men"),
    "non_binary": _l("Non-binary"),
    "self_described": _l("Another gender identity"),
    "": _l("Not given"),
}


def pending_acceptances(consultation: Consultation) -> list[tuple[int, str, str, Role, int]]:
    """(category id, country, gender, role, how many) of the acceptances recorded but not
    yet announced: what "if announced" adds to the selected people (one query)."""
    a = Application
    rows = db.session.execute(
        select(a.category_id, a.country, a.gender, a.role, func.count(a.id))
        .where(a.consultation_id == consultation.id, a.pending_decision == "accept")
        .group_by(a.category_id, a.country, a.gender, a.role)
    ).all()
    return [(c, country, gender, Role(role), n) for c, country, gender, role, n in rows]


def balance(
    consultation: Consultation, region_labels: dict[str, str], *, if_announced: bool = False
) -> Balance:
    """Accepted/confirmed people and applicants by category, UN regional group and
    gender, each against role: one small grouped query per dimension over the kept
    counts (tally.py). `if_announced`: as if the pending decisions were announced (the
    pending acceptances counted as selected; one more query)."""
    applicant_states = [s for s in ApplicationState if s not in NOT_APPLICANT_STATES]
    categories = {c.id: str(localized(c, "name")) for c in consultation.categories}
    genders = {key: str(label) for key, label in GENDER_LABELS.items()}
    names = {
        "category_id": (lambda value: categories.get(value, "—"), list(categories.values())),
        "region": (
            lambda value: region_labels.get(value, region_labels[OTHER]),
            list(region_labels.values()),
        ),
        "gender": (lambda value: genders.get(value, genders[""]), list(genders.values())),
    }
    tallies = {}
    for dim, (name_of, rows) in names.items():
        selected = {row: dict.fromkeys(Role, 0) for row in rows}
        applicants = {row: dict.fromkeys(Role, 0) for row in rows}
        for value, role, state, count in tally_by(consultation.id, dim, applicant_states):
            key = name_of(value)
            for table in (selected, applicants):
                table.setdefault(key, dict.fromkeys(Role, 0))
            applicants[key][role] += count
            if holds_place(state):
                selected[key][role] += count
        tallies[dim] = {"selected": selected, "applicants": applicants}
    if if_announced:
        for category_id, country, gender, role, count in pending_acceptances(consultation):
            for dim, value in (
                ("category_id", category_id),
                ("region", region_of(country)),
                ("gender", gender),
            ):
                key = names[dim][0](value)
                tallies[dim]["selected"].setdefault(key, dict.fromkeys(Role, 0))[role] += count

    def breakdown(dim: str, title, heading) -> Breakdown:
        t = tallies[dim]
        return Breakdown(
            str(title), str(heading), list(t["applicants"]), t["selected"], t["applicants"]
        )

    return Balance(
        by_category=breakdown(
            "category_id", _l("Stakeholder category"), _l("By stakeholder category")
        ),
        by_region=breakdown("region", _l("UN regional group"), _l("By UN regional group")),
        by_gender=breakdown("gender", _l("Gender"), _l("By gender")),
    )


def attendance(consultation: Consultation, region_labels: dict[str, str]) -> Balance | None:
    """Who came: checked-in people (as "selected") against the confirmed
    (as "applicants") by category, UN regional group and gender, each against role --
    one grouped query; None before anyone checked in."""
    a = Application
    rows = db.session.execute(
        select(a.category_id, a.country, a.gender, a.role, func.count(a.id), func.count(CheckIn.id))
        .outerjoin(CheckIn, CheckIn.application_id == a.id)
        .where(a.consultation_id == consultation.id, a.state == ApplicationState.CONFIRMED)
        .group_by(a.category_id, a.country, a.gender, a.role)
    ).all()
    if not any(came for *_rest, came in rows):
        return None
    categories = {c.id: str(localized(c, "name")) for c in consultation.categories}
    genders = {key: str(label) for key, label in GENDER_LABELS.items()}
    dims = {
        "category": (lambda r: categories.get(r[0], "—"), list(categories.values())),
        "region": (
            lambda r: region_labels.get(region_of(r[1]), region_labels[OTHER]),
            list(region_labels.values()),
        ),
        "gender": (lambda r: genders.get(r[2], genders[""]), list(genders.values())),
    }
    made = {}
    for dim, (label_of, labels) in dims.items():
        came = {label: dict.fromkeys(Role, 0) for label in labels}
        confirmed = {label: dict.fromkeys(Role, 0) for label in labels}
        for row in rows:
            key, role = label_of(row), Role(row[3])
            for table in (came, confirmed):
                table.setdefault(key, dict.fromkeys(Role, 0))
            confirmed[key][role] += row[4]
            came[key][role] += row[5]
        made[dim] = (list(confirmed), came, confirmed)
    return Balance(
        by_category=Breakdown(
            str(_l("Stakeholder category")), str(_l("By stakeholder category")), *made["category"]
        ),
        by_region=Breakdown(
            str(_l("UN regional group")), str(_l("By UN regional group")), *made["region"]
        ),
        by_gender=Breakdown(str(_l("Gender")), str(_l("By gender")), *made["gender"]),
    )


def with_sort(queue_filter: ReviewQueueFilter, sort: str) -> ReviewQueueFilter:
    """The filter in that order (an unknown order, or by name in an anonymised review:
    newest first)."""
    allowed = sort in SORTS and not (queue_filter.anonymous and sort == "name")
    return replace(queue_filter, sort=sort if allowed else "newest")


def erase_review_comments(application_ids: list[int]) -> None:
    """On `erasing` (consult.applications.privacy): reviewers' comments are personal
    data about the applicant; the scores stay (anonymous once the person is erased)."""
    db.session.execute(
        update(Review)
        .where(Review.application_id.in_(application_ids))
        .values(**erased_values(Review))
    )


def reviews_for_the_applicant(application: Application) -> dict:
    """On `collecting` (the applicant's copy of their data): the scores and comments
    about them are their personal data (opinions about a person are), the reviewers'
    identities are not theirs to have (docs/data-protection.md)."""
    return {
        "reviews": [
            {
                "score": r.score,
                "criteria": {s.criterion.name: s.score for s in r.scores},
                "comment": r.comment,
                "updated_at": r.updated_at.isoformat() + "Z",
            }
            for r in reviews_of(application)
        ]
    }
