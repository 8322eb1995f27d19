"""Public pages: the list of consultations and one consultation."""

from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from consult.access import admin_required
from consult.consultations.forms import ConsultationForm, QuestionForm
from consult.consultations.models import Consultation, Question, QuestionKind, StakeholderCategory
from consult.consultations.questions import (
    QuestionError,
    QuestionInUse,
    QuestionSettings,
    add_question,
    answered,
    change_question,
    delete_question,
    move_question,
    questions_of,
)
from consult.consultations.reference import DEMO_CATEGORY_CODES
from consult.consultations.services import (
    ConsultationSettings,
    OfferSettings,
    SettingsError,
    all_consultations,
    availability,
    public_consultation,
    public_consultations,
    save_consultation,
)
from consult.database import local_to_utc, utc_to_local, utcnow
from consult.enums import ConsultationState, Role
from consult.extensions import db
from consult.forms import ActionForm
from consult.hooks import Hook
from consult.http import status_for
from consult.pages import public_page
from consult.security.models import SecurityTag
from consult.security.services import record_event

# Asked by a consultation's public page for more of what visitors can do there (the
# written contributions, a feature above): (label, url) pairs; the page is kept per
# answer, so a handler must be cheap (from the process's cache).
detail_links: Hook[[Consultation, datetime], list[tuple[str, str]]] = Hook("detail_links")

bp = Blueprint("consultations", __name__)


@bp.get("/")
def home() -> ResponseReturnValue:
    now = utcnow()
    consultations = public_consultations()
    return public_page(
        tuple(c.call_phase(now) for c in consultations),
        lambda: render_template("consultations/home.html", consultations=consultations, now=now),
    )


@bp.get("/c/<slug>")
def detail(slug: str) -> ResponseReturnValue:
    consultation = public_consultation(slug)
    if consultation is None:
        abort(404)
    now = utcnow()
    offers = availability(consultation)
    links = [link for answer in detail_links(consultation, now) for link in answer]
    return public_page(
        (slug, consultation.call_phase(now), tuple(a.places_left for a in offers), tuple(links)),
        lambda: render_template(
            "consultations/detail.html",
            consultation=consultation,
            availability=offers,
            now=now,
            more_links=links,
        ),
    )


# --- secretariat: manage consultations (admins) -----------------------------------------


@bp.get("/secretariat/consultations")
@admin_required
def manage() -> ResponseReturnValue:
    return render_template("consultations/manage.html", consultations=all_consultations())


def _form_for(consultation: Consultation | None) -> ConsultationForm:
    categories = list(
        db.session.execute(
            select(StakeholderCategory).order_by(StakeholderCategory.position)
        ).scalars()
    )
    if request.method == "POST":
        return ConsultationForm(categories)
    if consultation is None:
        data = _new_consultation_defaults(categories)
    else:
        tz = consultation.timezone

        def local(value):
            return utc_to_local(value, tz).replace(tzinfo=None) if value else None

        data = {
            "title": consultation.title,
            "slug": consultation.slug,
            "reference_prefix": consultation.reference_prefix,
            "description": consultation.description,
            "venue": consultation.venue,
            "timezone": tz,
            "starts_at": local(consultation.starts_at),
            "ends_at": local(consultation.ends_at),
            "applications_open_at": local(consultation.applications_open_at),
            "applications_close_at": local(consultation.applications_close_at),
            "state": consultation.state.value,
            "retention_months": consultation.retention_months,
            "anonymised_review": consultation.anonymised_review,
            "categories": [c.id for c in consultation.categories],
            "offers": [
                {
                    "role": offer.role.value,
                    "capacity": offer.capacity,
                    "needs_review": offer.needs_review,
                    "confirm_by": local(offer.confirm_by),
                    "description": offer.description,
                }
                for offer in consultation.offers
            ],
        }
    return ConsultationForm(categories, data=data)


def _new_consultation_defaults(categories) -> dict:
    today = utc_to_local(utcnow(), "Europe/Zurich").replace(
        tzinfo=None, hour=10, minute=0, second=0, microsecond=0
    )
    return {
        "timezone": "Europe/Zurich",
        "venue": "Palais des Nations, Geneva, Switzerland",
        "state": ConsultationState.DRAFT.value,
        "retention_months": 6,
        "starts_at": today + timedelta(days=60),
        "ends_at": today + timedelta(days=60, hours=8),
        "applications_open_at": today,
        "applications_close_at": today + timedelta(days=30),
        "categories": [c.id for c in categories if c.code in DEMO_CATEGORY_CODES],
        "offers": [
            {"role": role.value, "capacity": capacity, "needs_review": review}
            for role, capacity, review in (
                (Role.KEYNOTE, 4, True),
                (Role.PANELIST, 16, True),
                (Role.ATTENDEE, 100, False),
            )
        ],
    }


def _settings_from(form: ConsultationForm) -> ConsultationSettings:
    tz = form.timezone.data

    def utc(value):
        return local_to_utc(value, tz) if value else None

    return ConsultationSettings(
        title=form.title.data,
        slug=form.slug.data,
        reference_prefix=form.reference_prefix.data,
        description=form.description.data or "",
        venue=form.venue.data or "",
        timezone=tz,
        starts_at=utc(form.starts_at.data),
        ends_at=utc(form.ends_at.data),
        applications_open_at=utc(form.applications_open_at.data),
        applications_close_at=utc(form.applications_close_at.data),
        state=ConsultationState(form.state.data),
        category_ids=list(form.categories.data),
        retention_months=form.retention_months.data,
        anonymised_review=form.anonymised_review.data,
        offers=[
            OfferSettings(
                role=Role(entry.form.role.data),
                capacity=entry.form.capacity.data,
                needs_review=entry.form.needs_review.data,
                confirm_by=utc(entry.form.confirm_by.data),
                description=entry.form.description.data or "",
            )
            for entry in form.offers
        ],
    )


def _edit(consultation: Consultation | None):
    form = _form_for(consultation)
    status = 200
    if form.is_submitted():
        status = 422
        roles = [entry.form.role.data or "" for entry in form.offers]
        if sorted(roles) != sorted(role.value for role in Role):
            abort(400)  # the offers are fixed by the page; anything else is tampering
        if form.validate():
            try:
                saved = save_consultation(consultation, _settings_from(form))
            except SettingsError as error:
                form_field = _field_by_name(form, error.field)
                form_field.errors.append(error.message)
                status = status_for(error)
            else:
                record_event(
                    SecurityTag.SETTINGS_CHANGED, target=f"consultation {saved.id}", commit=True
                )
                flash(_("Settings saved for %(title)s.", title=saved.title), "success")
                return redirect(url_for(".settings", consultation_id=saved.id))
    return (
        render_template(
            "consultations/settings.html",
            consultation=consultation,
            form=form,
            availability=availability(consultation),
        ),
        status,
    )


def _field_by_name(form, name: str):
    for field in form:
        if field.name == name:
            return field
        if field.type == "FieldList":
            for entry in field:
                for sub in entry.form:
                    if sub.name == name:
                        return sub
    return form.title


@bp.route("/secretariat/consultations/new", methods=["GET", "POST"])
@admin_required
def new() -> ResponseReturnValue:
    return _edit(None)


@bp.route("/secretariat/consultations/<int:consultation_id>/settings", methods=["GET", "POST"])
@admin_required
def settings(consultation_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    return _edit(consultation)


# --- the secretariat's own questions on the application form (admins) ------------------


def _question_or_404(consultation: Consultation, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.consultation_id != consultation.id:
        abort(404)
    return question


@bp.get("/secretariat/consultations/<int:consultation_id>/questions")
@admin_required
def questions(consultation_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    return render_template(
        "consultations/questions.html",
        consultation=consultation,
        questions=questions_of(consultation.id),
        answered=answered(consultation.id),
        form=ActionForm(),
    )


def _question_settings(form: QuestionForm) -> QuestionSettings:
    return QuestionSettings(
        label=form.label.data,
        kind=QuestionKind(form.kind.data),
        help=form.help.data or "",
        options=tuple((form.options.data or "").splitlines()),
        required=form.required.data,
        roles=tuple(Role(value) for value in form.roles.data),
        active=form.active.data,
        for_security=form.for_security.data,
    )


@bp.route("/secretariat/consultations/<int:consultation_id>/questions/new", methods=["GET", "POST"])
@bp.route(
    "/secretariat/consultations/<int:consultation_id>/questions/<int:question_id>",
    methods=["GET", "POST"],
)
@admin_required
def question(consultation_id: int, question_id: int | None = None) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    existing = _question_or_404(consultation, question_id) if question_id else None
    if request.method == "POST":
        form = QuestionForm()
    elif existing is None:
        form = QuestionForm(data={"roles": [r.value for r in Role], "active": True})
    else:
        form = QuestionForm(
            data={
                "label": existing.label,
                "help": existing.help,
                "kind": existing.kind.value,
                "options": existing.options,
                "required": existing.required,
                "roles": [r.value for r in (existing.role_list or list(Role))],
                "active": existing.active,
                "for_security": existing.for_security,
            }
        )
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                settings = _question_settings(form)
                if existing is None:
                    saved = add_question(consultation, settings)
                else:
                    saved = change_question(existing, settings)
            except QuestionError as error:
                form[error.field or "label"].errors.append(error.message)
                status = status_for(error)
            else:
                record_event(
                    SecurityTag.SETTINGS_CHANGED,
                    target=f"consultation {consultation.id}",
                    detail=f"question {saved.id}",
                    commit=True,
                )
                flash(_("The question is saved."), "success")
                return redirect(url_for(".questions", consultation_id=consultation.id))
    return (
        render_template(
            "consultations/question_form.html",
            consultation=consultation,
            question=existing,
            form=form,
            answers=answered(consultation.id).get(existing.id, 0) if existing else 0,
        ),
        status,
    )


@bp.post("/secretariat/consultations/<int:consultation_id>/questions/<int:question_id>/move")
@admin_required
def move(consultation_id: int, question_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    question = _question_or_404(consultation, question_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    move_question(question, -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for(".questions", consultation_id=consultation.id))


@bp.post("/secretariat/consultations/<int:consultation_id>/questions/<int:question_id>/delete")
@admin_required
def delete(consultation_id: int, question_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    question = _question_or_404(consultation, question_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        delete_question(question)
    except QuestionInUse as error:
        flash(error.message, "error")
    else:
        record_event(
            SecurityTag.SETTINGS_CHANGED,
            target=f"consultation {consultation.id}",
            detail=f"question {question_id} deleted",
            commit=True,
        )
        flash(_("The question is deleted."), "success")
    return redirect(url_for(".questions", consultation_id=consultation.id))
