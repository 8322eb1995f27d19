"""Alerts for the administrators (ASVS 7.2, 8.1.4): patterns in the security log and in
the traffic that someone should look at -- many failed sign-ins for one account, a burst
of refused requests from one address, many exports by one person. Each raises one
`alert:raised` security event and one email to every active admin, at most once an hour
per subject (the event itself is the once-an-hour mark)."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, current_app, request
from flask_babel import lazy_gettext as _l
from limits import parse
from sqlalchemy import func, select

from consult import ratelimits
from consult.accounts.services import email_admins
from consult.database import utcnow
from consult.extensions import db
from consult.security.models import SecurityEvent, SecurityTag
from consult.security.services import record_event

ALERT_EVERY = timedelta(hours=1)

WHAT = {
    "sign-ins": _l("Many failed sign-ins for one account"),
    "refusals": _l("Many refused requests from one address"),
    "exports": _l("Many exports by one person"),
}


def raise_alert(kind: str, subject: str, detail: str) -> bool:
    """Record and email the alert, unless one was raised for this subject in the last
    hour. In the caller's transaction. Returns whether it was raised."""
    target = f"{kind}: {subject}"[:300]
    now = utcnow()
    if db.session.execute(
        select(SecurityEvent.id).where(
            SecurityEvent.tag == SecurityTag.ALERT.value,
            SecurityEvent.target == target,
            SecurityEvent.created_at >= now - ALERT_EVERY,
        )
    ).first():
        return False
    record_event(SecurityTag.ALERT, actor="system", target=target, detail=detail)
    email_admins(
        "security_alert",
        f"alert:{target}:{now:%Y%m%dT%H}",
        {"what": WHAT[kind], "subject": subject, "when": now},
    )
    return True


# What the log is watched for: tag -> (alert kind, threshold setting).
WATCHED = {
    SecurityTag.SIGNIN_FAILED.value: ("sign-ins", "ALERT_SIGN_IN_FAILURES"),
    SecurityTag.EXPORT.value: ("exports", "ALERT_EXPORTS"),
}


def watch(event: SecurityEvent) -> None:
    """On every security event (`recorded`): count what it belongs to in the last hour
    (failed sign-ins per account, exports per person) and alert over the threshold.
    Addresses typed for no account are not counted (they name nobody to protect)."""
    kind, setting = WATCHED.get(event.tag, (None, None))
    if kind is None or not event.actor or event.actor.startswith("unknown address"):
        return
    if _recent(SecurityTag(event.tag), event.actor) >= current_app.config[setting]:
        raise_alert(kind, event.actor, f"{kind} in the last hour")


def _recent(tag: SecurityTag, actor: str) -> int:
    """Events of `tag` by `actor` in the last hour, the one being added included."""
    with db.session.no_autoflush:
        stored = db.session.execute(
            select(func.count(SecurityEvent.id)).where(
                SecurityEvent.tag == tag.value,
                SecurityEvent.actor == actor,
                SecurityEvent.created_at >= utcnow() - ALERT_EVERY,
            )
        ).scalar_one()
    return stored + 1


def count_refusals(response: Response) -> Response:
    """After every request: a 4xx answer counts against the client's address (in the
    limiter's storage, shared by every web process); over ALERT_CLIENT_ERRORS in ten
    minutes, the admins are alerted."""
    if 400 <= response.status_code < 500 and current_app.config.get("RATELIMIT_ENABLED", True):
        address = request.remote_addr or ""
        item = parse(f"{current_app.config['ALERT_CLIENT_ERRORS']} per 10 minutes")
        if not ratelimits.hit(item, "refusals", address):
            try:
                if raise_alert("refusals", address, f"{response.status_code} answers"):
                    db.session.commit()
            except Exception:  # an alert must never turn a refusal into an error
                db.session.rollback()
                current_app.logger.exception("Could not raise an alert")
    return response
