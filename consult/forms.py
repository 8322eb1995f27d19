"""What every feature's forms share: one input-cleaning rule for all text, and the
small filters and validators several forms use."""

from __future__ import annotations

import re
from functools import cache

from babel import support
from email_validator import EmailNotValidError, validate_email
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms import (
    EmailField,
    Form,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from consult.http import parse_id
from consult.i18n import countries

# Characters nobody types and some attacks use: C0/C1 control characters (NUL among
# them, which PostgreSQL refuses in text), and the bidirectional overrides and isolates
# that make text read differently from what it is ("Trojan Source"), and characters
# that are invisible and join nothing (zero-width space, word joiner, byte order mark,
# Mongolian vowel separator): a name with them looks like another. Line breaks and tabs
# stay in multi-line text; single-line fields refuse line breaks. The zero-width
# (non-)joiners that Persian, Indic scripts and emoji need stay, except at the ends.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff\u180e]"
)
_EDGE_JOINERS = "\u200c\u200d"
_LINE_BREAK = re.compile("[\r\n\u2028\u2029\x85]")


def clean_text(value):
    """The input-cleaning rule for every text field (applied by BaseForm)."""
    if not isinstance(value, str):
        return value
    return _UNSAFE.sub("", value.replace("\r\n", "\n"))


def strip_whitespace(value):
    """WTForms filter: surrounding spaces (and joiners with nothing to join) are never
    part of a value."""
    if not isinstance(value, str):
        return value
    return value.strip().strip(_EDGE_JOINERS).strip()


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


@cache
def _wtforms_catalog(language: str) -> support.Translations:
    """WTForms' own messages ("Not a valid choice") in `language`, read once per process
    (Flask-WTF reads the catalog from disk again on every request that uses a form)."""
    return support.Translations.load(messages_path(), [language], domain="wtforms")


class _WTFormsMessages:
    def gettext(self, string: str) -> str:
        return _wtforms_catalog(str(get_locale())).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalog(str(get_locale())).ungettext(singular, plural, n)


_WTFORMS_MESSAGES = _WTFormsMessages()


class CleaningMeta(DefaultMeta):
    """Form meta that cleans every text field by one rule before any validator sees it,
    makes single-line fields refuse line breaks, and takes only text from a request:
    a file sent in a multipart body for a text field is no value at all (the one form
    that takes a file, the letterhead's logo, reads it from request.files in its view),
    so it fails as a missing value, never in a validator. WTForms'
    own messages speak the page's language."""

    def get_translations(self, form):
        return _WTFORMS_MESSAGES

    def wrap_formdata(self, form, formdata):
        formdata = super().wrap_formdata(form, formdata)
        if formdata is None or not hasattr(formdata, "items"):
            return formdata
        return MultiDict(
            [(key, value) for key, value in formdata.items(multi=True) if isinstance(value, str)]
        )

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


class ActionForm(BaseForm):
    """A bare form for POST-only buttons (log out, deactivate): just the CSRF token."""


class VersionField(HiddenField):
    """The version of a row that the person saw (a hidden field), read with the one
    id parser (consult.http.parse_id): `data` is an int, or None when missing or
    malformed; with DataRequired the form then does not validate."""

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = parse_id(valuelist[0])


class BaseSubForm(Form):
    """A form inside another (FormField), without its own CSRF token."""

    Meta = CleaningMeta


class CachedOptionsSelect(widgets.Select):
    """A single select whose (long) list of options is rendered once per process and
    list -- the countries in each language, the organizations -- instead of on every
    request: the apply form's ~290 options were half of its rendering time. The list is
    keyed by its values and labels, so a changed list renders afresh; only the
    `selected` mark is added per request. Output is the same as widgets.Select's."""

    _cache: dict[int, tuple[list[str], dict[str, int]]] = {}
    _limit = 64

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        choices = list(field._iter_choices_normalized())
        key = hash(
            tuple(
                (str(c.value), str(c.label), tuple(sorted((c.render_kw or {}).items())))
                for c in choices
            )
        )
        cached = self._cache.get(key)
        if cached is None:
            parts = [self._option(c, selected=False) for c in choices]
            cached = (parts, {str(c.value): i for i, c in enumerate(choices)})
            if len(self._cache) >= self._limit:
                self._cache.clear()
            self._cache[key] = cached
        parts, index = cached
        parts = list(parts)
        for choice in choices:
            if choice.selected:
                i = index[str(choice.value)]
                parts[i] = self._option(choice, selected=True)
                break
        select_params = widgets.html_params(name=field.name, **kwargs)
        return Markup(f"<select {select_params}>{''.join(parts)}</select>")

    @staticmethod
    def _option(choice, *, selected: bool) -> str:
        """What widgets.Select.render_option writes."""
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        options = {"value": value, **(choice.render_kw or {})}
        if selected:
            options["selected"] = True
        label = escape(choice.label or choice.value)
        return f"<option {widgets.html_params(**options)}>{label}</option>"


# WTForms' own message, translated by WTForms' catalogs (so not a literal here: it is
# not one of consult's messages).
_INVALID_CHOICE = "Not a valid choice."


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (templates: the `checkboxes` macro)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class LongSelectField(SelectField):
    """A select with a long list (countries, organizations): rendered by
    CachedOptionsSelect, and validated by one pass over the choices' values instead
    of WTForms' way of making an option object per choice on every POST. Accepts and
    refuses exactly what SelectField does."""

    widget = CachedOptionsSelect()

    def pre_validate(self, form):
        if self.process_errors or not self.validate_choice:
            return
        if self.choices is None:
            raise TypeError("Choices cannot be None.")
        coerce, data = self.coerce, self.data
        values = (c.value if isinstance(c, SelectChoice) else c[0] for c in self.choices)
        if not any(coerce(value) == data for value in values):
            raise ValidationError(self.gettext(_INVALID_CHOICE))


@cache
def _countries(language: str) -> tuple[SelectChoice, ...]:
    return tuple(SelectChoice(code, name) for code, name in countries(language))


def country_choices(language: str, blank) -> list[SelectChoice]:
    """`blank` ("Choose a country", "Any") then every country in `language`: the
    country options are made once per language and process (read-only)."""
    return [SelectChoice("", blank), *_countries(language)]


# -- the fields the public forms share (the application form, the contribution form) ---


def full_name_field(description=None) -> StringField:
    """A person's full name: required, one line, no web address."""
    return StringField(
        _l("Full name"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Enter your full name.")), Length(max=200), NoLinks()],
        description=description,
        render_kw={"autocomplete": "name"},
    )


def email_field(description) -> EmailField:
    """The address the private link goes to: required, deliverable over plain SMTP."""
    return EmailField(
        _l("Email address"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=254),
            DeliverableEmail(),
        ],
        description=description,
        render_kw={"autocomplete": "email"},
    )


def country_field() -> LongSelectField:
    """Where the person lives or works (choices per language: country_choices)."""
    return LongSelectField(
        _l("Country"),
        validators=[DataRequired(_l("Choose the country you live or work in."))],
        render_kw={"autocomplete": "country"},
    )
