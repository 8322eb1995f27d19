"""The admins' page of review criteria: list, add, change, delete."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from consult.access import admin_required
from consult.consultations.models import Consultation
from consult.extensions import db
from consult.forms import ActionForm
from consult.review.criteria import (
    CriterionError,
    CriterionInUse,
    CriterionSettings,
    add_criterion,
    change_criterion,
    criteria_of,
    delete_criterion,
    scored,
)
from consult.review.forms import CriterionForm
from consult.review.models import ReviewCriterion

bp = Blueprint("criteria", __name__, url_prefix="/secretariat/consultations")


def _criterion_or_404(consultation: Consultation, criterion_id: int) -> ReviewCriterion:
    criterion = db.session.get(ReviewCriterion, criterion_id)
    if criterion is None or criterion.consultation_id != consultation.id:
        abort(404)
    return criterion


def _saved(form: CriterionForm, save) -> str | None:
    """Validate and save; the error, if any, is put beside its field."""
    if not form.validate():
        return "invalid"
    try:
        save(CriterionSettings(form.name.data, form.weight.data, form.description.data or ""))
    except CriterionError as error:
        form[error.field or "name"].errors.append(error.message)
        return "invalid"
    return None


@bp.route("/<int:consultation_id>/criteria", methods=["GET", "POST"])
@admin_required
def overview(consultation_id: int) -> ResponseReturnValue:
    """The criteria with their weights and how often they were scored; a form to add one."""
    consultation = db.get_or_404(Consultation, consultation_id)
    form = CriterionForm()
    status = 200
    if form.is_submitted():
        if _saved(form, lambda s: add_criterion(consultation, s, by=current_user)) is None:
            flash(_("The criterion is added."), "success")
            return redirect(url_for(".overview", consultation_id=consultation.id))
        status = 422
    criteria = criteria_of(consultation.id)
    return (
        render_template(
            "review/criteria.html",
            consultation=consultation,
            criteria=criteria,
            total_weight=sum(c.weight for c in criteria),
            scored=scored(consultation.id),
            form=form,
            action_form=ActionForm(),
        ),
        status,
    )


@bp.route("/<int:consultation_id>/criteria/<int:criterion_id>", methods=["GET", "POST"])
@admin_required
def edit(consultation_id: int, criterion_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    criterion = _criterion_or_404(consultation, criterion_id)
    form = CriterionForm(obj=criterion)
    status = 200
    if form.is_submitted():
        if _saved(form, lambda s: change_criterion(criterion, s, by=current_user)) is None:
            flash(_("The criterion is saved."), "success")
            return redirect(url_for(".overview", consultation_id=consultation.id))
        status = 422
    return (
        render_template(
            "review/criterion_form.html",
            consultation=consultation,
            criterion=criterion,
            scores=scored(consultation.id).get(criterion.id, 0),
            form=form,
        ),
        status,
    )


@bp.post("/<int:consultation_id>/criteria/<int:criterion_id>/delete")
@admin_required
def delete(consultation_id: int, criterion_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    criterion = _criterion_or_404(consultation, criterion_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        delete_criterion(criterion, by=current_user)
    except CriterionInUse as error:
        flash(error.message, "error")
    else:
        flash(_("The criterion is deleted."), "success")
    return redirect(url_for(".overview", consultation_id=consultation.id))
