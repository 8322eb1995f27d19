"""The public application form and the withdrawal confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from consult.consultations.content import localized
from consult.consultations.models import Consultation, Organization
from consult.enums import GENDER_LABELS, Role
from consult.forms import (
    BaseForm,
    DeliverableEmail,
    LongSelectField,
    NoLinks,
    VersionField,
    country_choices,
    optional_int,
    strip_whitespace,
)

GENDERS = [SelectChoice(code, label) for code, label in GENDER_LABELS.items()]
# Categories whose people represent an organization and must name it.
ORGANIZATION_REQUIRED = {"government", "international_organization"}


class ApplicationForm(BaseForm):
    # One-time key of this form (a retry of the same form is recognised, not doubled).
    form_key = HiddenField(validators=[Length(max=64)])
    full_name = StringField(
        _l("Full name"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Enter your full name.")), Length(max=200), NoLinks()],
        description=_l("As it should appear on your badge."),
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("Email address"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=254),
            DeliverableEmail(),
        ],
        description=_l("We send your private link to this address."),
        render_kw={"autocomplete": "email"},
    )
    job_title = StringField(
        _l("Job title"),
        filters=[strip_whitespace],
        validators=[Length(max=200), NoLinks()],
        render_kw={"autocomplete": "organization-title"},
    )
    country = LongSelectField(
        _l("Country"),
        validators=[DataRequired(_l("Choose the country you live or work in."))],
        render_kw={"autocomplete": "country"},
    )
    gender = SelectField(
        _l("Gender (optional)"),
        choices=GENDERS,
        validators=[Optional()],
        description=_l("Used only for the secretariat's overview of a balanced programme."),
    )
    category = RadioField(
        _l("Stakeholder category"),
        coerce=int,
        validators=[InputRequired(_l("Choose the stakeholder group you belong to."))],
    )
    organization_id = LongSelectField(
        _l("International organization"),
        coerce=optional_int,
        validators=[Optional()],
        description=_l(
            "Representatives of international organizations: pick yours "
            "if it is listed, or type its name below."
        ),
    )
    organization_name = StringField(
        _l("Organization"),
        filters=[strip_whitespace],
        validators=[Length(max=200), NoLinks()],
        description=_l(
            "Required for government and international organizations. "
            "Leave empty if you take part in a personal capacity."
        ),
        render_kw={"autocomplete": "organization"},
    )
    role = RadioField(
        _l("Role"),
        validators=[InputRequired(_l("Choose the role you apply for."))],
    )
    topic = StringField(
        _l("Proposed topic"),
        filters=[strip_whitespace],
        validators=[Length(max=300)],
        description=_l("Speakers only."),
    )
    abstract = TextAreaField(
        _l("Abstract"),
        filters=[strip_whitespace],
        validators=[Length(max=3000)],
        description=_l("Speakers only: what you would say, in up to 3,000 characters."),
    )
    bio = TextAreaField(
        _l("Short biography"),
        filters=[strip_whitespace],
        validators=[Length(max=1500)],
        description=_l("Speakers only: up to 1,500 characters."),
    )
    accessibility_needs = TextAreaField(
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
    list_publicly = BooleanField(
        _l(
            "Name me in public: my name, organization and country in the list of "
            "participants and, if I speak, in the programme"
        ),
        description=_l(
            "Only once your participation is confirmed. You can change this later from "
            "the page of your application."
        ),
    )

    def __init__(
        self,
        consultation: Consultation,
        organizations: list[Organization],
        language: str,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.consultation = consultation
        self.category.choices = [
            SelectChoice(c.id, localized(c, "name")) for c in consultation.categories
        ]
        self.role.choices = [SelectChoice(o.role.value, o.role.label) for o in consultation.offers]
        self.organization_id.choices = [SelectChoice("", _l("Not listed / not applicable"))] + [
            # The organizations' names are kept in English: each option says so.
            SelectChoice(o.id, o.display_name, render_kw={"lang": "en"})
            for o in organizations
        ]
        self.country.choices = country_choices(language, _l("Choose a country"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        role = Role(self.role.data) if self.role.data in {r.value for r in Role} else None
        if role is not None and role.is_speaker:
            for field, message in (
                (self.topic, _l("Speakers must propose a topic.")),
                (self.abstract, _l("Speakers must give an abstract.")),
                (self.bio, _l("Speakers must give a short biography.")),
            ):
                if not field.data and not field.errors:
                    field.errors.append(message)
                    valid = False
        category = next(
            (c for c in self.consultation.categories if c.id == self.category.data), None
        )
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
        return valid


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
