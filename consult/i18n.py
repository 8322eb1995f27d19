"""Languages: which are offered, which one a request gets, and localised reference
lists (countries).

The six UN languages have catalogs under consult/translations/ (`make translations`
updates them). A language is *offered* -- in the switcher, for Accept-Language, for an
applicant's emails -- only when its catalog translates every message of messages.pot
and none is fuzzy, so a page never claims a language it is not written in.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pycountry
from babel import Locale
from flask import current_app, has_request_context, request, session
from flask_babel import _get_current_context as _babel_state
from flask_babel import get_translations

from consult.country_names import NOT_OFFERED, un_name

TRANSLATIONS = Path(__file__).parent / "translations"
# Each language named in itself, for the switcher.
NATIVE_NAMES = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "ar": "العربية",
    "zh": "中文",
    "ru": "Русский",
}
RTL = {"ar"}


@cache
def catalog_is_complete(language: str) -> bool:
    """Every message of the template translated, none fuzzy (English is the source)."""
    if language == "en":
        return True
    from babel.messages.pofile import read_po

    po_file = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    pot_file = TRANSLATIONS / "messages.pot"
    mo_file = po_file.with_suffix(".mo")
    if not (po_file.is_file() and pot_file.is_file() and mo_file.is_file()):
        return False
    with pot_file.open("rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with po_file.open("rb") as handle:
        catalog = read_po(handle)
    done = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    return wanted <= done


def offered_languages() -> list[str]:
    """The configured languages whose catalogs are complete, in configured order."""
    return [code for code in current_app.config["LANGUAGES"] if catalog_is_complete(code)]


def offered(language: str | None) -> str:
    """`language` if it is offered, else the default (English)."""
    languages = offered_languages()
    return language if language in languages else languages[0]


def select_locale() -> str:
    """?lang=xx (remembered in the session), else a staff member's own choice, else the
    browser's best match (Accept-Language), else English."""
    languages = offered_languages()
    if not has_request_context():  # CLI and mail worker: force_locale() picks per message
        return languages[0]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in languages:
        return remembered
    from flask_login import current_user

    own = getattr(current_user, "language", None) if current_user else None
    if own in languages:
        return own
    return request.accept_languages.best_match(languages) or languages[0]


def html_lang(code: str) -> str:
    """The BCP 47 tag for `lang=` attributes (Simplified Chinese says its script)."""
    return "zh-Hans" if code == "zh" else code


def text_direction(code: str) -> str:
    return "rtl" if code in RTL else "ltr"


def locale_display_name(code: str, in_language: str) -> str:
    """A language's name in another language ("French" in English, "francés" in
    Spanish), for admin pages that list languages."""
    return Locale.parse(code).get_display_name(in_language) or code


@cache
def countries(language: str) -> tuple[tuple[str, str], ...]:
    """The countries people come from: ISO 3166-1 (without uninhabited territories) as
    (alpha-2, name in `language`: the UN's name, else Babel's CLDR name), sorted for
    that language (consult/country_names.py)."""
    names = Locale.parse(language).territories
    pairs = [
        (
            country.alpha_2,
            un_name(country.alpha_2, language)
            or names.get(country.alpha_2)
            or getattr(country, "common_name", country.name),
        )
        for country in pycountry.countries
        if country.alpha_2 not in NOT_OFFERED
    ]
    return tuple(sorted(pairs, key=lambda pair: _sort_key(pair[1])))


def _sort_key(name: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def country_name(code: str, language: str) -> str:
    return _country_names(language).get(code, code)


@cache
def _country_names(language: str) -> dict[str, str]:
    return dict(countries(language))


def current_translations():
    """Flask-Babel's translations of the current locale, looked up once per context and
    locale: templates call gettext some 50 times a page, and each of Flask-Babel's own
    lookups walks the context three times over. Kept beside Flask-Babel's state and
    keyed by its current locale object, so `force_locale` (each email in its reader's
    language) is obeyed."""
    state = _babel_state()
    if state is None:
        return get_translations()
    locale = getattr(state, "babel_locale", None)
    kept = getattr(state, "consult_translations", None)
    if locale is not None and kept is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    state.consult_translations = (getattr(state, "babel_locale", None), translations)
    return translations


def install_template_gettext(app) -> None:
    """Jinja's _() and ngettext() through `current_translations` (in place of the
    callables Flask-Babel installs, which do the same, more slowly)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
    )
