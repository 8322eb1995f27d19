"""What every feature's forms share: one input-cleaning rule for all text, and the
small filters and validators several forms use."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, PasswordField, StringField, TextAreaField
from wtforms.meta import DefaultMeta
from wtforms.validators import StopValidation, ValidationError

# Characters nobody types and some attacks use: C0/C1 control characters (NUL among
# them, which PostgreSQL refuses in text), and the bidirectional overrides and isolates
# that make text read differently from what it is ("Trojan Source"). Line breaks and
# tabs stay in multi-line text; single-line fields refuse line breaks.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile("[\r\n\u2028\u2029\x85]")


def clean_text(value):
    """The input-cleaning rule for every text field (applied by BaseForm)."""
    if not isinstance(value, str):
        return value
    return _UNSAFE.sub("", value.replace("\r\n", "\n"))


def strip_whitespace(value):
    """WTForms filter: surrounding spaces are never part of a value."""
    return value.strip() if isinstance(value, str) else value


def optional_int(value):
    """Coerce a select's value: "" means none; junk becomes -1, which no choice has,
    so the field reports "Not a valid choice" instead of failing."""
    if value in (None, "", "None"):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return -1
    return number if -(2**31) < number < 2**31 else -1


class SingleLine:
    """A one-line value: line breaks are refused (they only arrive by tampering, or to
    smuggle text into an email header)."""

    def __call__(self, form, field):
        if isinstance(field.data, str) and _LINE_BREAK.search(field.data):
            raise ValidationError(_l("Use a single line, without line breaks."))


_LINK = re.compile(r"(?i)(https?:|www\.|://|[a-z0-9-]+\.(?:com|org|net|info|ru|io|xyz|top)\b)")


class NoLinks:
    """Names are names: no web addresses (the form must not carry an attacker's link
    into the emails the secretariat sends)."""

    def __call__(self, form, field):
        if isinstance(field.data, str) and _LINK.search(field.data):
            raise ValidationError(_l("Enter a name, not a web address."))


class DeliverableEmail:
    """An address the mail worker can send to over plain SMTP.

    Addresses with non-Latin characters before the @ need SMTPUTF8 all the way to the
    recipient, which the secretariat's mail server does not promise: they are refused
    with a clear message. An internationalised domain is kept in its ASCII form.
    """

    def __init__(self, message=None):
        self.message = message or _l("Enter an email address like name@example.org.")

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            result = validate_email(field.data, check_deliverability=False, allow_smtputf8=False)
        except EmailNotValidError as error:
            if not field.data.split("@")[0].isascii():
                raise StopValidation(
                    _l(
                        "This address has letters we cannot send email to yet. "
                        "Please give an address with only Latin letters before the @."
                    )
                ) from error
            raise StopValidation(self.message) from error
        field.data = result.ascii_email or result.normalized


class CleaningMeta(DefaultMeta):
    """Form meta that cleans every text field by one rule before any validator sees it,
    and makes single-line fields refuse line breaks."""

    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
            declared = unbound_field.kwargs
            options["filters"] = [clean_text, *declared.get("filters", ())]
            if not issubclass(field_class, TextAreaField):
                options["validators"] = [SingleLine(), *declared.get("validators", ())]
        return unbound_field.bind(form=form, **options)


class BaseForm(FlaskForm):
    """Every form of the app (CSRF-protected)."""

    class Meta(CleaningMeta):
        pass


class BaseSubForm(Form):
    """A form inside another (FormField), without its own CSRF token."""

    Meta = CleaningMeta
