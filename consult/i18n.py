"""Locale selection and localised reference lists (countries)."""

from __future__ import annotations

import gettext
from functools import cache

import pycountry
from flask import current_app, has_request_context, request, session


def select_locale() -> str:
    """?lang=xx (remembered in the session), else the browser's best match."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and mail worker: force_locale() picks per message
        return languages[0]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in languages:
        return remembered
    return request.accept_languages.best_match(languages) or languages[0]


@cache
def countries(language: str) -> tuple[tuple[str, str], ...]:
    """ISO 3166-1 countries as (alpha-2, name in `language`), sorted for that language."""
    translation = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )
    pairs = [
        (country.alpha_2, translation.gettext(getattr(country, "common_name", country.name)))
        for country in pycountry.countries
    ]
    return tuple(sorted(pairs, key=lambda pair: _sort_key(pair[1])))


def _sort_key(name: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def country_name(code: str, language: str) -> str:
    return dict(countries(language)).get(code, code)
