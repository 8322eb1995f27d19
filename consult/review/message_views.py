"""Email a group from the queue: write, preview, send."""

from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import ngettext
from flask_login import current_user

from consult.access import admin_required
from consult.http import parse_id, selected_ids, status_for
from consult.i18n import offered_languages
from consult.review.forms import group_message_form
from consult.review.messages import (
    FALLBACK,
    GroupChanged,
    MessageError,
    Recipients,
    already_sent,
    preview,
    send,
)
from consult.review.views import queue_filter_from_request

bp = Blueprint("messages", __name__, url_prefix="/secretariat")


@bp.route("/applications/email", methods=["GET", "POST"])
@admin_required
def compose() -> ResponseReturnValue:
    """The page that writes to the applicants of the queue's filter (GET, or POST from
    the queue with a selection), previews each language's email, then sends."""
    _form, queue_filter, consultation = queue_filter_from_request()
    back = url_for("review.queue") + "?" + request.query_string.decode()
    if queue_filter is None:
        return redirect(back)
    # (the ids picked in the queue, or carried by the compose form)
    recipients = Recipients(queue_filter, tuple(sorted(selected_ids())))
    counts = recipients.by_language()
    languages = [FALLBACK] + [
        code for code in offered_languages() if code != FALLBACK and counts.get(code)
    ]
    composing = "nonce" in request.form
    form = group_message_form(languages, formdata=request.form if composing else None)
    if not composing:
        form.selected.data = ",".join(map(str, recipients.selected))
        form.nonce.data = secrets.token_urlsafe(16)
    shown, status = None, 200
    if composing and form.validate_on_submit():
        try:
            if request.form.get("action") == "send":
                sent = send(
                    recipients,
                    form.texts(),
                    by=current_user,
                    nonce=form.nonce.data,
                    previewed=parse_id(form.previewed.data) or 0,
                )
                flash(
                    ngettext(
                        "Your message is on its way to %(num)d person (the outbox sends it).",
                        "Your message is on its way to %(num)d people (the outbox sends it).",
                        sent,
                    ),
                    "success",
                )
                return redirect(back)
            shown = preview(recipients, form.texts())
            form.previewed.data = str(sum(p.count for p in shown))
        except MessageError as error:
            form[error.field].errors.append(error.message)
            status = status_for(error)
        except GroupChanged as error:
            flash(error.message, "error")
            status = status_for(error)
            if not already_sent(form.nonce.data):
                shown = preview(recipients, form.texts())
                form.previewed.data = str(sum(p.count for p in shown))
    elif composing:
        status = 422
    return (
        render_template(
            "review/group_message.html",
            consultation=consultation,
            form=form,
            counts=counts,
            total=sum(counts.values()),
            selected=bool(recipients.selected),
            shown=shown,
            back=back,
        ),
        status,
    )
