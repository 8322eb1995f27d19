"""Applying, and the applicant's private status page."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from consult.applications.forms import ApplicationForm, WithdrawForm
from consult.applications.services import (
    ApplicationData,
    ApplicationError,
    DuplicateApplication,
    confirm_participation,
    decline_participation,
    open_private_link,
    submit_application,
    withdraw_application,
)
from consult.consultations.models import Consultation, Organization
from consult.consultations.services import offer_availability, public_consultation
from consult.database import utcnow
from consult.enums import ApplicationState, Role
from consult.extensions import db, limiter
from consult.notifications.calendar import consultation_ics
from consult.notifications.services import public_url

bp = Blueprint("applications", __name__)

WITHDRAWABLE = {
    ApplicationState.SUBMITTED,
    ApplicationState.UNDER_REVIEW,
    ApplicationState.ACCEPTED,
    ApplicationState.WAITLISTED,
}


def _apply_rate_limit() -> str:
    return current_app.config["APPLY_RATE_LIMIT"]


def _closed_response(consultation: Consultation):
    now = utcnow()
    not_yet = consultation.state.value == "open" and now < consultation.applications_open_at
    status = 403 if not_yet else 410
    return (
        render_template("applications/closed.html", consultation=consultation, not_yet=not_yet),
        status,
    )


@bp.route("/c/<slug>/apply", methods=["GET", "POST"])
@limiter.limit(_apply_rate_limit, methods=["POST"])
def apply(slug: str):
    consultation = public_consultation(slug)
    if consultation is None:
        abort(404)
    if not consultation.accepts_applications_at(utcnow()):
        return _closed_response(consultation)
    organizations = list(
        db.session.execute(
            select(Organization).where(Organization.active).order_by(Organization.acronym)
        ).scalars()
    )
    language = str(get_locale())
    form = ApplicationForm(consultation, organizations, language)
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            data = ApplicationData(
                full_name=form.full_name.data,
                email=form.email.data,
                country=form.country.data,
                category_id=form.category.data,
                role=Role(form.role.data),
                organization_name=form.organization_name.data or "",
                organization_id=form.organization_id.data,
                job_title=form.job_title.data or "",
                gender=form.gender.data or "",
                topic=form.topic.data or "",
                abstract=form.abstract.data or "",
                bio=form.bio.data or "",
                accessibility_needs=form.accessibility_needs.data or "",
                list_publicly=form.list_publicly.data,
            )
            try:
                application, _token = submit_application(consultation, data, language=language)
            except DuplicateApplication as error:
                form.email.errors.append(_(error.message))
                status = error.status
            except ApplicationError as error:
                if error.status == 410:
                    return _closed_response(consultation)
                form.form_errors.append(_(error.message))
                status = error.status
            else:
                session["applied"] = {
                    "reference": application.reference,
                    "email": application.email,
                }
                return redirect(url_for(".thanks", slug=consultation.slug))
    return (
        render_template(
            "applications/apply.html",
            consultation=consultation,
            form=form,
            availability=offer_availability(consultation),
        ),
        status,
    )


@bp.get("/c/<slug>/apply/thanks")
def thanks(slug: str):
    consultation = public_consultation(slug)
    if consultation is None:
        abort(404)
    applied = session.get("applied")
    if not applied:
        return redirect(url_for("consultations.detail", slug=slug))
    return render_template("applications/thanks.html", consultation=consultation, applied=applied)


def _private(response_body, status: int = 200):
    """Private pages are never cached and never indexed."""
    response = current_app.make_response((response_body, status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _unknown_link():
    return _private(render_template("applications/unknown_link.html"), 404)


@bp.get("/a/<token>")
def status(token: str):
    application = open_private_link(token)
    if application is None:
        return _unknown_link()
    return _private(
        render_template(
            "applications/status.html",
            application=application,
            consultation=application.consultation,
            token=token,
            can_withdraw=application.state in WITHDRAWABLE,
            form=WithdrawForm(version=application.version),
            offer=application.offer,
            now=utcnow(),
            message=_latest_message(application),
        )
    )


def _latest_message(application):
    """The secretariat's message with its latest decision, shown to the applicant."""
    for event in reversed(application.events):
        if event.actor_user_id is not None:
            return event.note
    return ""


def _answer(token: str, action, done_message: str):
    application = open_private_link(token)
    if application is None:
        return _unknown_link()
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        version = int(form.version.data)
    except ValueError:
        abort(400)
    try:
        action(application, expected_version=version, raw_token=token)
    except ApplicationError as error:
        flash(_(error.message), "error")
        return redirect(url_for(".status", token=token))
    flash(done_message, "success")
    return redirect(url_for(".status", token=token))


@bp.post("/a/<token>/confirm")
def confirm(token: str):
    return _answer(
        token,
        confirm_participation,
        _(
            "Thank you: your participation is confirmed. We have emailed you the "
            "details and a calendar entry."
        ),
    )


@bp.route("/a/<token>/decline", methods=["GET", "POST"])
def decline(token: str):
    if request.method == "POST":
        return _answer(
            token, decline_participation, _("You have declined. Thank you for telling us.")
        )
    application = open_private_link(token)
    if application is None:
        return _unknown_link()
    return _private(
        render_template(
            "applications/decline.html",
            application=application,
            consultation=application.consultation,
            token=token,
            form=WithdrawForm(version=application.version),
        )
    )


@bp.get("/a/<token>/calendar.ics")
def calendar(token: str):
    application = open_private_link(token)
    if application is None:
        return _unknown_link()
    body = consultation_ics(
        application.consultation,
        application,
        url=public_url("applications.status", token=token),
    )
    response = _private(body)
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{application.consultation.slug}.ics"'
    )
    return response


@bp.get("/a/<token>/confirmation")
def confirmation(token: str):
    """A printable confirmation of participation (for visas, employers, registration)."""
    application = open_private_link(token)
    if application is None or application.state != ApplicationState.CONFIRMED:
        return _unknown_link()
    return _private(
        render_template(
            "applications/confirmation.html",
            application=application,
            consultation=application.consultation,
            issued=utcnow(),
        )
    )


@bp.route("/a/<token>/withdraw", methods=["GET", "POST"])
def withdraw(token: str):
    application = open_private_link(token)
    if application is None:
        return _unknown_link()
    form = WithdrawForm(version=application.version)
    status_code = 200
    error = None
    if application.state not in WITHDRAWABLE:
        error = _(
            "This application can no longer be withdrawn: it is %(state)s.",
            state=application.state.label.lower(),
        )
        status_code = 409
    elif form.validate_on_submit():
        try:
            version = int(form.version.data)
        except ValueError:
            abort(400)
        try:
            withdraw_application(application, expected_version=version, raw_token=token)
        except ApplicationError as exc:
            error = _(exc.message)
            status_code = exc.status
            db.session.refresh(application)
            form.version.data = application.version
        else:
            flash(
                _("Your application has been withdrawn. We have sent you a confirmation."),
                "success",
            )
            return redirect(url_for(".status", token=token))
    return _private(
        render_template(
            "applications/withdraw.html",
            application=application,
            consultation=application.consultation,
            form=form,
            token=token,
            error=error,
            can_withdraw=application.state in WITHDRAWABLE,
        ),
        status_code,
    )
