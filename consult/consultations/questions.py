"""The secretariat's own questions on a consultation's application form: which are
asked (cached per consultation), and saving, ordering, retiring and deleting them.

The answers belong to the applications above (consult.applications.answers); they
tell this floor how many answers a question has through the `answer_counts` hook."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from consult.cache import cached
from consult.consultations.models import Consultation, Question, QuestionKind
from consult.database import transaction
from consult.enums import Role
from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.hooks import Hook

# Asked for how many applicants answered each question of a consultation:
# {question id: answers}. The applications answer it.
answer_counts: Hook[[int], dict[int, int]] = Hook("answer_counts")

MAX_OPTIONS = 30
MAX_OPTION_LENGTH = 200


class QuestionError(Invalid):
    """A question that cannot be saved as given (field: the form field to show it at)."""


class QuestionInUse(Conflict):
    """A change that would orphan answers applicants have given."""


def questions_of(consultation_id: int) -> list[Question]:
    """Every question of the consultation, retired ones too, in form order (read-only
    copies from the process's cache: no query on a page that shows them)."""

    def load(session):
        return list(
            session.execute(
                select(Question)
                .where(Question.consultation_id == consultation_id)
                .order_by(Question.position, Question.id)
            ).scalars()
        )

    return cached("questions", consultation_id, load)


def questions_asked(consultation_id: int, role: Role | None = None) -> list[Question]:
    """The questions on the form: of one role, or (role None) of any role."""
    return [q for q in questions_of(consultation_id) if q.active and (role is None or q.asks(role))]


def answered(consultation_id: int) -> dict[int, int]:
    counts: dict[int, int] = {}
    for part in answer_counts(consultation_id):
        counts.update(part)
    return counts


@dataclass(frozen=True)
class QuestionSettings:
    """What the admin's form gives (lengths checked by the form)."""

    label: str
    kind: QuestionKind
    help: str = ""
    options: tuple[str, ...] = ()
    required: bool = False
    roles: tuple[Role, ...] = ()  # empty: every role
    active: bool = True
    for_security: bool = False


def _checked(settings: QuestionSettings) -> QuestionSettings:
    if settings.kind.has_options:
        options = tuple(dict.fromkeys(o.strip() for o in settings.options if o.strip()))
        if len(options) < 2:
            raise QuestionError(_("Give at least two options, one per line."), field="options")
        if len(options) > MAX_OPTIONS:
            raise QuestionError(
                ngettext(
                    "Give at most %(num)d option.", "Give at most %(num)d options.", MAX_OPTIONS
                ),
                field="options",
            )
        if any(len(o) > MAX_OPTION_LENGTH for o in options):
            raise QuestionError(
                ngettext(
                    "Each option can be at most %(num)d character long.",
                    "Each option can be at most %(num)d characters long.",
                    MAX_OPTION_LENGTH,
                ),
                field="options",
            )
        return QuestionSettings(**{**settings.__dict__, "options": options})
    return QuestionSettings(**{**settings.__dict__, "options": ()})


def _write(question: Question, settings: QuestionSettings) -> None:
    question.label = settings.label.strip()
    question.kind = settings.kind
    question.help = settings.help.strip()
    question.options = "\n".join(settings.options)
    question.required = settings.required
    every_role = not settings.roles or set(settings.roles) == set(Role)
    question.roles = "" if every_role else ",".join(r.value for r in Role if r in settings.roles)
    question.active = settings.active
    question.for_security = settings.for_security


def add_question(consultation: Consultation, settings: QuestionSettings) -> Question:
    """A new question, last on the form."""
    settings = _checked(settings)
    with transaction():
        last = db.session.execute(
            select(func.max(Question.position)).where(Question.consultation_id == consultation.id)
        ).scalar()
        question = Question(consultation_id=consultation.id, position=(last or 0) + 1)
        _write(question, settings)
        db.session.add(question)
    return question


def change_question(question: Question, settings: QuestionSettings) -> Question:
    """Save the admin's changes. Once answered, a question keeps its kind (the answers
    would no longer fit it); its wording and options may change (answers keep the text
    they were given)."""
    settings = _checked(settings)
    if settings.kind != question.kind and answered(question.consultation_id).get(question.id):
        raise QuestionError(
            _(
                "Applicants have answered this question: its kind cannot change. "
                "Retire it and add a new one."
            ),
            field="kind",
        )
    with transaction():
        _write(question, settings)
    return question


def delete_question(question: Question) -> None:
    """Delete a question nobody has answered (one with answers is retired instead, so
    that what people gave is not lost)."""
    if answered(question.consultation_id).get(question.id):
        raise QuestionInUse(
            _("Applicants have answered this question: retire it instead of deleting it.")
        )
    with transaction():
        db.session.delete(question)


def move_question(question: Question, step: int) -> None:
    """Move a question one place up (step -1) or down (+1) on the form."""
    siblings = list(
        db.session.execute(
            select(Question)
            .where(Question.consultation_id == question.consultation_id)
            .order_by(Question.position, Question.id)
        ).scalars()
    )
    index = siblings.index(question)
    other = index + step
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    with transaction():
        for position, row in enumerate(siblings, start=1):
            row.position = position
