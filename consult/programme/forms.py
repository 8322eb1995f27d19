"""Forms of the programme pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from consult.consultations.forms import DATETIME_FORMAT
from consult.enums import GENDER_LABELS
from consult.forms import BaseForm, NoLinks, VersionField, optional_int, strip_whitespace
from consult.programme.models import SessionKind
from consult.regions import REGION_LABELS


class SessionForm(BaseForm):
    title = StringField(
        _l("Title"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Give a title.")), Length(max=300)],
    )
    kind = SelectField(
        _l("Kind of session"),
        choices=[SelectChoice(k.value, k.label) for k in SessionKind],
        validators=[DataRequired()],
    )
    starts_at = DateTimeLocalField(
        _l("Starts"), format=DATETIME_FORMAT, validators=[DataRequired(_l("Give the start."))]
    )
    ends_at = DateTimeLocalField(
        _l("Ends"), format=DATETIME_FORMAT, validators=[DataRequired(_l("Give the end."))]
    )
    room = StringField(
        _l("Room"), filters=[strip_whitespace], validators=[Length(max=120), NoLinks()]
    )
    parallel_allowed = BooleanField(_l("Other sessions may run in this room at the same time"))
    moderators = StringField(
        _l("Moderators"),
        filters=[strip_whitespace],
        validators=[Length(max=500), NoLinks()],
        description=_l("Names, separated by commas. A moderator need not have applied."),
    )
    speaker_capacity = IntegerField(
        _l("Speakers (at most)"),
        default=4,
        validators=[
            InputRequired(_l("Give the number of speakers.")),
            NumberRange(0, 100, _l("Give a number from 0 to 100.")),
        ],
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Length(max=5000)],
        description=_l("Plain text; a blank line starts a paragraph."),
    )
    version = VersionField()


class PlacementForm(BaseForm):
    """Place a speaker in a session ("" = unassigned)."""

    session = SelectField(_l("Session"), coerce=optional_int, validators=[Optional()])
    override_capacity = BooleanField(_l("Place even if the session has all its speakers"))
    version = VersionField(validators=[DataRequired()])
    return_to = HiddenField()


class SpeakerFilterForm(BaseForm):
    """Which unplaced speakers a session page lists (GET, so no CSRF token)."""

    class Meta(BaseForm.Meta):
        csrf = False

    category = SelectField(_l("Stakeholder category"), coerce=optional_int, validators=[Optional()])
    region = SelectField(
        _l("UN regional group"),
        choices=[SelectChoice("", _l("Any"))]
        + [SelectChoice(k, v) for k, v in REGION_LABELS.items()],
        validators=[Optional()],
    )
    gender = SelectField(
        _l("Gender"),
        choices=[SelectChoice("any", _l("Any"))]
        + [SelectChoice(k, v) for k, v in GENDER_LABELS.items()],
        default="any",
        validators=[Optional()],
    )
    topic = StringField(
        _l("Topic contains"), filters=[strip_whitespace], validators=[Length(max=100)]
    )
