"""Queue filters, reviews and decisions."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from consult.applications.answers import answer_options
from consult.applications.services import Decision
from consult.consultations.content import localized, localized_organization
from consult.consultations.models import Consultation
from consult.consultations.questions import questions_of
from consult.consultations.services import all_organizations
from consult.enums import ApplicationState, Role
from consult.forms import BaseForm, LongSelectField, VersionField, country_choices, optional_int
from consult.review.models import MAX_SCORE, MAX_WEIGHT, MIN_SCORE, MIN_WEIGHT

SORT_CHOICES = [
    SelectChoice("newest", _l("Newest first")),
    SelectChoice("oldest", _l("Oldest first")),
    SelectChoice("score", _l("Highest score first")),
    SelectChoice("spread", _l("Most disagreement first")),
    SelectChoice("name", _l("Name (A–Z)")),
]
DECISION_LABELS = {
    Decision.ACCEPT: _l("Accept"),
    Decision.WAITLIST: _l("Put on the waiting list"),
    Decision.REJECT: _l("Reject"),
}


class QueueFilterForm(BaseForm):
    """GET form: bookmarkable, no CSRF (it changes nothing)."""

    class Meta:
        csrf = False

    consultation = SelectField(_l("Consultation"), coerce=optional_int, validators=[Optional()])
    role = SelectField(_l("Role"), validators=[Optional()])
    category = SelectField(_l("Stakeholder category"), coerce=optional_int, validators=[Optional()])
    state = SelectField(_l("State"), validators=[Optional()])
    country = LongSelectField(_l("Country"), validators=[Optional()])
    organization = SelectField(
        _l("Listed organization"), coerce=optional_int, validators=[Optional()]
    )
    answer = SelectField(_l("Answer to a question"), validators=[Optional()])
    q = StringField(
        _l("Search"),
        validators=[Optional(), Length(max=100)],
        description=_l("Name, organization, topic, reference or email"),
    )
    mine = BooleanField(_l("Only applications I have not reviewed"))
    assigned = BooleanField(_l("Only applications assigned to me"))
    sort = SelectField(
        _l("Sort by"), choices=SORT_CHOICES, default="newest", validators=[Optional()]
    )

    def __init__(
        self,
        consultations: list[Consultation],
        selected: Consultation | None,
        language: str,
        **kwargs,
    ):
        super().__init__(**kwargs)
        any_ = _l("Any")
        self.consultation.choices = [SelectChoice(c.id, c.title) for c in consultations]
        self.role.choices = [SelectChoice("", any_)] + [
            SelectChoice(role.value, role.label) for role in Role
        ]
        categories = selected.categories if selected else []
        self.category.choices = [SelectChoice("", any_)] + [
            SelectChoice(c.id, str(localized(c, "name"))) for c in categories
        ]
        self.state.choices = [SelectChoice("", any_)] + [
            SelectChoice(state.value, state.short_label) for state in ApplicationState
        ]
        self.country.choices = country_choices(language, any_)
        self.organization.choices = [SelectChoice("", any_)] + [
            SelectChoice(o.id, str(localized_organization(o))) for o in all_organizations()
        ]
        # "question id:value" for each fixed answer of the consultation's questions.
        self.answer.choices = [SelectChoice("", any_)] + [
            SelectChoice(f"{q.id}:{value}", f"{localized(q, 'label')} – {label}")
            for q in (questions_of(selected.id) if selected else [])
            if q.kind.filterable
            for value, label in answer_options(q)
        ]


class ReviewForm(BaseForm):
    score = RadioField(
        _l("Score"),
        coerce=int,
        choices=[SelectChoice(n, str(n)) for n in range(MIN_SCORE, MAX_SCORE + 1)],
        validators=[InputRequired(_l("Choose a score from 1 to 5."))],
        description=_l("1 = weak, 5 = outstanding."),
    )
    comment = TextAreaField(
        _l("Comment"),
        validators=[Length(max=5000)],
        description=_l("Seen by the secretariat only."),
    )

    def score_fields(self) -> list:
        """The fields that score the application: one overall score, or one per
        criterion (review_form_for)."""
        return [self.score]

    def criterion_scores(self) -> dict[int, int]:
        return {}


def review_form_for(criteria: list, **kwargs) -> ReviewForm:
    """The review form of a consultation: with criteria, a 1–5 score for each (its
    weight and description as the hint) instead of the overall score."""
    if not criteria:
        return ReviewForm(**kwargs)

    class CriteriaReviewForm(ReviewForm):
        score = None  # (removes the overall score)

        def score_fields(self) -> list:
            return [self[f"criterion_{c.id}"] for c in criteria]

        def criterion_scores(self) -> dict[int, int]:
            return {c.id: self[f"criterion_{c.id}"].data for c in criteria}

    for criterion in criteria:
        weight = gettext("Weight: %(weight)d.", weight=criterion.weight)
        description = localized(criterion, "description")
        setattr(
            CriteriaReviewForm,
            f"criterion_{criterion.id}",
            RadioField(
                localized(criterion, "name"),
                coerce=int,
                choices=[SelectChoice(n, str(n)) for n in range(MIN_SCORE, MAX_SCORE + 1)],
                validators=[InputRequired(_l("Score each criterion from 1 to 5."))],
                description=f"{weight} {description}".strip() if description else weight,
            ),
        )
    return CriteriaReviewForm(**kwargs)


class CriterionForm(BaseForm):
    name = StringField(
        _l("Criterion"),
        validators=[DataRequired(_l("Give the criterion a name.")), Length(max=200)],
        description=_l("For example: Relevance to financing ICT for development."),
    )
    weight = IntegerField(
        _l("Weight"),
        default=1,
        validators=[
            InputRequired(_l("Give a weight from 1 to 10.")),
            NumberRange(MIN_WEIGHT, MAX_WEIGHT, _l("Give a weight from 1 to 10.")),
        ],
        description=_l(
            "How much this criterion counts in a review's total (the weighted mean): "
            "a criterion of weight 2 counts twice as much as one of weight 1."
        ),
    )
    description = TextAreaField(
        _l("What reviewers should look for (optional)"), validators=[Length(max=2000)]
    )


class DecisionForm(BaseForm):
    decision = RadioField(_l("Decision"), validators=[DataRequired(_l("Choose a decision."))])
    message = TextAreaField(
        _l("Message to the applicant (optional)"),
        validators=[Length(max=2000)],
        description=_l("Included in the email we send about the decision."),
    )
    override_capacity = BooleanField(_l("Accept even if all places are taken"))
    version = VersionField(validators=[DataRequired()])

    def __init__(self, allowed: list[Decision], **kwargs):
        super().__init__(**kwargs)
        self.decision.choices = [SelectChoice(d.value, DECISION_LABELS[d]) for d in allowed]


class BulkDecisionForm(BaseForm):
    """A pending decision for the ticked applications: no default (a wrong click must
    not decide), nothing sent until the decisions are announced."""

    decision = SelectField(
        _l("Decision for the selected applications"),
        choices=[SelectChoice("", _l("Choose a decision"))]
        + [SelectChoice(d.value, DECISION_LABELS[d]) for d in Decision],
        validators=[DataRequired(_l("Choose a decision."))],
        description=_l("Recorded as pending: nothing is sent until you announce it."),
    )
    message = TextAreaField(
        _l("Message to each applicant (optional)"), validators=[Length(max=2000)]
    )
    return_to = HiddenField()


class WithdrawPendingForm(BaseForm):
    version = VersionField(validators=[DataRequired()])


class AnnounceForm(BaseForm):
    confirm = BooleanField(
        _l("Yes, send these emails"),
        validators=[DataRequired(_l("Tick the box to announce the decisions."))],
    )
    override_capacity = BooleanField(_l("Accept beyond the places of a role"))


class EraseForm(BaseForm):
    confirm = BooleanField(
        _l(
            "I understand: the person's data is erased for good and the application is "
            "withdrawn if it is still open."
        ),
        validators=[DataRequired(_l("Tick the box to confirm the erasure."))],
    )


class AssignForm(BaseForm):
    """Assign the ticked applications to one reviewer (the queue, admins)."""

    reviewer = SelectField(
        _l("Reviewer for the selected applications"),
        coerce=optional_int,
        validators=[DataRequired(_l("Choose a reviewer."))],
    )
    return_to = HiddenField()

    def __init__(self, staff, **kwargs):
        super().__init__(**kwargs)
        self.reviewer.choices = [SelectChoice("", _l("Choose a reviewer"))] + [
            SelectChoice(user.id, user.name) for user in staff
        ]


class AutoAssignForm(BaseForm):
    per_application = IntegerField(
        _l("Reviewers per application"),
        default=2,
        validators=[
            InputRequired(_l("Give a number of reviewers.")),
            NumberRange(min=1, max=10, message=_l("Give a number from 1 to 10.")),
        ],
        description=_l(
            "Every speaker application under review gets this many reviewers, the load "
            "spread evenly; never a reviewer with a conflict of interest on it or from "
            "the applicant's organization. Assignments made before stay."
        ),
    )


def group_message_form(languages: list[str], **kwargs) -> BaseForm:
    """Write to a group: a subject and message for each language among the recipients
    (English first: the text for anyone without one in their language)."""

    class GroupMessageForm(BaseForm):
        selected = HiddenField()  # ids, comma-separated (empty: everyone the filter finds)
        nonce = HiddenField()  # one per compose page: nothing is sent twice
        previewed = HiddenField()  # how many people the preview showed

        def texts(self) -> dict[str, tuple[str, str]]:
            return {
                language: (
                    (self[f"subject_{language}"].data or "").strip(),
                    (self[f"body_{language}"].data or "").strip(),
                )
                for language in languages
                if (self[f"subject_{language}"].data or "").strip()
                or (self[f"body_{language}"].data or "").strip()
            }

    GroupMessageForm.languages = languages
    for language in languages:
        setattr(
            GroupMessageForm,
            f"subject_{language}",
            StringField(_l("Subject"), validators=[Length(max=200)]),
        )
        setattr(
            GroupMessageForm,
            f"body_{language}",
            TextAreaField(
                _l("Message"),
                validators=[Length(max=10000)],
                description=_l(
                    "Plain text; a blank line starts a new paragraph. Placeholders: {name}, "
                    "{reference}, {consultation}, {role}, {venue}, {starts}, and {link} for "
                    "the person's own private link."
                ),
            ),
        )
    return GroupMessageForm(**kwargs)
