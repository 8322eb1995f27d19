"""Answers to the consultation's own questions (consult.consultations.questions): the
form fields the questions become, the answers read from a form and saved, how an answer
reads for people, and the queue's condition "answered this".

An answer is stored as text (Answer.value): the option's English text for a choice
(several joined by new lines, in the options' order), "yes"/"no", an ISO date, a number
as a plain decimal. Answers are personal data: erased with the person (privacy.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, or_, select
from wtforms import DateField, DecimalField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from consult.applications.models import Answer, Application
from consult.consultations.content import localized, localized_lines
from consult.consultations.models import Question, QuestionKind
from consult.consultations.questions import questions_of
from consult.database import like_escaped
from consult.enums import Role
from consult.extensions import db
from consult.forms import CheckboxListField, strip_whitespace
from consult.text import calendar_date

FIELD_PREFIX = "question_"
YES, NO = "yes", "no"
YES_NO_LABELS = {YES: _l("Yes"), NO: _l("No")}
MAX_SHORT, MAX_LONG = 300, 3000
NUMBER_LIMIT = Decimal("1e12")


def field_name(question: Question) -> str:
    return f"{FIELD_PREFIX}{question.id}"


def _choices(question: Question) -> list[SelectChoice]:
    """A fixed-answer question's answers: yes/no, or the options valued by their English
    text, labelled in the reader's language."""
    if question.kind is QuestionKind.YES_NO:
        return [SelectChoice(value, label) for value, label in YES_NO_LABELS.items()]
    return [
        SelectChoice(english, label)
        for english, label in zip(
            question.option_list, localized_lines(question, "options"), strict=False
        )
    ]


def answer_options(question: Question) -> list[tuple[str, str]]:
    """(stored value, label) of each answer a question with fixed answers can have."""
    return [(choice.value, str(choice.label)) for choice in _choices(question)]


def _description(question: Question):
    parts = []
    if question.help:
        parts.append(str(localized(question, "help")))
    if question.role_list:
        roles = ", ".join(str(role.label) for role in question.role_list)
        parts.append(
            _("Only for: %(roles)s.", roles=roles)
            if not question.required
            else _("Required for: %(roles)s.", roles=roles)
        )
    return " ".join(parts)


def unbound_field(question: Question):
    """The form field for one question (every value is checked again by `read`)."""
    label = localized(question, "label")
    description = _description(question)
    kind = question.kind
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        short = kind is QuestionKind.SHORT_TEXT
        return (StringField if short else TextAreaField)(
            label,
            filters=[strip_whitespace],
            validators=[Optional(), Length(max=MAX_SHORT if short else MAX_LONG)],
            description=description,
        )
    if kind.filterable:  # one fixed answer (radios) or several (checkboxes)
        field_class = CheckboxListField if kind is QuestionKind.CHOICES else RadioField
        return field_class(
            label, choices=_choices(question), validate_choice=False, description=description
        )
    if kind is QuestionKind.DATE:
        return DateField(label, validators=[Optional()], description=description)
    return DecimalField(label, validators=[Optional()], description=description)


def question_fields(questions: list[Question]) -> dict[str, object]:
    """{field name: unbound field} for a form class made for these questions."""
    return {field_name(q): unbound_field(q) for q in questions}


def form_data(answers: dict[int, str], questions: list[Question]) -> dict[str, object]:
    """Stored answers as the form's data (to edit them)."""
    data: dict[str, object] = {}
    for q in questions:
        value = answers.get(q.id)
        if value is None:
            continue
        if q.kind is QuestionKind.CHOICES:
            data[field_name(q)] = value.split("\n")
        elif q.kind is QuestionKind.DATE:
            data[field_name(q)] = date.fromisoformat(value)
        elif q.kind is QuestionKind.NUMBER:
            data[field_name(q)] = Decimal(value)
        else:
            data[field_name(q)] = value
    return data


def read(form, questions: list[Question], role: Role | None) -> tuple[dict[int, str], bool]:
    """The answers the form gives to the questions asked of `role` (others are not
    kept), each checked; a missing required answer or a value that is not one of the
    options is put beside its field. Returns (answers by question id, all valid)."""
    answers: dict[int, str] = {}
    valid = True
    for q in questions:
        field = form[field_name(q)]
        if role is None or not q.asks(role):
            continue
        if field.errors:
            valid = False
            continue
        value, problem = _value(q, field.data)
        if problem is None and q.required and not value:
            problem = _l("Answer this question.")
        if problem is not None:
            field.errors.append(problem)
            valid = False
        elif value:
            answers[q.id] = value
    return answers, valid


def _value(question: Question, data) -> tuple[str, object | None]:
    kind = question.kind
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        return (data or "").strip(), None
    if kind is QuestionKind.CHOICE:
        if data and data not in question.option_list:
            return "", _l("Choose one of the options.")
        return data or "", None
    if kind is QuestionKind.CHOICES:
        picked = set(data or [])
        if picked - set(question.option_list):
            return "", _l("Choose from the options.")
        return "\n".join(o for o in question.option_list if o in picked), None
    if kind is QuestionKind.YES_NO:
        if data and data not in YES_NO_LABELS:
            return "", _l("Answer yes or no.")
        return data or "", None
    if kind is QuestionKind.DATE:
        return (data.isoformat() if data else ""), None
    if data is None:
        return "", None
    if not data.is_finite() or abs(data) >= NUMBER_LIMIT:
        return "", _l("Enter a number.")
    return format(data.normalize(), "f"), None


def answers_by_question(application: Application) -> dict[int, str]:
    return {a.question_id: a.value for a in application.answers}


def save_answers(application: Application, answers: dict[int, str]) -> list[int]:
    """Make the application's answers these (the caller's transaction); returns the ids
    of the questions whose answer changed."""
    current = {a.question_id: a for a in application.answers}
    changed = []
    for question_id in set(current) | set(answers):
        old, new = current.get(question_id), answers.get(question_id, "")
        if old is not None and old.value == new:
            continue
        changed.append(question_id)
        if old is None:
            application.answers.append(Answer(question_id=question_id, value=new))
        elif new:
            old.value = new
        else:
            application.answers.remove(old)
    return sorted(changed)


def readable(question: Question, value: str) -> str:
    """An answer as people read it: options and yes/no in the reader's language, a date
    in their style."""
    if not value:
        return ""
    kind = question.kind
    if kind.has_options:
        labels = dict(zip(question.option_list, localized_lines(question, "options"), strict=False))
        return ", ".join(str(labels.get(v, v)) for v in value.split("\n"))
    if kind is QuestionKind.YES_NO:
        return str(YES_NO_LABELS.get(value, value))
    if kind is QuestionKind.DATE:
        try:
            return calendar_date(date.fromisoformat(value))
        except ValueError:
            return value
    return value


@dataclass(frozen=True)
class AnsweredQuestion:
    question: Question
    value: str  # as stored
    text: str  # as people read it


def answered_questions(application: Application) -> list[AnsweredQuestion]:
    """The questions asked of this application's role (retired ones too if answered),
    in form order, with its answers."""
    answers = answers_by_question(application)
    return [
        AnsweredQuestion(q, answers.get(q.id, ""), readable(q, answers.get(q.id, "")))
        for q in questions_of(application.consultation_id)
        if q.id in answers or q.asks(application.role)
    ]


def answer_condition(question_id: int, value: str):
    """The queue's condition "answered `value` to the question" (for several choices:
    `value` among those picked)."""
    lines = Answer.value
    return exists().where(
        Answer.application_id == Application.id,
        Answer.question_id == question_id,
        or_(
            lines == value,
            lines.like(like_escaped(value) + "\n%", escape="\\"),
            lines.like("%\n" + like_escaped(value), escape="\\"),
            lines.like("%\n" + like_escaped(value) + "\n%", escape="\\"),
        ),
    )


def answer_counts(consultation_id: int) -> dict[int, int]:
    """On the consultations' `answer_counts`: answers per question of a consultation."""
    rows = db.session.execute(
        select(Answer.question_id, func.count())
        .join(Question, Question.id == Answer.question_id)
        .where(Question.consultation_id == consultation_id)
        .group_by(Answer.question_id)
    ).all()
    return dict(rows)


def erase_answers(application_ids: list[int]) -> None:
    """The answers are personal data: gone with the person."""
    db.session.execute(delete(Answer).where(Answer.application_id.in_(application_ids)))
