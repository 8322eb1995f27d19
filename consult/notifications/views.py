"""The secretariat's outbox: every email with its state, a preview, and resend."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.accounts.access import admin_required, secretariat_required
from consult.extensions import db
from consult.notifications.models import OutboxMessage, OutboxState
from consult.notifications.services import NotificationError, resend

bp = Blueprint("notifications", __name__, url_prefix="/secretariat/outbox")

PAGE_SIZE = 50


@bp.get("/")
@secretariat_required
def outbox():
    state = request.args.get("state")
    state = OutboxState(state) if state in {s.value for s in OutboxState} else None
    before = request.args.get("before", type=int)
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(PAGE_SIZE + 1)
    if state is not None:
        query = query.where(OutboxMessage.state == state)
    if before:
        query = query.where(OutboxMessage.id < before)
    rows = list(db.session.execute(query).scalars())
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
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
        counts={s: counts.get(s, 0) for s in OutboxState},
        next_before=rows[-1].id if rows and more else None,
    )


def _message_or_404(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return message


@bp.get("/<int:message_id>")
@secretariat_required
def detail(message_id: int):
    return render_template("notifications/detail.html", message=_message_or_404(message_id))


@bp.get("/<int:message_id>/html")
@secretariat_required
def html_part(message_id: int):
    """The HTML part on its own, sandboxed, for the preview frame on the detail page."""
    message = _message_or_404(message_id)
    response = make_response(message.body_html or "<p>(no HTML part)</p>")
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "frame-ancestors 'self'"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:message_id>/resend")
@admin_required
def resend_message(message_id: int):
    message = _message_or_404(message_id)
    try:
        resend(message)
    except NotificationError as error:
        flash(_(error.message), "error")
    else:
        flash(_("The message to %(to)s is queued again.", to=message.to_address), "success")
    return redirect(url_for(".detail", message_id=message.id))
