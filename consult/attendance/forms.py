"""The visa letter request and the letterhead settings."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from consult.forms import BaseForm, LongSelectField, NoLinks, country_choices, strip_whitespace
from consult.i18n import NATIVE_NAMES


class VisaRequestForm(BaseForm):
    passport_name = StringField(
        _l("Name as in your passport"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Give your name as it is in your passport.")), Length(max=200)],
    )
    passport_number = StringField(
        _l("Passport number"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Give your passport number.")), Length(max=40)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    nationality = LongSelectField(
        _l("Nationality"), validators=[DataRequired(_l("Choose your nationality."))]
    )
    date_of_birth = DateField(
        _l("Date of birth"),
        validators=[InputRequired(_l("Give your date of birth as in your passport."))],
    )
    consulate = StringField(
        _l("The embassy or consulate where you apply"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(_l("Name the embassy or consulate where you apply.")),
            Length(max=300),
            NoLinks(),
        ],
        description=_l("For example: Embassy of Switzerland in Dakar."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nationality.choices = country_choices(str(get_locale()), _l("Choose a country"))


def letter_settings_form(languages: list[str], **kwargs) -> BaseForm:
    class LetterSettingsForm(BaseForm):
        signatory = StringField(_l("Signed by"), validators=[Optional(), Length(max=200)])
        signatory_title = StringField(
            _l("Their title"),
            validators=[Optional(), Length(max=300)],
            description=_l("For example: Secretary, UNGIS; Head, Partnerships Division."),
        )
        letterhead = TextAreaField(
            _l("Letterhead"),
            validators=[Optional(), Length(max=1000)],
            description=_l("The lines at the top of each letter: the office, its address."),
        )
        logo = FileField(
            _l("Logo (PNG or JPEG, at most 1 MB)"),
            description=_l("Printed at the top of each letter."),
        )
        remove_logo = BooleanField(_l("Remove the logo"))

    for language in languages:
        setattr(
            LetterSettingsForm,
            f"text_{language}",
            TextAreaField(
                NATIVE_NAMES[language],
                validators=[Optional(), Length(max=5000)],
            ),
        )
    return LetterSettingsForm(**kwargs)
