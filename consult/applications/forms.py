"""The public application form and the withdrawal confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from consult.applications.answers import field_name, question_fields
from consult.applications.answers import read as read_answers
from consult.consultations.content import localized, localized_organization
from consult.consultations.models import Consultation, Organization, Question
from consult.consultations.questions import questions_asked
from consult.enums import GENDER_LABELS, Role
from consult.forms import (
    BaseForm,
    LongSelectField,
    NoLinks,
    VersionField,
    country_choices,
    country_field,
    email_field,
    full_name_field,
    optional_int,
    strip_whitespace,
)
from consult.i18n import html_lang

GENDERS = [SelectChoice(code, label) for code, label in GENDER_LABELS.items()]
# Categories whose people represent an organization and must name it.
ORGANIZATION_REQUIRED = {"government", "international_organization"}


# The fields, defined in the order of the page (the error summary lists them so); the
# forms below take those they have.
_form_key = HiddenField(validators=[Length(max=64)])
_full_name = full_name_field(_l("As it should appear on your badge."))
_email = email_field(_l("We send your private link to this address."))
_job_title = StringField(
    _l("Job title"),
    filters=[strip_whitespace],
    validators=[Length(max=200), NoLinks()],
    render_kw={"autocomplete": "organization-title"},
)
_country = country_field()
_gender = SelectField(
    _l("Gender (optional)"),
    choices=GENDERS,
    validators=[Optional()],
    description=_l("Used only for the secretariat's overview of a balanced programme."),
)
_category = RadioField(
    _l("Stakeholder category"),
    coerce=int,
    validators=[InputRequired(_l("Choose the stakeholder group you belong to."))],
)
_organization_id = LongSelectField(
    _l("International organization"),
    coerce=optional_int,
    validators=[Optional()],
    description=_l(
        "Representatives of international organizations: pick yours "
        "if it is listed, or type its name below."
    ),
)
_organization_name = StringField(
    _l("Organization"),
    filters=[strip_whitespace],
    validators=[Length(max=200), NoLinks()],
    description=_l(
        "Required for government and international organizations. "
        "Leave empty if you take part in a personal capacity."
    ),
    render_kw={"autocomplete": "organization"},
)
_role = RadioField(
    _l("Role"),
    validators=[InputRequired(_l("Choose the role you apply for."))],
)
_topic = StringField(
    _l("Proposed topic"),
    filters=[strip_whitespace],
    validators=[Length(max=300)],
    description=_l("Speakers only."),
)
_abstract = TextAreaField(
    _l("Abstract"),
    filters=[strip_whitespace],
    validators=[Length(max=3000)],
    description=_l("Speakers only: what you would say, in up to 3,000 characters."),
)
_bio = TextAreaField(
    _l("Short biography"),
    filters=[strip_whitespace],
    validators=[Length(max=1500)],
    description=_l("Speakers only: up to 1,500 characters."),
)
_accessibility_needs = TextAreaField(
    _l("Accessibility needs (optional)"),
    filters=[strip_whitespace],
    validators=[Length(max=1000)],
    description=_l(
        "For example step-free access, sign language interpretation, "
        "captioning or a seat near the front."
    ),
)
# One consent for both public lists (docs/decisions.md, "Self-service"): a speaker
# who agreed to be named among the participants expects to be named in the programme
# they speak in, and one who did not expects neither.
_list_publicly = BooleanField(
    _l(
        "Name me in public: my name, organization and country in the list of "
        "participants and, if I speak, in the programme"
    ),
    description=_l(
        "Only once your participation is confirmed. You can change this later from "
        "the page of your application."
    ),
)


def _organization_choice(organization: Organization) -> SelectChoice:
    """A listed organization in the reader's language, or in English saying so."""
    label = localized_organization(organization)
    return SelectChoice(organization.id, str(label), render_kw={"lang": html_lang(label.lang)})


class ApplicationDetailsForm(BaseForm):
    """What an applicant may change of their application themself (their private page),
    and the consultation's own questions for their role: the part of the application
    form that is not who they are (email, country, category, role)."""

    full_name = _full_name
    job_title = _job_title
    organization_id = _organization_id
    organization_name = _organization_name
    topic = _topic
    abstract = _abstract
    bio = _bio
    accessibility_needs = _accessibility_needs

    def __init__(
        self,
        consultation: Consultation,
        organizations: list[Organization],
        questions: list[Question] = (),
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.consultation = consultation
        self.questions = list(questions)
        self.answers: dict[int, str] = {}
        self.organization_id.choices = [SelectChoice("", _l("Not listed / not applicable"))] + [
            _organization_choice(o) for o in organizations
        ]

    @classmethod
    def asking(cls, questions: list[Question]):
        """This form with a field for each of the questions (a class made per use)."""
        if not questions:
            return cls
        return type(cls.__name__, (cls,), question_fields(questions))

    @property
    def question_fields(self) -> list:
        return [self[field_name(q)] for q in self.questions]

    def check_details(self, role: Role | None, category_id: int | None) -> bool:
        """What depends on the role and the category: a speaker's proposal, the
        organization of those who represent one, the questions asked of the role
        (their answers in `self.answers`)."""
        valid = True
        if role is not None and role.is_speaker:
            for field, message in (
                (self.topic, _l("Speakers must propose a topic.")),
                (self.abstract, _l("Speakers must give an abstract.")),
                (self.bio, _l("Speakers must give a short biography.")),
            ):
                if not field.data and not field.errors:
                    field.errors.append(message)
                    valid = False
        category = next((c for c in self.consultation.categories if c.id == category_id), None)
        if category is not None:
            if self.organization_id.data and not category.uses_organization_list:
                self.organization_id.errors.append(
                    _l("Only representatives of international organizations pick one here.")
                )
                valid = False
            if (
                category.code in ORGANIZATION_REQUIRED
                and not self.organization_name.data
                and not self.organization_id.data
                and not self.organization_name.errors
            ):
                self.organization_name.errors.append(
                    _l("Name the government or organization you represent.")
                )
                valid = False
        self.answers, answers_valid = read_answers(self, self.questions, role)
        return valid and answers_valid


class ApplicationForm(ApplicationDetailsForm):
    """The public application form."""

    # One-time key of this form (a retry of the same form is recognised, not doubled).
    form_key = _form_key
    email = _email
    country = _country
    gender = _gender
    category = _category
    role = _role
    list_publicly = _list_publicly

    def __init__(
        self,
        consultation: Consultation,
        organizations: list[Organization],
        language: str,
        questions: list[Question] = (),
        **kwargs,
    ):
        super().__init__(consultation, organizations, questions, **kwargs)
        self.category.choices = [
            SelectChoice(c.id, localized(c, "name")) for c in consultation.categories
        ]
        self.role.choices = [SelectChoice(o.role.value, o.role.label) for o in consultation.offers]
        self.country.choices = country_choices(language, _l("Choose a country"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        role = Role(self.role.data) if self.role.data in {r.value for r in Role} else None
        return self.check_details(role, self.category.data) and valid


def application_form(consultation: Consultation, organizations, language: str, **kwargs):
    """The application form of a consultation, with its own questions."""
    questions = questions_asked(consultation.id)
    return ApplicationForm.asking(questions)(
        consultation, organizations, language, questions, **kwargs
    )


class EditApplicationForm(ApplicationDetailsForm):
    """The applicant changes their application (their private page)."""

    version = VersionField(validators=[DataRequired()])

    def __init__(self, application, organizations, questions, **kwargs):
        super().__init__(application.consultation, organizations, questions, **kwargs)
        self.application = application

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        application = self.application
        return self.check_details(application.role, application.category_id) and valid


class WithdrawForm(BaseForm):
    # The version the person saw; a change in between refuses the withdrawal.
    version = VersionField(validators=[DataRequired()])


class CancelForm(WithdrawForm):
    """Withdrawing, or cancelling a confirmed place, with an optional reason for the
    secretariat."""

    reason = TextAreaField(
        _l("Reason (optional)"),
        description=_l("Only the secretariat reads it."),
        validators=[Optional(), Length(max=1000)],
    )
