"""The web edge the whole app shares, registered by create_app: template filters and
globals of the shared ground, error pages, health checks, security headers and the
staff member's language. Features register their own blueprints, commands and template
globals (their `feature.init_app`)."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from flask import Flask, Response, current_app, request
from flask_babel import format_decimal, format_percent, format_timedelta, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from jinja2 import pass_context
from markupsafe import Markup
from sqlalchemy import text
from werkzeug.exceptions import HTTPException, InternalServerError

from consult import ratelimits
from consult.enums import gender_label
from consult.errors import DomainError
from consult.extensions import db
from consult.http import IdConverter, TextConverter, render_error, status_for
from consult.i18n import (
    NATIVE_NAMES,
    country_name,
    html_lang,
    install_template_gettext,
    locale_display_name,
    offered_languages,
    text_direction,
)
from consult.logs import register_log_redaction
from consult.regions import region_of
from consult.security.models import SecurityTag
from consult.security.services import record_event
from consult.text import local_date, local_datetime, local_time, paragraphs

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'"
)


@pass_context
def page_has_errors(context) -> bool:
    """Whether any form on the page shows an error (its <title> then starts "Error:").
    Read from the fields themselves: errors added after validation count too."""
    return any(
        isinstance(value, FlaskForm)
        and (bool(getattr(value, "form_errors", None)) or any(_field_errors(f) for f in value))
        for value in context.values()
    )


def _field_errors(field) -> bool:
    if field.type == "FieldList":
        return any(_field_errors(sub) for entry in field for sub in entry.form)
    return bool(field.errors)


def switch_language_url(code: str) -> str:
    """This page (a GET of the same address and query) in another language."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return request.path + "?" + urlencode(args, doseq=True)


def register_converters(app: Flask) -> None:
    """Before any blueprint: every `<int:...>` route gets the bounded converter."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter


def register_web(app: Flask) -> None:
    """Everything of the web edge that is not a feature's own."""
    register_log_redaction()
    register_template_helpers(app)
    register_health_checks(app)
    register_error_pages(app)
    app.before_request(remember_staff_language)
    app.after_request(security_headers)


def register_template_helpers(app: Flask) -> None:
    install_template_gettext(app)
    env = app.jinja_env
    env.filters["local_datetime"] = local_datetime
    env.filters["paragraphs"] = paragraphs
    env.filters["local_time"] = local_time
    env.filters["local_date"] = local_date
    # A person's name or address inside text in another script keeps its own direction.
    env.filters["bdi"] = lambda value: Markup("<bdi>{}</bdi>").format(value)
    # The same where no markup can go (a page's <title>, an attribute): Unicode's
    # first-strong isolate ... pop directional isolate.
    env.filters["isolate"] = lambda value: f"\u2068{value}\u2069" if value else value
    env.filters["decimal1"] = lambda value: format_decimal(value, format="0.0")
    # A score: "4", "3.67" (a weighted mean), in the reader's digits and separator.
    env.filters["score"] = lambda value: format_decimal(value, format="0.##")
    env.filters["percent"] = format_percent
    # "5 minutes", "2 hours" in the current locale (flask_babel.format_timedelta).
    env.filters["duration"] = lambda value: format_timedelta(value, threshold=1.5)
    env.globals["country_name"] = lambda code: country_name(code, str(get_locale()))
    env.globals["current_locale"] = lambda: str(get_locale())
    env.globals["language_name"] = lambda code: locale_display_name(code, str(get_locale()))
    env.globals["gender_label"] = gender_label
    env.globals["region_of"] = region_of
    env.globals["html_lang"] = html_lang
    env.globals["text_direction"] = text_direction
    env.globals["offered_languages"] = offered_languages
    env.globals["native_names"] = NATIVE_NAMES
    env.globals["switch_language_url"] = switch_language_url
    env.globals["page_has_errors"] = page_has_errors
    env.trim_blocks = True
    env.lstrip_blocks = True


def register_health_checks(app: Flask) -> None:
    @app.get("/healthz")
    def healthz() -> dict:
        """Liveness: the process answers (no database involved)."""
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> tuple[dict, int]:
        """Readiness: the database answers; 503 otherwise (a load balancer then sends
        traffic elsewhere)."""
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:  # any database failure means "not ready"
            db.session.rollback()
            return {"status": "database unavailable"}, 503
        if ratelimits.degraded():  # still ready: limits hold, per process
            return {"status": "degraded", "rate_limits": "counted per process"}, 200
        return {"status": "ok"}, 200


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        db.session.rollback()
        record_event(
            SecurityTag.CSRF_FAILED,
            target=request.path[:300],
            detail=str(error.description)[:200],
            commit=True,
        )
        return render_error(
            400,
            _(
                "This form had expired or was not sent from this site, so nothing was saved. "
                "Please go back, reload the page and send it again."
            ),
        )

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> tuple[str, int]:
        """A refusal no view turned into a message beside a field: its own page, with
        the status of its kind (consult.http.status_for)."""
        db.session.rollback()
        return render_error(status_for(error), error.message)

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError) -> tuple[str, int]:
        """A failure nobody foresaw: a generic page with a reference the person can
        quote, and the same reference in the log beside the traceback (ASVS 7.4.1)."""
        db.session.rollback()
        reference = secrets.token_hex(4)
        app.logger.error("Error reference %s (the exception is logged above)", reference)
        return render_error(
            500,
            _(
                "Please try again. If it happens again, contact the secretariat and quote "
                "the reference %(reference)s.",
                reference=reference,
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> HTTPException | tuple[str, int]:
        if error.code is None or error.code < 400 or request.path.startswith("/static/"):
            return error  # redirects (e.g. a missing trailing slash) and static files
        if error.code == 403:
            db.session.rollback()
            record_event(SecurityTag.FORBIDDEN, target=request.path[:300], commit=True)
        return render_error(error.code or 500, error.description if error.code != 404 else None)


def remember_staff_language() -> None:
    """A staff member's language choice follows them to their next sign-in -- the
    choice made with the switcher on a secretariat page; a public page opened in
    another language (previewing the Arabic programme, say) is for that visit only."""
    asked = request.args.get("lang")
    if (
        asked
        and request.path.startswith("/secretariat/")
        and current_user.is_authenticated
        and asked in offered_languages()
        and current_user.language != asked
    ):
        current_user.language = asked
        db.session.commit()


def security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    # Private links carry their token in the path: never leak it in a Referer.
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if request.path.startswith("/secretariat"):
        # Every secretariat page shows personal data: never kept by a browser or
        # proxy cache (a shared computer's Back button shows nothing).
        response.headers["Cache-Control"] = "no-store"
    hsts = current_app.config.get("HSTS_SECONDS")
    if hsts:
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={int(hsts)}; includeSubDomains"
        )
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response
