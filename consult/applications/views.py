"""Applying, and the applicant's private status page."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from functools import wraps

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
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from consult import ratelimits
from consult.applications.answers import answered_questions, answers_by_question, form_data
from consult.applications.audit import applicant_history
from consult.applications.editing import (
    FIELD_NAMES,
    ApplicationChanges,
    edit_application,
    editing_closed_because,
)
from consult.applications.forms import (
    CancelForm,
    EditApplicationForm,
    WithdrawForm,
    application_form,
)
from consult.applications.models import Application
from consult.applications.places import offer_availability
from consult.applications.privacy import personal_data as personal_data_of
from consult.applications.privacy import request_erasure as ask_for_erasure
from consult.applications.services import (
    ApplicationData,
    ApplicationError,
    confirm_participation,
    decline_participation,
    normalise_email,
    other_live_applications,
    set_public_listing,
    verify_email_address,
    withdraw_application,
)
from consult.applications.services import (
    apply as apply_or_remind,
)
from consult.applications.states import (
    admission_of,
    can_answer,
    can_verify,
    can_withdraw,
    confirmation_open,
    holds_place,
)
from consult.applications.tokens import find_by_token, other_links, revoke_other_links
from consult.cache import kept
from consult.consultations.models import Consultation
from consult.consultations.questions import questions_asked
from consult.consultations.services import active_organizations, public_consultation
from consult.database import utcnow
from consult.enums import ApplicationState, Role
from consult.errors import Gone
from consult.extensions import db, limiter
from consult.forms import ActionForm
from consult.http import privately, public_url, status_for
from consult.notifications.calendar import consultation_ics
from consult.pages import kept_html
from consult.sealing import seal, unseal

bp = Blueprint("applications", __name__)
# The rules templates ask, derived from the state machine's tables (states.py).
for _rule in (can_answer, can_verify, can_withdraw, confirmation_open, holds_place):
    bp.add_app_template_global(_rule)


def _apply_post_rate_limit() -> str:
    return current_app.config["APPLY_POST_RATE_LIMIT"]


def _over_application_limit(email: str) -> bool:
    """Count one accepted application against the limits per client address and per
    email address (consult/ratelimits.py); True when it is over one of them."""
    config = current_app.config
    return not ratelimits.hit_each(
        (config["APPLY_RATE_LIMIT"], ("apply-address", get_remote_address())),
        (config["APPLY_EMAIL_RATE_LIMIT"], ("apply-email", normalise_email(email))),
    )


def _closed_response(consultation: Consultation):
    now = utcnow()
    not_yet = consultation.opens_later(now)
    status = 403 if not_yet else 410
    return (
        render_template("applications/closed.html", consultation=consultation, not_yet=not_yet),
        status,
    )


@bp.route("/c/<slug>/apply", methods=["GET", "POST"])
@limiter.limit(_apply_post_rate_limit, methods=["POST"])
def apply(slug: str) -> ResponseReturnValue:
    consultation = public_consultation(slug)
    if consultation is None:
        abort(404)
    if not consultation.accepts_applications_at(utcnow()):
        return _closed_response(consultation)
    language = str(get_locale())
    if request.method == "GET":
        return _blank_apply_page(consultation, language, offer_availability(consultation))
    form = application_form(consultation, active_organizations(), language)
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate() and _over_application_limit(form.email.data):
            # What was typed stays in the form: they send it again in a while.
            form.form_errors.append(
                _(
                    "Too many applications have come from your network or for this email "
                    "address just now. Your answers are kept: please send the form again "
                    "in a few minutes."
                )
            )
            status = 429
        elif not form.errors:
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
                answers=form.answers,
                submission_key=form.form_key.data or "",
            )
            try:
                apply_or_remind(consultation, data, language=language)
            except ApplicationError as error:
                if isinstance(error, Gone):
                    return _closed_response(consultation)
                form.form_errors.append(error.message)
                status = status_for(error)
            else:
                # The same answer whether the address had applied before or not: the
                # page must not tell a stranger who has applied.
                # The address is sealed: the session cookie is readable by whoever holds
                # it (only signed), and an address is personal data.
                session["applied"] = seal(normalise_email(form.email.data), "session")
                return redirect(url_for(".thanks", slug=slug))  # nothing to reload
    return (
        render_template(
            "applications/apply.html",
            consultation=consultation,
            form=form,
            availability=offer_availability(consultation),
        ),
        status,
    )


_CSRF_SLOT = "\x00csrf\x00"
_KEY_SLOT = "formkeyslot0000000000000000"  # (URL-safe: survives escaping unchanged)


def _blank_apply_page(consultation: Consultation, language: str, availability):
    """The form as everyone first sees it: its content is rendered once per
    consultation, language and places left, and kept (consult/cache.py) with slots for
    the visitor's own CSRF token and the form's one-time key; for a signed-out visitor
    the whole page around it is kept too (consult/pages.py), else only that is rendered
    per request. The slots are filled per visitor."""
    key = (consultation.id, language, tuple(a.places_left for a in availability))

    def render_content() -> str:
        form = application_form(consultation, active_organizations(), language)
        form.form_key.data = _KEY_SLOT
        html = render_template(
            "applications/_apply_content.html",
            consultation=consultation,
            form=form,
            availability=availability,
        )
        token = getattr(form, "csrf_token", None)  # (absent where CSRF is switched off)
        return html.replace(token.current_token, _CSRF_SLOT) if token is not None else html

    def render_page() -> str:
        content = kept("apply_form", key, render_content)
        return render_template(
            "applications/apply.html", consultation=consultation, content=Markup(content)
        )

    page = kept_html(key, render_page)
    if _CSRF_SLOT in page:
        page = page.replace(_CSRF_SLOT, generate_csrf())
    return page.replace(_KEY_SLOT, secrets.token_urlsafe(16))


@bp.get("/c/<slug>/apply/thanks")
def thanks(slug: str) -> ResponseReturnValue:
    consultation = public_consultation(slug)
    if consultation is None:
        abort(404)
    sealed = session.get("applied")
    email = unseal(sealed, "session") if isinstance(sealed, str) else None
    if not email:
        return redirect(url_for("consultations.detail", slug=slug))
    return render_template(
        "applications/thanks.html", consultation=consultation, applied={"email": email}
    )


def _private(response_body, status: int = 200):
    """Private pages are never cached and never indexed."""
    return privately(current_app.make_response((response_body, status)))


def _private_page(
    template: str, application: Application, token: str, status: int = 200, **context
):
    """A page of the private link (never cached or indexed) about its application."""
    return _private(
        render_template(
            template,
            application=application,
            consultation=application.consultation,
            token=token,
            **context,
        ),
        status,
    )


def _unknown_link():
    return _private(render_template("applications/unknown_link.html"), 404)


def private_link_view(
    view: Callable[..., ResponseReturnValue],
) -> Callable[..., ResponseReturnValue]:
    """The one preamble of every /a/<token> view (as Indico's request handlers load
    their object once): the application the private link points to is handed to the
    view, with the token; an unknown, erased or expired link gets the unknown-link
    page (404), whatever the view. Whatever a view answers (a page, a file, a
    redirect) is never cached and never indexed: it is about one person."""

    @wraps(view)
    def wrapped(token: str, **kwargs) -> ResponseReturnValue:
        application = find_by_token(token)
        if application is None:
            return _unknown_link()
        return privately(current_app.make_response(view(application, token, **kwargs)))

    return wrapped


@bp.get("/a/<token>")
@private_link_view
def status(application: Application, token: str) -> ResponseReturnValue:
    return _private_page(
        "applications/status.html",
        application,
        token,
        form=WithdrawForm(version=application.version),
        offer=application.consultation.offer_for(application.role),
        now=utcnow(),
        message=application.secretariat_message,
        other_links=other_links(application, token),
        also_applied=other_live_applications(application),
        answers=answered_questions(application),
        history=applicant_history(application),
        editing_closed=editing_closed_because(application),
        link_idle_days=current_app.config["LINK_IDLE_DAYS"],
    )


@bp.route("/a/<token>/edit", methods=["GET", "POST"])
@private_link_view
def edit(application: Application, token: str) -> ResponseReturnValue:
    """The applicant changes their application: their details, proposal, needs and
    answers (not who they are: email, country, category, role)."""
    closed = editing_closed_because(application)
    if closed is not None:
        flash(_("Your application can no longer be changed: %(why)s", why=closed), "error")
        return redirect(url_for(".status", token=token))
    questions = questions_asked(application.consultation_id, application.role)
    form_class = EditApplicationForm.asking(questions)
    organizations = active_organizations()
    if request.method == "POST":
        form = form_class(application, organizations, questions)
    else:
        data = {name: getattr(application, name) for name in FIELD_NAMES}
        data.update(form_data(answers_by_question(application), questions))
        form = form_class(
            application, organizations, questions, data=data, version=application.version
        )
    status_code = 200
    if form.is_submitted():
        status_code = 422
        if form.validate():
            changes = ApplicationChanges(
                **{
                    name: form[name].data or "" for name in FIELD_NAMES if name != "organization_id"
                },
                organization_id=form.organization_id.data,
                answers=form.answers,
            )
            try:
                changed = edit_application(application, changes, expected_version=form.version.data)
            except ApplicationError as error:
                form.form_errors.append(error.message)
                status_code = status_for(error)
                db.session.refresh(application)
                form.version.data = application.version
            else:
                flash(
                    _("Your changes are saved. The secretariat sees what you changed.")
                    if changed
                    else _("Nothing was changed."),
                    "success",
                )
                return redirect(url_for(".status", token=token))
    return _private_page("applications/edit.html", application, token, status_code, form=form)


@bp.post("/a/<token>/verify")
@private_link_view
def verify(application: Application, token: str) -> ResponseReturnValue:
    """ "Confirm my email address": the one way an address is confirmed (a POST, so
    that mail scanners and link previews, which only GET, never do it)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    was_waiting = can_verify(application)
    verify_email_address(application)
    if was_waiting:
        flash(_("Thank you: your email address is confirmed."), "success")
    return redirect(url_for(".status", token=token))


def _answer(application: Application, token: str, action, done_message: str):
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        action(application, expected_version=form.version.data)
    except ApplicationError as error:
        flash(error.message, "error")
        return redirect(url_for(".status", token=token))
    flash(done_message, "success")
    return redirect(url_for(".status", token=token))


@bp.post("/a/<token>/confirm")
@private_link_view
def confirm(application: Application, token: str) -> ResponseReturnValue:
    return _answer(
        application,
        token,
        confirm_participation,
        _(
            "Thank you: your participation is confirmed. We have emailed you the "
            "details and a calendar entry."
        ),
    )


@bp.route("/a/<token>/decline", methods=["GET", "POST"])
@private_link_view
def decline(application: Application, token: str) -> ResponseReturnValue:
    if application.state == ApplicationState.CONFIRMED:
        # Confirmed already: what is left to "decline" is cancelling the place.
        return redirect(url_for(".withdraw", token=token))
    if request.method == "POST":
        return _answer(
            application,
            token,
            decline_participation,
            _("You have declined. Thank you for telling us."),
        )
    return _private_page(
        "applications/decline.html",
        application,
        token,
        form=WithdrawForm(version=application.version),
    )


@bp.get("/a/<token>/calendar.ics")
@private_link_view
def calendar(application: Application, token: str) -> ResponseReturnValue:
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
@private_link_view
def confirmation(application: Application, token: str) -> ResponseReturnValue:
    """A printable confirmation of participation (for visas, employers, registration)."""
    if application.state != ApplicationState.CONFIRMED:
        return _unknown_link()
    page = _private_page(
        "applications/confirmation.html",
        application,
        token,
        issued=utcnow(),
        admission=admission_of(application),
    )
    return page


@bp.route("/a/<token>/withdraw", methods=["GET", "POST"])
@private_link_view
def withdraw(application: Application, token: str) -> ResponseReturnValue:
    """Withdraw an application, or cancel a confirmed place (the same move: the place
    goes to the next person waiting), with an optional reason for the secretariat."""
    form = CancelForm(version=application.version)
    status_code = 200
    error = None
    if not can_withdraw(application):
        error = _(
            "This application can no longer be withdrawn: it is %(state)s.",
            state=application.state.label.lower(),
        )
        status_code = 409
    elif form.validate_on_submit():
        try:
            withdraw_application(
                application, expected_version=form.version.data, reason=form.reason.data or ""
            )
        except ApplicationError as exc:
            error = exc.message
            status_code = status_for(exc)
            db.session.refresh(application)
            form.version.data = application.version
        else:
            flash(
                _("Your participation is cancelled. We have sent you a confirmation.")
                if application.state == ApplicationState.CANCELLED
                else _("Your application has been withdrawn. We have sent you a confirmation."),
                "success",
            )
            return redirect(url_for(".status", token=token))
    elif form.is_submitted():
        status_code = 422
    return _private_page(
        "applications/withdraw.html", application, token, status_code, form=form, error=error
    )


@bp.post("/a/<token>/listing")
@private_link_view
def listing(application: Application, token: str) -> ResponseReturnValue:
    """The applicant gives or withdraws consent to be named in public (the list of
    participants, the programme): it takes effect at once."""
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    listed = request.form.get("listed") == "1"
    try:
        set_public_listing(application, listed, expected_version=form.version.data)
    except ApplicationError as exc:
        flash(exc.message, "error")
    else:
        flash(
            _("You are on the public list of participants.")
            if listed
            else _("You are no longer named in public."),
            "success",
        )
    return redirect(url_for(".status", token=token))


@bp.post("/a/<token>/links")
@private_link_view
def sign_out_other_links(application: Application, token: str) -> ResponseReturnValue:
    """Every private link to the application but this one stops working (a link
    forwarded or left in a shared mailbox)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    count = revoke_other_links(application, token)
    flash(
        _("The other links to your application no longer work (%(n)d).", n=count)
        if count
        else _("There were no other links to your application."),
        "success",
    )
    return redirect(url_for(".status", token=token))


@bp.get("/a/<token>/my-data.json")
@private_link_view
def personal_data(application: Application, token: str) -> ResponseReturnValue:
    """Everything the secretariat holds about the person, as JSON (their own copy)."""
    response = _private(json.dumps(personal_data_of(application), ensure_ascii=False, indent=2))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{application.reference}-personal-data.json"'
    )
    return response


@bp.route("/a/<token>/erasure", methods=["GET", "POST"])
@private_link_view
def request_erasure(application: Application, token: str) -> ResponseReturnValue:
    """The applicant asks the secretariat to erase their data (confirmed by a POST)."""
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        ask_for_erasure(application)
        flash(
            _("Your request is recorded. The secretariat will erase your data and tell you."),
            "success",
        )
        return redirect(url_for(".status", token=token))
    return _private_page("applications/erasure.html", application, token, form=form)
