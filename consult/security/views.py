"""The security log, for admins."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from consult.accounts.access import admin_required
from consult.security.models import SecurityTag
from consult.security.services import security_events
from consult.web import arg_id

bp = Blueprint("security", __name__, url_prefix="/secretariat")

PAGE_SIZE = 100


@bp.get("/security-log")
@admin_required
def log():
    tag = request.args.get("tag")
    tag = tag if tag in {t.value for t in SecurityTag} else None
    events = security_events(tag=tag, before=arg_id("before"), limit=PAGE_SIZE + 1)
    more = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    return render_template(
        "security/log.html",
        events=events,
        tag=tag,
        tags=list(SecurityTag),
        next_before=events[-1].id if events and more else None,
    )
