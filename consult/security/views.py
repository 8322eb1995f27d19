"""The security log, for admins."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from consult.access import admin_required
from consult.http import arg_id, newest_first_page
from consult.security.models import SecurityTag
from consult.security.services import security_events

bp = Blueprint("security", __name__, url_prefix="/secretariat")

PAGE_SIZE = 100


@bp.get("/security-log")
@admin_required
def log() -> ResponseReturnValue:
    tag = request.args.get("tag")
    tag = tag if tag in {t.value for t in SecurityTag} else None
    events, next_before = newest_first_page(
        security_events(tag=tag, before=arg_id("before"), limit=PAGE_SIZE + 1), PAGE_SIZE
    )
    return render_template(
        "security/log.html",
        events=events,
        tag=tag,
        tags=list(SecurityTag),
        next_before=next_before,
    )
