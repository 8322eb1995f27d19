"""Admins write a consultation's texts in the other UN languages (English is written on
the settings page and is required; every other language is optional, field by field)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from consult.access import admin_required
from consult.consultations.content import (
    FIELDS,
    Localized,
    owner_of,
    set_translation,
    translations_of,
)
from consult.consultations.models import Consultation
from consult.consultations.questions import questions_of
from consult.consultations.services import all_organizations
from consult.database import transaction
from consult.extensions import db
from consult.forms import BaseForm
from consult.hooks import Hook
from consult.i18n import offered_languages
from consult.security.models import SecurityTag
from consult.security.services import record_event

bp = Blueprint("translations", __name__, url_prefix="/secretariat/consultations")

FIELD_LABELS = {
    "title": _l("Title"),
    "description": _l("Description"),
    "venue": _l("Venue"),
    "name": _l("Name"),
    "acronym": _l("Acronym"),
    "label": _l("Question"),
    "help": _l("Hint"),
    "options": _l("Options, one per line, in the same order"),
}
# Long texts get a text area; the limits follow the English columns.
LONG_FIELDS = {"description", "help", "options"}
MAX_LENGTH = {
    "title": 300,
    "venue": 300,
    "name": 200,
    "description": 20000,
    "acronym": 32,
    "label": 300,
    "help": 1000,
    "options": 7000,
}


@dataclass
class TranslatableText:
    """One field of one row: its form field name, heading and English text."""

    key: str
    obj: object
    field: str
    group: str
    english: str


# More of a consultation's rows that visitors read (the programme's sessions), from the
# features above: (row, heading on the form, prefix of its form field names) each.
translatable_rows: Hook[[Consultation], list[tuple[object, str, str]]] = Hook("translatable_rows")


def translatable_texts(consultation: Consultation) -> list[TranslatableText]:
    """Everything of this consultation a visitor reads, in page order."""
    # (row, heading on the form, prefix of its form field names)
    rows = [(consultation, _("The consultation"), "consultation")]
    rows += [
        (offer, _("Role: %(role)s", role=offer.role.label), f"offer-{offer.id}")
        for offer in consultation.offers
    ]
    rows += [
        (c, _("Stakeholder category: %(name)s", name=c.name), f"category-{c.id}")
        for c in consultation.categories
    ]
    rows += [
        (q, _("Question: %(label)s", label=q.label), f"question-{q.id}")
        for q in questions_of(consultation.id)
    ]
    # The listed organizations are shared by every consultation: translated once.
    rows += [
        (o, _("Listed organization (all consultations): %(name)s", name=o.acronym), f"org-{o.id}")
        for o in all_organizations()
    ]
    for more in translatable_rows(consultation):
        rows += more
    texts = [
        TranslatableText(f"{prefix}-{field}", obj, field, group, getattr(obj, field) or "")
        for obj, group, prefix in rows
        for field in FIELDS[owner_of(obj)]
    ]
    return [text for text in texts if text.english]


def translation_form(texts: list[TranslatableText], language: str, **kwargs) -> BaseForm:
    class TranslationForm(BaseForm):
        pass

    for text in texts:
        field_class = TextAreaField if text.field in LONG_FIELDS else StringField
        setattr(
            TranslationForm,
            text.key,
            field_class(
                FIELD_LABELS[text.field],
                validators=[Length(max=MAX_LENGTH[text.field])],
                description=Localized(text.english, "en"),
            ),
        )
    existing = {}
    for text in texts:
        value = translations_of(text.obj, language).get(text.field)
        if value:
            existing[text.key] = value
    return TranslationForm(data=existing, **kwargs)


def _language_or_404(language: str) -> str:
    if language == "en" or language not in offered_languages():
        abort(404)
    return language


@bp.get("/<int:consultation_id>/translations")
@admin_required
def overview(consultation_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    texts = translatable_texts(consultation)
    done = {}
    for language in offered_languages()[1:]:
        done[language] = sum(
            1 for text in texts if translations_of(text.obj, language).get(text.field)
        )
    return render_template(
        "consultations/translations.html", consultation=consultation, total=len(texts), done=done
    )


@bp.route("/<int:consultation_id>/translations/<language>", methods=["GET", "POST"])
@admin_required
def edit(consultation_id: int, language: str) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    language = _language_or_404(language)
    texts = translatable_texts(consultation)
    form = translation_form(texts, language)
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            with transaction():
                for text in texts:
                    set_translation(text.obj, text.field, language, form[text.key].data or "")
            record_event(
                SecurityTag.SETTINGS_CHANGED,
                target=f"consultation {consultation.id}",
                detail=f"translations {language}",
                commit=True,
            )
            flash(_("The translations are saved."), "success")
            return redirect(url_for(".overview", consultation_id=consultation.id))
    return (
        render_template(
            "consultations/translation_form.html",
            consultation=consultation,
            language=language,
            texts=texts,
            form=form,
        ),
        status,
    )


__all__ = ["bp", "translatable_texts"]
