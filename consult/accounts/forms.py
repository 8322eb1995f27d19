"""Sign-in and account forms."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from consult.accounts.models import UserRole
from consult.accounts.services import MIN_PASSWORD_LENGTH
from consult.consultations.services import all_organizations
from consult.forms import BaseForm, DeliverableEmail, NoLinks, optional_int, strip_whitespace
from consult.i18n import NATIVE_NAMES, offered_languages


class LoginForm(BaseForm):
    email = EmailField(
        _l("Email address"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


# Long passphrases welcome; longer than this is refused (ASVS 2.1.2).
MAX_PASSWORD_LENGTH = 128


def new_password_field(label) -> PasswordField:
    """A password being set: required, MIN_PASSWORD_LENGTH to MAX_PASSWORD_LENGTH."""
    return PasswordField(
        label,
        render_kw={"autocomplete": "new-password"},
        validators=[
            DataRequired(_l("Enter a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=lazy_ngettext(
                    "Use at least %(num)d character.",
                    "Use at least %(num)d characters.",
                    MIN_PASSWORD_LENGTH,
                ),
            ),
        ],
        description=lazy_ngettext(
            "At least %(num)d character.", "At least %(num)d characters.", MIN_PASSWORD_LENGTH
        ),
    )


class UserForm(BaseForm):
    name = StringField(
        _l("Name"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Enter the person's name.")), Length(max=200), NoLinks()],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        _l("Email address"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(_l("Enter an email address.")),
            Length(max=254),
            DeliverableEmail(),
        ],
        render_kw={"autocomplete": "off"},
    )
    role = RadioField(
        _l("Role"),
        choices=[SelectChoice(role.value, role.label) for role in UserRole],
        default=UserRole.REVIEWER.value,
        validators=[DataRequired(_l("Choose a role."))],
    )
    organization = SelectField(
        _l("Organization (optional)"),
        coerce=optional_int,
        validators=[Optional()],
        description=_l(
            "A listed organization the person works for: its applicants are never "
            "assigned to them for review."
        ),
    )
    language = SelectField(
        _l("Language of the invitation email"),
        validators=[DataRequired()],
        description=_l(
            "The person gets a link to set their own password (valid for 7 days, once); "
            "an administrator then sets up a second factor."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = organization_choices()
        self.language.choices = [
            SelectChoice(code, NATIVE_NAMES[code]) for code in offered_languages()
        ]


class AcceptInvitationForm(BaseForm):
    password = new_password_field(_l("Choose your password"))
    confirm = PasswordField(
        _l("The same password again"),
        validators=[EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


def organization_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("None / not listed"))] + [
        SelectChoice(o.id, o.display_name) for o in all_organizations()
    ]


class OrganizationForm(BaseForm):
    organization = SelectField(_l("Organization"), coerce=optional_int, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = organization_choices()


class PasswordForm(BaseForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("New password again"),
        validators=[EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class ConfirmPasswordForm(BaseForm):
    current = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class CodeForm(BaseForm):
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Enter the code.")), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class EnrolForm(BaseForm):
    code = StringField(
        _l("The 6-digit code your app shows now"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Enter the code your app shows.")), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class DisableTwoFactorForm(BaseForm):
    current = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
