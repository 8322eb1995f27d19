"""The contribution form (public), the contributor's changes, and the secretariat's."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from consult.consultations.content import localized
from consult.consultations.forms import DATETIME_FORMAT
from consult.consultations.models import Consultation
from consult.contributions.models import (
    CONSENT_LABELS,
    ON_BEHALF_LABELS,
    Consent,
    GuidingQuestion,
    OnBehalf,
)
from consult.contributions.sanitize import MAX_LENGTH, from_text
from consult.enums import GENDER_LABELS
from consult.forms import (
    BaseForm,
    NoLinks,
    VersionField,
    country_choices,
    country_field,
    email_field,
    full_name_field,
    optional_int,
    strip_whitespace,
)

ANSWER_HELP = _l(
    "Plain text: a blank line starts a new paragraph, lines starting with “- ” make a "
    "list, and web addresses become links."
)


def answer_field(question: GuidingQuestion) -> str:
    return f"answer_{question.id}"


class _Answers:
    """The guiding questions' text areas, made per consultation."""

    questions: list[GuidingQuestion]

    @classmethod
    def asking(cls, questions: list[GuidingQuestion]):
        fields = {
            answer_field(q): TextAreaField(
                localized(q, "label"),
                validators=[Optional(), Length(max=MAX_LENGTH)],
                description=localized(q, "help") if q.help else ANSWER_HELP,
            )
            for q in questions
        }
        return type(cls.__name__, (cls,), fields)

    @property
    def answer_fields(self) -> list:
        return [self[answer_field(q)] for q in self.questions]

    def answers(self) -> dict[int, str]:
        """Question id -> sanitized HTML (empty answers included)."""
        return {q.id: from_text(self[answer_field(q)].data or "") for q in self.questions}

    def check_answers(self) -> bool:
        if any((field.data or "").strip() for field in self.answer_fields):
            return True
        if self.answer_fields:
            self.answer_fields[0].errors.append(_l("Answer at least one of the questions."))
        return False


_name = full_name_field()
_organization = StringField(
    _l("Organization (optional)"),
    filters=[strip_whitespace],
    validators=[Length(max=200), NoLinks()],
    render_kw={"autocomplete": "organization"},
)
_consent = RadioField(
    _l("Publication"),
    choices=[SelectChoice(c.value, CONSENT_LABELS[c]) for c in Consent],
    validators=[InputRequired(_l("Say whether your contribution may be published."))],
    description=_l(
        "The secretariat publishes contributions after reading them. You can change "
        "this until the call closes."
    ),
)


class ContributionForm(_Answers, BaseForm):
    full_name = _name
    email = email_field(_l("We send the private link to your contribution to this address."))
    organization = _organization
    category = SelectField(
        _l("Stakeholder category"),
        coerce=optional_int,
        validators=[DataRequired(_l("Choose a stakeholder category."))],
    )
    country = country_field()
    gender = SelectField(
        _l("Gender (optional)"),
        choices=[SelectChoice(code, label) for code, label in GENDER_LABELS.items()],
        validators=[Optional()],
        description=_l("Only counted, for the balance of who contributed; never published."),
    )
    on_behalf = RadioField(
        _l("You write"),
        choices=[SelectChoice(o.value, ON_BEHALF_LABELS[o]) for o in OnBehalf],
        validators=[InputRequired(_l("Say on whose behalf you write."))],
    )
    consent = _consent
    # A field people never see (hidden by the page's style, out of the tab order):
    # whatever fills it in is a robot, and its contribution is quietly not taken.
    website = StringField(_l("Leave this field empty"), validators=[Optional()])

    def __init__(
        self,
        consultation: Consultation,
        questions: list[GuidingQuestion],
        language: str,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.questions = questions
        self.category.choices = [SelectChoice("", _l("Choose a category"))] + [
            SelectChoice(c.id, localized(c, "name")) for c in consultation.categories
        ]
        self.country.choices = country_choices(language, _l("Choose a country"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self.check_answers() and valid


class EditContributionForm(_Answers, BaseForm):
    version = VersionField(validators=[DataRequired()])
    full_name = _name
    organization = _organization
    consent = _consent

    def __init__(self, questions: list[GuidingQuestion], **kwargs):
        super().__init__(**kwargs)
        self.questions = questions

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self.check_answers() and valid


class VersionForm(BaseForm):
    version = VersionField(validators=[DataRequired()])


class ModerationForm(VersionForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("publish", _l("Publish with the name")),
            SelectChoice("anonymous", _l("Publish anonymously")),
            SelectChoice("reject", _l("Do not publish")),
        ],
        validators=[InputRequired(_l("Choose a decision."))],
    )
    reason = TextAreaField(
        _l("Reason (told to the contributor)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Required when it is not published."),
    )


class FormattingForm(VersionForm):
    question = SelectField(coerce=optional_int, validators=[DataRequired()])
    body = TextAreaField(
        _l("Answer"), validators=[DataRequired(), Length(max=MAX_LENGTH)], description=ANSWER_HELP
    )


class ThemesForm(BaseForm):
    themes = StringField(
        _l("Themes"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Separated by commas, e.g. “rural connectivity, blended finance”."),
    )
    passage = TextAreaField(
        _l("Passage to quote in the synthesis (optional)"),
        validators=[Optional(), Length(max=3000)],
        description=_l(
            "Copy it from the contribution; without one, the synthesis quotes its opening."
        ),
    )


class CallForm(BaseForm):
    opens_at = DateTimeLocalField(
        _l("Contributions open (meeting's time zone)"),
        format=DATETIME_FORMAT,
        validators=[DataRequired(_l("Give the opening of contributions."))],
    )
    closes_at = DateTimeLocalField(
        _l("Contributions close (meeting's time zone)"),
        format=DATETIME_FORMAT,
        validators=[DataRequired(_l("Give the deadline for contributions."))],
    )


class QuestionForm(BaseForm):
    label = StringField(
        _l("Question"), validators=[DataRequired(_l("Write the question.")), Length(max=300)]
    )
    help = TextAreaField(_l("Hint (optional)"), validators=[Optional(), Length(max=1000)])
    position = StringField(
        _l("Position"),
        filters=[optional_int],
        validators=[Optional()],
        render_kw={"inputmode": "numeric"},
    )


class SynthesisForm(BaseForm):
    language = SelectField(_l("Language of the document"))
