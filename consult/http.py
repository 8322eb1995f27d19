"""The web edge that every feature's views share: error pages, the one way to read an
id or a version from a request, safe "return to" addresses, CSV downloads and absolute
links for emails. Views use these; services never do (they know nothing of HTTP).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Response, current_app, has_request_context, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter, UnicodeConverter

from consult.errors import Conflict, Forbidden, Gone

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


def render_error(status: int, message: str | None = None) -> tuple[str, int]:
    """The error page for `status`, with an optional message for the person."""
    title = str(ERROR_TITLES.get(status, _l("Error")))
    return render_template("errors/error.html", status=status, title=title, message=message), status


# Row ids (and versions) are 32-bit integers on PostgreSQL: anything outside is no row,
# not an error.
MAX_ID = 2**31 - 1


def parse_id(value: Any) -> int | None:
    """The one way to read an id or a version typed into a URL or form: ASCII digits
    only ("²" and "٣" are digits to str.isdigit, not to int()), 1 to MAX_ID; else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value) > 10:
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def selected_ids(field: str = "selected") -> list[int]:
    """The ids a form's checkboxes picked (the queue's "id:version" boxes, plain ids, or
    ids joined by commas in one hidden field), in order, each once; what is not an id is
    left out."""
    parts = (part for value in request.form.getlist(field) for part in value.split(","))
    ids = (parse_id(part.partition(":")[0]) for part in parts if part)
    return list(dict.fromkeys(i for i in ids if i is not None))


def arg_id(name: str) -> int | None:
    """A query-string id (?before=123): None when missing or not a valid id."""
    return parse_id(request.args.get(name, ""))


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


def newest_first_page(rows: list, size: int) -> tuple[list, int | None]:
    """Rows fetched newest first with `size + 1` as the limit: the page, and the id to
    pass as ?before= for the next (older) page, or None on the last page."""
    page = rows[:size]
    return page, (page[-1].id if page and len(rows) > size else None)


def safe_return(target: str | None, fallback: str, prefix: str = "/secretariat/") -> str:
    """Where a form asks to go back to, if it is a page of ours under `prefix` (never
    another site: no "//" and no scheme), else `fallback`."""
    if target and target.startswith(prefix) and "//" not in target and "\\" not in target:
        return target
    return fallback


def privately(response: Response) -> Response:
    """A private link's answer (a page, a file, a redirect): about one person, so never
    cached and never indexed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def file_download(body: str | bytes | Iterable[str], filename: str, mimetype: str) -> Response:
    """A file to save, not to show (`body` may be a generator, streamed as it comes)."""
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def csv_download(body: str | Iterable[str], filename: str) -> Response:
    """A CSV file to save (UTF-8)."""
    return file_download(body, filename, "text/csv")


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute URL under CONSULT_PUBLIC_URL, for links that leave the site (emails)."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    if has_request_context():
        path = url_for(endpoint, **values)
        script_root = url_for("consultations.home").rstrip("/")
        path = path[len(script_root) :] if script_root else path
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return base + path


def status_for(error: Exception) -> int:
    """The HTTP status of a domain error's kind (consult.errors): the one mapping."""
    from_kinds = ((Forbidden, 403), (Conflict, 409), (Gone, 410))
    return next((status for kind, status in from_kinds if isinstance(error, kind)), 422)
