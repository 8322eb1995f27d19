"""Cross-cutting web concerns: error pages, security headers, template helpers."""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_date, format_time
from flask import Flask, render_template, request
from flask_babel import format_decimal, format_timedelta, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from jinja2 import pass_context
from markupsafe import Markup, escape
from sqlalchemy import text
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, UnicodeConverter

from consult.applications.tokens import mask_token
from consult.database import utc_to_local
from consult.enums import gender_label
from consult.extensions import db
from consult.i18n import (
    NATIVE_NAMES,
    country_name,
    html_lang,
    locale_display_name,
    offered_languages,
    text_direction,
)
from consult.review.regions import region_of
from consult.security.models import security_tag_label

ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    410: _l("No longer available"),
    413: _l("Too much data"),
    422: _l("Please correct the form"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}


def local_datetime(value: datetime | None, tz: str = "Europe/Zurich", fmt: str = "long") -> str:
    """A naive-UTC timestamp shown in `tz` for the current locale, e.g.
    "Thursday, January 28, 2027, 10:00 AM CET" (long) or "Jan 28, 2027, 10:00 AM CET"."""
    if value is None:
        return ""
    aware = utc_to_local(value, tz)
    locale = Locale.parse(str(get_locale()))
    day = format_date(aware, format="full" if fmt == "long" else "medium", locale=locale)
    time = format_time(aware, format="short", locale=locale)
    # The locale's own way to join a date and a time ("{1}, {0}", "{1} {0}", ...).
    pattern = str(locale.datetime_formats["medium"])
    return pattern.replace("{1}", day).replace("{0}", f"{time} {aware.tzname()}")


def local_date(value: datetime | None, tz: str = "Europe/Zurich") -> str:
    """The day only ("Thursday, 28 January 2027"), in `tz`, for the current locale."""
    if value is None:
        return ""
    return format_date(utc_to_local(value, tz), format="full", locale=str(get_locale()))


def local_time(value: datetime | None, tz: str = "Europe/Zurich") -> str:
    """The time of day only ("11:30", "11:30 AM"), in `tz`, for the current locale."""
    if value is None:
        return ""
    return format_time(utc_to_local(value, tz), format="short", locale=str(get_locale()))


def paragraphs(text: str) -> Markup:
    """Plain text with blank-line-separated paragraphs, escaped, as <p> elements."""
    blocks = [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n\n")]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in b.split("\n")))
        for b in blocks
        if b
    )


def render_error(status: int, message: str | None = None):
    title = str(ERROR_TITLES.get(status, _l("Error")))
    return render_template("errors/error.html", status=status, title=title, message=message), status


# Row ids are 32-bit integers on PostgreSQL: anything outside is no row, not an error.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a positive id that fits the database's integer, else
    the route does not match (404) instead of failing in the database."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


class TextConverter(UnicodeConverter):
    """`<slug>`, `<token>`, ...: no control characters (NUL cannot reach the database)
    and at most 200 characters, else the route does not match (404)."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, *args, **kwargs)
        self.regex = "[^/\x00-\x1f\x7f-\x9f]{1,200}"


def arg_id(name: str) -> int | None:
    """A query-string id (?before=123): None when missing or not a valid id."""
    value = request.args.get(name, "")
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


class RedactPrivateLinks(logging.Filter):
    """Request logs (werkzeug's, gunicorn's access log) show /a/[private-link] instead
    of an applicant's token: a log file must not let anyone act as an applicant."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/a/" in message:
            record.msg = mask_token(message)
            record.args = ()
        return True


def register_log_redaction() -> None:
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactPrivateLinks) for f in logger.filters):
            logger.addFilter(RedactPrivateLinks())


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


def newest_first_page(rows: list, size: int) -> tuple[list, int | None]:
    """Rows fetched newest first with `size + 1` as the limit: the page, and the id to
    pass as ?before= for the next (older) page, or None on the last page."""
    page = rows[:size]
    return page, (page[-1].id if page and len(rows) > size else None)


def register_converters(app: Flask) -> None:
    """Before any blueprint: every `<int:...>` route gets the bounded converter."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter


def register_web(app: Flask) -> None:
    register_log_redaction()
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_date"] = local_date
    # A person's name or address inside text in another script keeps its own direction.
    app.jinja_env.filters["bdi"] = lambda value: Markup("<bdi>{}</bdi>").format(value)
    app.jinja_env.filters["decimal1"] = lambda value: format_decimal(value, format="0.0")
    # "5 minutes", "2 hours" in the current locale (flask_babel.format_timedelta).
    app.jinja_env.filters["duration"] = lambda value: format_timedelta(value, threshold=1.5)
    app.jinja_env.globals["country_name"] = lambda code: country_name(code, str(get_locale()))
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.jinja_env.globals["language_name"] = lambda code: locale_display_name(
        code, str(get_locale())
    )
    app.jinja_env.globals["gender_label"] = gender_label
    app.jinja_env.globals["region_of"] = region_of
    app.jinja_env.globals["security_tag_label"] = security_tag_label
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.globals["text_direction"] = text_direction
    app.jinja_env.globals["offered_languages"] = offered_languages
    app.jinja_env.globals["native_names"] = NATIVE_NAMES
    app.jinja_env.globals["switch_language_url"] = switch_language_url
    app.jinja_env.globals["page_has_errors"] = page_has_errors
    from consult.consultations.content import localized

    # {{ t(consultation, 'title') }}: the admin's text in the page's language, or the
    # English one inside lang="en" (consult.consultations.content).
    app.jinja_env.globals["t"] = localized
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.get("/healthz")
    def healthz():
        """Liveness: the process answers (no database involved)."""
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz():
        """Readiness: the database answers; 503 otherwise (a load balancer then sends
        traffic elsewhere)."""
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:  # any database failure means "not ready"
            db.session.rollback()
            return {"status": "database unavailable"}, 503
        return {"status": "ok"}

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            _(
                "This form had expired or was not sent from this site, so nothing was saved. "
                "Please go back, reload the page and send it again."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400 or request.path.startswith("/static/"):
            return error  # redirects (e.g. a missing trailing slash) and static files
        if error.code == 403:
            from consult.security.models import SecurityTag
            from consult.security.services import record_event

            db.session.rollback()
            record_event(SecurityTag.FORBIDDEN, target=request.path[:300], commit=True)
        return render_error(error.code or 500, error.description if error.code != 404 else None)

    @app.before_request
    def remember_staff_language():
        """A staff member's language choice follows them to their next sign-in."""
        asked = request.args.get("lang")
        if (
            asked
            and current_user.is_authenticated
            and asked in offered_languages()
            and current_user.language != asked
        ):
            current_user.language = asked
            db.session.commit()

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # Private links carry their token in the path: never leak it in a Referer.
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if request.path.startswith("/secretariat"):
            # Every secretariat page shows personal data: never kept by a browser or
            # proxy cache (a shared computer's Back button shows nothing).
            response.headers["Cache-Control"] = "no-store"
        if app.config.get("HSTS_SECONDS"):
            response.headers.setdefault(
                "Strict-Transport-Security",
                f"max-age={int(app.config['HSTS_SECONDS'])}; includeSubDomains",
            )
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        )
        return response
