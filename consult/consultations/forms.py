"""The secretariat's consultation settings form."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from consult.consultations.models import QuestionKind
from consult.enums import ConsultationState, Role
from consult.forms import BaseForm, BaseSubForm, CheckboxListField, strip_whitespace

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
STATE_LABELS = {
    ConsultationState.DRAFT: _l("Draft – not shown to the public"),
    ConsultationState.OPEN: _l("Open – accepts applications during the window"),
    ConsultationState.CLOSED: _l("Closed – shown, no more applications"),
    ConsultationState.ARCHIVED: _l("Archived – hidden from the public"),
}


class OfferForm(BaseSubForm):
    """One role offer: a sub-form without its own CSRF token."""

    # Fixed by the page: a missing or unknown role is tampering, refused as invalid.
    role = HiddenField(validators=[InputRequired(), AnyOf([role.value for role in Role])])
    capacity = IntegerField(
        _l("Places"),
        # Required, but checked in ConsultationForm.validate: DataRequired refuses 0.
        validators=[
            Optional(),
            NumberRange(min=0, max=100_000, message=_l("Give a number from 0 to 100,000.")),
        ],
    )
    needs_review = BooleanField(_l("Applications are reviewed by the secretariat"))
    confirm_by = DateTimeLocalField(
        _l("Accepted people confirm by (optional)"),
        format=DATETIME_FORMAT,
        validators=[Optional()],
    )
    description = TextAreaField(
        _l("What it involves"), filters=[strip_whitespace], validators=[Length(max=2000)]
    )


class ConsultationForm(BaseForm):
    title = StringField(
        _l("Title"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Give a title.")), Length(max=300)],
    )
    slug = StringField(
        _l("Address (slug)"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(_l("Give a short address.")),
            Length(max=80),
            Regexp(
                r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                message=_l("Use lower-case letters, digits and hyphens only."),
            ),
        ],
        description=_l("The public page's address ends with this. Changing it breaks old links."),
    )
    reference_prefix = StringField(
        _l("Reference prefix"),
        filters=[lambda v: v.strip().upper() if isinstance(v, str) else v],
        validators=[
            DataRequired(_l("Give a prefix.")),
            Regexp(r"^[A-Z]{1,8}$", message=_l("Use 1 to 8 capital letters.")),
        ],
        description=_l("Application references look like FM-K-0042."),
    )
    description = TextAreaField(
        _l("Description"),
        filters=[strip_whitespace],
        validators=[Length(max=20_000)],
        description=_l("Plain text; a blank line starts a paragraph."),
    )
    venue = StringField(_l("Venue"), filters=[strip_whitespace], validators=[Length(max=300)])
    timezone = SelectField(_l("Time zone"), default="Europe/Zurich", validators=[DataRequired()])
    starts_at = DateTimeLocalField(
        _l("Starts"), format=DATETIME_FORMAT, validators=[DataRequired(_l("Give the start."))]
    )
    ends_at = DateTimeLocalField(
        _l("Ends"), format=DATETIME_FORMAT, validators=[DataRequired(_l("Give the end."))]
    )
    applications_open_at = DateTimeLocalField(
        _l("Applications open"),
        format=DATETIME_FORMAT,
        validators=[DataRequired(_l("Give the opening of applications."))],
    )
    applications_close_at = DateTimeLocalField(
        _l("Applications close (deadline)"),
        format=DATETIME_FORMAT,
        validators=[DataRequired(_l("Give the deadline for applications."))],
    )
    state = SelectField(
        _l("State"),
        choices=[SelectChoice(s.value, STATE_LABELS[s]) for s in ConsultationState],
        validators=[DataRequired()],
    )
    retention_months = IntegerField(
        _l("Keep applicants' personal data for (months after the meeting)"),
        default=6,
        validators=[
            InputRequired(_l("Give a number of months.")),
            NumberRange(min=1, max=120, message=_l("Give a number from 1 to 120.")),
        ],
        description=_l(
            "Then names, addresses, proposals and emails are erased (consult data purge); "
            "anonymous counts stay."
        ),
    )
    anonymised_review = BooleanField(
        _l("Anonymised review"),
        description=_l(
            "Reviewers see the proposal, the role, the stakeholder category and the UN "
            "regional group, not the person: no name, email, organization, biography, "
            "country or gender. Administrators always see everything."
        ),
    )
    categories = CheckboxListField(_l("Open to these stakeholder categories"), coerce=int)
    offers = FieldList(FormField(OfferForm), min_entries=0)

    def __init__(self, categories, **kwargs):
        super().__init__(**kwargs)
        self.timezone.choices = sorted(available_timezones())
        self.categories.choices = [SelectChoice(c.id, c.name) for c in categories]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.starts_at.data and self.ends_at.data and self.ends_at.data < self.starts_at.data:
            self.ends_at.errors.append(_l("The end must not be before the start."))
            valid = False
        opens, closes = self.applications_open_at.data, self.applications_close_at.data
        if opens and closes and closes <= opens:
            self.applications_close_at.errors.append(_l("The deadline must be after the opening."))
            valid = False
        if not self.categories.data:
            self.categories.errors.append(_l("Choose at least one stakeholder category."))
            valid = False
        for entry in self.offers:
            if entry.form.capacity.data is None and not entry.form.capacity.errors:
                entry.form.capacity.errors.append(_l("Give the number of places."))
                valid = False
        return valid


class QuestionForm(BaseForm):
    """One of the secretariat's own questions on the application form."""

    label = StringField(
        _l("Question"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Write the question.")), Length(max=300)],
        description=_l("In English; other languages on the Translations page."),
    )
    help = TextAreaField(
        _l("Hint (optional)"),
        filters=[strip_whitespace],
        validators=[Length(max=1000)],
        description=_l("Shown under the question, for example why you ask."),
    )
    kind = SelectField(
        _l("Kind of answer"),
        choices=[SelectChoice(k.value, k.label) for k in QuestionKind],
        validators=[DataRequired()],
    )
    options = TextAreaField(
        _l("Options (for one or several choices)"),
        validators=[Length(max=7000)],
        description=_l("One per line. Applicants pick one, or several, of them."),
    )
    required = BooleanField(_l("An answer is required"))
    roles = CheckboxListField(
        _l("Asked of"),
        choices=[SelectChoice(r.value, r.label) for r in Role],
        validators=[DataRequired(_l("Choose at least one role."))],
    )
    active = BooleanField(
        _l("Asked on the form"),
        default=True,
        description=_l("Untick to retire the question: the answers given are kept."),
    )
    for_security = BooleanField(
        _l("On the security office's list"),
        description=_l(
            "The answers go on the list of confirmed participants for the venue's "
            "security office (for example: nationality, the identity document they bring)."
        ),
    )
