"""The secretariat's outbox: every email with its state, a preview, and resend."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from consult.access import admin_required, secretariat_required
from consult.consultations.models import Consultation
from consult.enums import Role
from consult.extensions import db
from consult.forms import ActionForm
from consult.http import arg_id, newest_first_page
from consult.i18n import offered_languages
from consult.links import mask_token
from consult.notifications.forms import EmailTextForm
from consult.notifications.models import OutboxMessage, OutboxState
from consult.notifications.services import (
    NotificationError,
    custom_text,
    custom_texts,
    delivery_health,
    render_builtin_email,
    render_custom_email,
    render_email,
    resend,
    resend_all_failed,
    reset_custom_text,
    save_custom_text,
    worker_is_live,
)
from consult.notifications.texts import EMAIL_KINDS, KINDS, PLACEHOLDER_HELP, preview_recipient
from consult.security.models import SecurityTag
from consult.security.services import record_event

bp = Blueprint("notifications", __name__, url_prefix="/secretariat")

PAGE_SIZE = 50


@bp.get("/outbox/")
@secretariat_required
def outbox() -> ResponseReturnValue:
    state = request.args.get("state")
    state = OutboxState(state) if state in {s.value for s in OutboxState} else None
    before = arg_id("before")
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(PAGE_SIZE + 1)
    if state is not None:
        query = query.where(OutboxMessage.state == state)
    if before:
        query = query.where(OutboxMessage.id < before)
    rows, next_before = newest_first_page(list(db.session.execute(query).scalars()), PAGE_SIZE)
    counts = dict(
        db.session.execute(
            select(OutboxMessage.state, func.count(OutboxMessage.id)).group_by(OutboxMessage.state)
        ).all()
    )
    return render_template(
        "notifications/outbox.html",
        messages=rows,
        state=state,
        states=list(OutboxState),
        failed=OutboxState.FAILED,
        counts={s: counts.get(s, 0) for s in OutboxState},
        next_before=next_before,
        delivery=delivery_health(with_workers=True),
        worker_is_live=worker_is_live,
    )


@bp.get("/outbox/<int:message_id>")
@secretariat_required
def detail(message_id: int) -> ResponseReturnValue:
    message = db.get_or_404(OutboxMessage, message_id)
    body_text = mask_token(message.body_text) if current_user.is_admin else None
    return render_template("notifications/detail.html", message=message, body_text=body_text)


@bp.get("/outbox/<int:message_id>/html")
@admin_required
def html_part(message_id: int) -> ResponseReturnValue:
    """The HTML part on its own, sandboxed, for the preview frame on the detail page
    (admins only: bodies hold personal data; links are masked, never live)."""
    message = db.get_or_404(OutboxMessage, message_id)
    if not message.body_html:
        return _sandboxed(
            render_template("notifications/no_html_part.html", subject=message.subject)
        )
    return _sandboxed(mask_token(message.body_html))


def _sandboxed(body: str):
    """An email's HTML for an iframe: no scripts, no requests, framable by this site."""
    response = make_response(body)
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "frame-ancestors 'self'"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/outbox/resend-failed")
@admin_required
def resend_failed() -> ResponseReturnValue:
    """Queue every failed message again (after an outage, say)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    count = resend_all_failed()
    record_event(SecurityTag.OUTBOX_RESENT, target="all failed messages", detail=str(count))
    db.session.commit()
    flash(
        ngettext(
            "%(num)d failed message is queued again.",
            "%(num)d failed messages are queued again.",
            count,
        ),
        "success",
    )
    return redirect(url_for(".outbox"))


@bp.post("/outbox/<int:message_id>/resend")
@admin_required
def resend_message(message_id: int) -> ResponseReturnValue:
    message = db.get_or_404(OutboxMessage, message_id)
    try:
        resend(message)
    except NotificationError as error:
        flash(error.message, "error")
    else:
        record_event(SecurityTag.OUTBOX_RESENT, target=f"outbox message {message.id}", commit=True)
        flash(_("The message to %(to)s is queued again.", to=message.to_address), "success")
    return redirect(url_for(".detail", message_id=message.id))


# --- the consultation's own email texts (admins) -----------------------------------------


@bp.get("/consultations/<int:consultation_id>/emails")
@admin_required
def email_texts(consultation_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    return render_template(
        "notifications/texts.html",
        consultation=consultation,
        kinds=EMAIL_KINDS,
        languages=offered_languages(),
        custom=custom_texts(consultation.id),
    )


def _sample_context(consultation: Consultation, kind) -> dict:
    """Made-up values for previews: nobody's real data, and no token."""
    sample = preview_recipient.first(consultation)
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    offer = consultation.offer_for(Role.PANELIST)
    return {
        "application": sample,
        "consultation": consultation,
        "offer": offer,
        "link": f"{base}/a/EXAMPLE-PRIVATE-LINK",
        "confirmation_link": f"{base}/a/EXAMPLE-PRIVATE-LINK/confirmation",
        "message": "We look forward to your contribution on the second panel.",
        "deadline": (offer.confirm_by if offer and offer.confirm_by else consultation.starts_at),
    }


@bp.route(
    "/consultations/<int:consultation_id>/emails/<template>/<language>", methods=["GET", "POST"]
)
@admin_required
def edit_email_text(consultation_id: int, template: str, language: str) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    kind = KINDS.get(template)
    if kind is None or language not in offered_languages():
        abort(404)
    existing = custom_text(consultation.id, template, language)
    form = EmailTextForm(
        kind, data={"subject": existing.subject, "body": existing.body} if existing else None
    )
    context = _sample_context(consultation, kind)
    status = 200
    preview = None
    if form.is_submitted():
        action = request.form.get("action", "preview")
        if action == "reset":
            if ActionForm().validate_on_submit():
                reset_custom_text(consultation.id, template, language)
                record_event(
                    SecurityTag.EMAIL_TEXT_CHANGED,
                    target=f"consultation {consultation.id}: {template} ({language})",
                    detail="back to the built-in text",
                    commit=True,
                )
                flash(_("The built-in text is used again."), "success")
            return redirect(url_for(".email_texts", consultation_id=consultation.id))
        if form.validate():
            preview = render_custom_email(form.subject.data, form.body.data, language, context)
            if action == "save":
                save_custom_text(
                    consultation.id,
                    template,
                    language,
                    form.subject.data,
                    form.body.data,
                    current_user.email,
                )
                record_event(
                    SecurityTag.EMAIL_TEXT_CHANGED,
                    target=f"consultation {consultation.id}: {template} ({language})",
                    commit=True,
                )
                flash(_("Saved. New %(title)s emails use this text.", title=kind.title), "success")
                return redirect(url_for(".email_texts", consultation_id=consultation.id))
        else:
            status = 422
    builtin = render_builtin_email(template, language, context)
    return (
        render_template(
            "notifications/edit_text.html",
            consultation=consultation,
            kind=kind,
            language=language,
            form=form,
            existing=existing,
            preview=preview,
            builtin=builtin,
            help=PLACEHOLDER_HELP,
        ),
        status,
    )


@bp.get("/consultations/<int:consultation_id>/emails/<template>/<language>/preview.html")
@admin_required
def preview_html(consultation_id: int, template: str, language: str) -> ResponseReturnValue:
    """The HTML of the built-in or saved text with sample values, for the preview frame."""
    consultation = db.get_or_404(Consultation, consultation_id)
    kind = KINDS.get(template)
    if kind is None or language not in offered_languages():
        abort(404)
    _subject, _text, html = render_email(template, language, _sample_context(consultation, kind))
    return _sandboxed(html)
