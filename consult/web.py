"""Cross-cutting web concerns: error pages, security headers, template helpers."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date, format_time
from flask import Flask, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from consult.database import utc_to_local
from consult.i18n import country_name

ERROR_TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    409: "Conflict",
    410: "No longer available",
    413: "Too much data",
    422: "Please correct the form",
    429: "Too many requests",
    500: "Something went wrong",
}


def local_datetime(value: datetime | None, tz: str = "Europe/Zurich", fmt: str = "long") -> str:
    """A naive-UTC timestamp shown in `tz` for the current locale, e.g.
    "Thursday, January 28, 2027, 10:00 AM CET" (long) or "Jan 28, 2027, 10:00 AM CET"."""
    if value is None:
        return ""
    aware = utc_to_local(value, tz)
    locale = str(get_locale())
    day = format_date(aware, format="full" if fmt == "long" else "medium", locale=locale)
    time = format_time(aware, format="short", locale=locale)
    return f"{day}, {time} {aware.tzname()}"


def paragraphs(text: str) -> Markup:
    """Plain text with blank-line-separated paragraphs, escaped, as <p> elements."""
    blocks = [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n\n")]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in b.split("\n")))
        for b in blocks
        if b
    )


def render_error(status: int, message: str | None = None):
    title = _(ERROR_TITLES.get(status, "Error"))
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register_web(app: Flask) -> None:
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.globals["country_name"] = lambda code: country_name(code, str(get_locale()))
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

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
        return render_error(error.code or 500, error.description if error.code != 404 else None)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # Private links carry their token in the path: never leak it in a Referer.
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        )
        return response
