"""Whole anonymous public pages kept per language (consult/pages.py): rendered once and
served from memory, revalidated with ETag / Last-Modified, never holding anything of
one visitor, and always following what they show -- a change of the consultation, of
the places left, of who is listed, of the call's phase -- in this process and in
another."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import template_rendered

from consult.applications.services import (
    Decision,
    confirm_participation,
    decide_application,
    set_public_listing,
)
from consult.cache import LISTINGS, stamp
from consult.database import transaction, utcnow
from consult.enums import Role
from consult.extensions import db
from consult.programme.services import place_speaker, publish, set_participants_public
from tests.applications.test_views import form_data
from tests.conftest import csrf_token, login
from tests.factories import make_consultation, submit, under_review, verify
from tests.programme.test_programme import make_session

PAGES = ("/", "/c/geneva", "/c/geneva/programme", "/c/geneva/participants")


@pytest.fixture
def consultation(ctx):
    consultation = make_consultation(slug="geneva", title="Financing ICT4D")
    publish(consultation, True)
    set_participants_public(consultation, True)
    return consultation


@contextmanager
def renders(app):
    """The templates rendered meanwhile (their names)."""
    names: list[str] = []

    def record(_sender, template, context, **_extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def confirmed_speaker(consultation, admin, name: str, *, placed_in=None):
    application, _raw = under_review(consultation, full_name=name, list_publicly=True)
    decide_application(application, Decision.ACCEPT, by=admin, expected_version=2)
    confirm_participation(application, expected_version=3)
    if placed_in is not None:
        place_speaker(application, placed_in, by=admin, expected_version=application.version)
    return application


@pytest.mark.parametrize("path", PAGES + ("/c/geneva/apply",))
def test_a_public_page_is_rendered_once_per_language(app, consultation, path):
    first, second = app.test_client(), app.test_client()
    with renders(app) as made:
        assert first.get(path).status_code == 200
    assert made  # rendered for the first visitor ...
    with renders(app) as made:
        assert second.get(path).status_code == 200
    assert made == []  # ... and kept for the next
    with renders(app) as made:
        french = second.get(path + "?lang=fr")
    assert made  # another language: another page
    assert 'lang="fr"' in french.text
    with renders(app) as made:
        assert 'lang="fr"' in app.test_client().get(path, headers={"Accept-Language": "fr"}).text
    assert made == []


@pytest.mark.parametrize("path", PAGES)
def test_browsers_and_nginx_revalidate_with_an_etag(app, consultation, path):
    client = app.test_client()
    page = client.get(path)
    etag, modified = page.headers["ETag"], page.headers["Last-Modified"]
    assert "no-cache" in page.headers["Cache-Control"]
    assert {"Cookie", "Accept-Language"} <= set(page.headers["Vary"].replace(" ", "").split(","))
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    # The date alone proves nothing (a newer page may carry the same second).
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 200
    with transaction():
        consultation.title = "Financing digital development"
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Financing digital development" in changed.text
    # Another language is another page.
    assert client.get(path + "?lang=fr").headers["ETag"] != changed.headers["ETag"]


def test_the_apply_form_is_not_revalidated(app, consultation):
    """It holds the visitor's own CSRF token and one-time form key: no ETag, and each
    visitor gets their own even from the kept page."""
    first, second = app.test_client(), app.test_client()
    one, two = first.get("/c/geneva/apply"), second.get("/c/geneva/apply")
    assert "ETag" not in one.headers
    assert csrf_token(one.text) != csrf_token(two.text)
    keys = [page.text.split('name="form_key"')[0].rsplit('value="', 1)[-1] for page in (one, two)]
    assert keys[0] != keys[1]
    assert first.post("/c/geneva/apply", data=form_data(one.text)).status_code == 302


def test_nothing_of_one_visitor_is_kept_for_another(app, consultation, admin):
    staff = app.test_client()
    login(staff, admin.email)
    assert admin.name in staff.get("/c/geneva").text  # signed in: their own page
    visitor = app.test_client()
    assert admin.name not in visitor.get("/c/geneva").text
    assert "Sign out" not in visitor.get("/").text
    # A page with a flashed message is that visitor's own.
    with visitor.session_transaction() as session:
        session["_flashes"] = [("success", "A message for one visitor")]
    assert "A message for one visitor" in visitor.get("/c/geneva").text
    assert "A message for one visitor" not in app.test_client().get("/c/geneva").text
    assert "A message for one visitor" not in visitor.get("/c/geneva").text  # shown once
    # Any query but ?lang= is rendered, not kept (its keys are the visitor's to choose).
    with renders(app) as made:
        app.test_client().get("/c/geneva?utm_source=newsletter")
        app.test_client().get("/c/geneva?utm_source=newsletter")
    assert len(made) == 2


def test_kept_pages_follow_the_consultation_in_every_process(app, client, other, consultation):
    for c in (client, other):
        for path in PAGES:
            assert "Financing ICT4D" in c.get(path).text
    with transaction():
        consultation.title = "Financing digital development"
    for c in (client, other):
        for path in PAGES:
            page = c.get(path).text
            assert "Financing digital development" in page and "Financing ICT4D" not in page


def test_the_places_left_follow_each_application(app, client, other, consultation):
    """Attendees are first come, first served: each one takes a place, which the
    consultation page shows (without the stamp being raised by it)."""

    def places_left(page: str) -> str:
        row = page.split("attendee description")[1]
        return row.split("<td>")[2].split("</td>")[0].strip()

    assert places_left(other.get("/c/geneva").text) == "3"
    _application, raw = submit(consultation, Role.ATTENDEE)
    verify(raw)
    db.session.commit()
    assert places_left(other.get("/c/geneva").text) == "2"
    assert places_left(client.get("/c/geneva").text) == "2"


def test_the_public_lists_follow_who_is_listed(app, client, other, consultation, admin):
    panel = make_session(consultation, admin)
    for c in (client, other):
        for path in PAGES[2:]:
            assert "Ada Lovelace" not in c.get(path).text
    ada = confirmed_speaker(consultation, admin, "Ada Lovelace", placed_in=panel)
    for c in (client, other):
        for path in PAGES[2:]:
            assert "Ada Lovelace" in c.get(path).text
    with transaction():
        panel.title = "Renamed panel"
    assert "Renamed panel" in other.get("/c/geneva/programme").text
    set_public_listing(ada, False, expected_version=ada.version)  # she changes her mind
    for c in (client, other):
        for path in PAGES[2:]:
            assert "Ada Lovelace" not in c.get(path).text


def test_the_crowd_does_not_empty_the_public_lists(app, client, consultation, admin):
    """New, verified and accepted applications are not listed anywhere: the stamp the
    programme and participants pages are kept under stays where it was."""
    before = stamp(LISTINGS)
    page = client.get("/c/geneva/apply")
    assert client.post("/c/geneva/apply", data=form_data(page.text)).status_code == 302
    application, raw = under_review(consultation)
    decide_application(application, Decision.ACCEPT, by=admin, expected_version=2)
    assert stamp(LISTINGS) == before
    confirm_participation(application, expected_version=3)
    assert stamp(LISTINGS) == before + 1


def test_the_call_opening_shows_without_any_change_of_data(app, ctx, monkeypatch):
    """A page kept before the call opened is not shown once it has opened."""
    make_consultation(slug="later", opens_in=timedelta(hours=1))
    client = app.test_client()
    for path in ("/", "/c/later"):
        assert "Open from" in client.get(path).text
    an_hour_later = utcnow() + timedelta(hours=1, minutes=1)
    monkeypatch.setattr("consult.consultations.views.utcnow", lambda: an_hour_later)
    for path in ("/", "/c/later"):
        page = client.get(path).text
        assert "Open until" in page and "Open from" not in page
    assert "Apply to take part" in client.get("/c/later").text
