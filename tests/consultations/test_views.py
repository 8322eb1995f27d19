"""Public consultation pages."""

from __future__ import annotations

from datetime import timedelta

from consult.enums import ConsultationState, Role
from tests.factories import make_consultation, submit, verify
from tests.queries import count_queries


def test_home_lists_public_consultations_but_not_drafts(client, ctx):
    make_consultation(title="Open one")
    make_consultation(title="Closed one", state=ConsultationState.CLOSED)
    make_consultation(title="Draft one", state=ConsultationState.DRAFT)
    html = client.get("/").text
    assert "Open one" in html and "Closed one" in html
    assert "Draft one" not in html
    assert "Open until" in html and "Closed" in html


def test_home_says_so_when_nothing_is_open(client, ctx):
    assert "No consultation is open at the moment." in client.get("/").text


def test_home_runs_a_fixed_number_of_queries(app, client, ctx):
    make_consultation()
    with count_queries(app) as one:
        client.get("/")
    for _ in range(5):
        make_consultation()
    with count_queries(app) as six:
        client.get("/")
    assert len(six) == len(one) <= 3


def test_consultation_page_shows_roles_places_left_and_categories(client, ctx):
    consultation = make_consultation(slug="geneva", capacities={Role.ATTENDEE: 2})
    _a, raw = submit(consultation, Role.ATTENDEE)
    verify(raw)  # confirmed: takes one of two places
    html = client.get("/c/geneva").text
    assert consultation.title in html
    assert "Second paragraph.</p>" in html
    assert "Keynote speaker" in html and "Panelist" in html and "Attendee" in html
    assert "<td>2</td>\n        <td>1</td>" in html  # attendee: 2 places, 1 left
    for name in ("Government", "International organization", "Civil society", "Private sector"):
        assert name in html
    assert "Academic and technical community" not in html
    assert 'href="/c/geneva/apply"' in html


def test_consultation_page_runs_a_fixed_number_of_queries(app, client, ctx):
    consultation = make_consultation(slug="geneva")
    client.get("/c/geneva")  # loads the consultation into the process's cache
    with count_queries(app) as before:
        client.get("/c/geneva")
    for role in Role:
        for _ in range(3):
            verify(submit(consultation, role)[1])
    with count_queries(app) as after:
        client.get("/c/geneva")
    assert len(after) == len(before) <= 2  # the cache stamp, the places taken


def test_closed_consultation_page_has_no_apply_button(client, ctx):
    make_consultation(slug="past", opens_in=timedelta(days=-20), closes_in=timedelta(days=-1))
    html = client.get("/c/past").text
    assert "Closed on" in html
    assert "/c/past/apply" not in html


def test_unknown_consultation_is_404_with_a_helpful_page(client, ctx):
    response = client.get("/c/nope")
    assert response.status_code == 404
    assert "There is no page at this address" in response.text
