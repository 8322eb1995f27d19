"""Whole anonymous public pages, kept per language (the crowd's pages cost a lookup,
not a render).

A signed-out visitor of the home page, a consultation, its programme, its participants
or the blank apply form sees what every other visitor of that language sees: the view
names what its page is made from (`key`: the consultation, the places left, the call's
phase, the LISTINGS stamp where people are listed) and the page is rendered once per
key, language and DATA stamp (consult/cache.py), then served from the process's memory.

Nothing per visitor is kept: a page is kept only for a signed-out GET without flashed
messages and without a query beyond `?lang=`. A page with a form keeps slots for the
visitor's own values (the CSRF token, the form's one-time key) that the view fills in
(`kept_html`); a page without one is answered with an ETag and a Last-Modified, so that
browsers and nginx revalidate it cheaply (`public_page`, 304 Not Modified).

Only the ETag decides a 304. Last-Modified is when this process rendered the page, to
the second: another process may render a newer page within the same second, or one
that changed with the clock (the call opening) with an older date, so
If-Modified-Since alone is answered with the whole page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Response, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user

from consult.cache import DATA, kept, stamp
from consult.extensions import db

PAGES = "page"  # (the name of kept pages in the process's cache)


@dataclass(frozen=True)
class Kept:
    html: str
    etag: str
    rendered_at: datetime


def _keepable() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not current_user.is_authenticated
        and "_flashes" not in session
        and set(request.args) <= {"lang"}
        and not db.session.info.get("cache_bypass")
    )


def _kept(key: tuple, render: Callable[[], str]) -> Kept | None:
    """The kept page for `key` in this language, rendered now if need be; None when
    this request's page must not be kept (it is then rendered by the caller)."""
    if not _keepable():
        return None
    page = (request.endpoint, *key, str(get_locale()))

    def make() -> Kept:
        version = repr((page, stamp(DATA))).encode()
        etag = hashlib.blake2b(version, digest_size=12).hexdigest()
        return Kept(render(), etag, datetime.now(UTC).replace(microsecond=0))

    # In the process's cache, under the DATA stamp like everything kept (consult/cache.py).
    return kept(PAGES, page, make)


def kept_html(key: tuple, render: Callable[[], str]) -> str:
    """The page's HTML (kept when it may be): for pages with slots the view fills."""
    hit = _kept(key, render)
    return render() if hit is None else hit.html


def public_page(key: tuple, render: Callable[[], str]) -> Response | Any:
    """The page as a response that browsers and proxies may revalidate (ETag,
    Last-Modified; 304 when theirs is current), kept when it may be."""
    hit = _kept(key, render)
    if hit is None:
        return render()
    not_modified = request.if_none_match.contains(hit.etag)
    response = make_response("" if not_modified else hit.html, 304 if not_modified else 200)
    response.set_etag(hit.etag)
    response.last_modified = hit.rendered_at
    # Revalidate every time (the data may change any moment); per language and session.
    response.cache_control.no_cache = True
    response.vary.update(("Accept-Language", "Cookie"))
    return response
