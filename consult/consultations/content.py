"""The consultation's own texts in each language.

English is written on the rows themselves (required); admins add the other languages
as ContentTranslation rows. `localized(obj, field)` gives the text for the current
language -- or the English one, marked as English: rendered in HTML it wraps itself in
`<span lang="en">` (through `__html__`), so a page never claims a language it does not
have. In plain text (text emails, the calendar file) it is just the string; in an
attribute or a <title> use `| string`.
"""

from __future__ import annotations

from flask import g, has_request_context
from flask_babel import get_locale
from markupsafe import Markup, escape
from sqlalchemy import delete, select

from consult.cache import bump, cached
from consult.consultations.models import (
    Consultation,
    ContentTranslation,
    Organization,
    Question,
    RoleOffer,
    StakeholderCategory,
)
from consult.extensions import db
from consult.i18n import html_lang
from consult.text import paragraphs

# What can be translated, per kind of row.
FIELDS = {
    "consultation": ("title", "description", "venue"),
    "offer": ("description",),
    "category": ("name", "description"),
    "session": ("title", "description"),
    "question": ("label", "help", "options"),
    "organization": ("name", "acronym"),
    "criterion": ("name", "description"),
    "guiding": ("label", "help"),
}
# By table, so that other features' rows (the programme's sessions, the review
# criteria) need no import here.
OWNER_BY_TABLE = {
    Consultation.__tablename__: "consultation",
    RoleOffer.__tablename__: "offer",
    StakeholderCategory.__tablename__: "category",
    Question.__tablename__: "question",
    Organization.__tablename__: "organization",
    "programme_session": "session",
    "review_criterion": "criterion",
    "guiding_question": "guiding",
}


def owner_of(obj) -> str:
    return OWNER_BY_TABLE[obj.__tablename__]


class Localized(str):
    """A text and the language it is really in."""

    lang: str
    block: bool

    def __new__(cls, text: str, lang: str, *, block: bool = False) -> Localized:
        value = super().__new__(cls, text)
        value.lang = lang
        value.block = block
        return value

    def __html__(self) -> str:
        body = paragraphs(str(self)) if self.block else escape(str(self))
        if self.lang == str(get_locale()):
            return str(body)
        # Isolated, so English inside Arabic keeps its own direction.
        tag = "div" if self.block else "bdi"
        return str(
            Markup('<{0} lang="{1}" dir="auto">{2}</{0}>').format(tag, html_lang(self.lang), body)
        )


def _all_for(language: str) -> dict[tuple[str, int, str], str]:
    """Every translation into `language`, from the process's cache (consult/cache.py)."""

    def load(session):
        rows = session.execute(
            select(
                ContentTranslation.owner,
                ContentTranslation.owner_id,
                ContentTranslation.field,
                ContentTranslation.text,
            ).where(ContentTranslation.language == language)
        ).all()
        return {(owner, owner_id, field): text for owner, owner_id, field, text in rows}

    return cached("content_translations", language, load)


def _translations(language: str) -> dict[tuple[str, int, str], str]:
    """Every translation into `language`: one query per request (none for English)."""
    if not has_request_context():
        return _all_for(language)
    cache = g.setdefault("content_translations", {})
    if language not in cache:
        cache[language] = _all_for(language)
    return cache[language]


def localized(obj, field: str, *, block: bool = False) -> Localized:
    """`obj.field` in the current language, or in English (marked so)."""
    english = getattr(obj, field) or ""
    language = str(get_locale())
    if language != "en":
        text = _translations(language).get((owner_of(obj), obj.id, field))
        if text:
            return Localized(text, language, block=block)
    return Localized(english, "en", block=block)


def localized_organization(organization) -> Localized:
    """A listed organization as "name (acronym)" in the current language (its
    translated name and acronym: "Union internationale des télécommunications (UIT)"),
    or in English, marked so."""
    name, acronym = localized(organization, "name"), localized(organization, "acronym")
    if name.lang != acronym.lang:  # half translated: the English, whole
        name, acronym = Localized(organization.name, "en"), Localized(organization.acronym, "en")
    return Localized(f"{name} ({acronym})", name.lang)


def organization_of(application) -> str:
    """An application's organization as its reader reads it: the listed one in their
    language, or the name the applicant typed."""
    if application.organization is not None:
        return localized_organization(application.organization)
    return application.organization_name


def localized_lines(obj, field: str) -> list[Localized]:
    """A field of one item per line (a question's options) in the current language,
    line by line: the translation only where it has as many lines as the English."""
    english = [line.strip() for line in (getattr(obj, field) or "").splitlines() if line.strip()]
    text = localized(obj, field)
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    if text.lang == "en" or len(lines) != len(english):
        return [Localized(line, "en") for line in english]
    return [Localized(line, text.lang) for line in lines]


def translations_of(obj, language: str) -> dict[str, str]:
    """The texts of one row in one language, by field (for the admin's form), from the
    same per-request lookup the pages use: a form of N texts costs one query, not N."""
    owner, owner_id = owner_of(obj), obj.id
    return {
        field: text
        for (o, i, field), text in _translations(language).items()
        if (o, i) == (owner, owner_id)
    }


def set_translation(obj, field: str, language: str, text: str) -> None:
    """Write (or, with an empty text, remove) one translation; the caller commits."""
    owner = owner_of(obj)
    if field not in FIELDS[owner] or language == "en":
        raise ValueError(f"{owner}.{field} in {language} is not translatable")
    db.session.execute(
        delete(ContentTranslation).where(
            ContentTranslation.owner == owner,
            ContentTranslation.owner_id == obj.id,
            ContentTranslation.field == field,
            ContentTranslation.language == language,
        )
    )
    bump()  # a plain DELETE: the flush hook does not see it
    text = text.strip()
    if text:
        db.session.add(
            ContentTranslation(
                owner=owner, owner_id=obj.id, field=field, language=language, text=text
            )
        )
    if has_request_context():
        g.pop("content_translations", None)
