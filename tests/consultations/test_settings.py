"""Admins edit a consultation's settings and create new consultations."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.consultations.services import (
    ConsultationSettings,
    OfferSettings,
    SettingsError,
    save_consultation,
)
from consult.enums import ConsultationState, Role
from consult.extensions import db
from tests.factories import make_consultation, under_review
from tests.settings import is_postgres


def settings_of(consultation: Consultation) -> ConsultationSettings:
    return ConsultationSettings(
        title=consultation.title,
        slug=consultation.slug,
        reference_prefix=consultation.reference_prefix,
        description=consultation.description,
        venue=consultation.venue,
        timezone=consultation.timezone,
        starts_at=consultation.starts_at,
        ends_at=consultation.ends_at,
        applications_open_at=consultation.applications_open_at,
        applications_close_at=consultation.applications_close_at,
        state=consultation.state,
        category_ids=[c.id for c in consultation.categories],
        offers=[
            OfferSettings(o.role, o.capacity, o.needs_review, o.confirm_by, o.description)
            for o in consultation.offers
        ],
    )


def form_of(html: str) -> dict:
    """The settings form's fields as a browser would send them."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                data.setdefault(name.group(1), []).append(value.group(1) if value else "y")
            continue
        data[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = body.strip()
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(r'<option selected value="([^"]*)"', body) or re.search(
            r'<option value="([^"]*)" selected', body
        )
        data[name] = selected.group(1) if selected else ""
    return data


def test_settings_page_saves_changes(admin_client, ctx):
    consultation = make_consultation(slug="geneva")
    url = f"/secretariat/consultations/{consultation.id}/settings"
    page = admin_client.get(url)
    assert page.status_code == 200
    data = form_of(page.text)
    assert data["slug"] == "geneva" and data["timezone"] == "Europe/Zurich"
    data.update(
        {
            "title": "Renamed consultation",
            "offers-1-capacity": "7",
            "applications_close_at": "2031-01-10T18:00",
        }
    )
    response = admin_client.post(url, data=data)
    assert response.status_code == 302, response.text
    db.session.expire_all()
    saved = db.session.get(Consultation, consultation.id)
    assert saved.title == "Renamed consultation"
    assert saved.offer_for(Role.PANELIST).capacity == 7
    # 18:00 in Geneva in January is 17:00 UTC.
    assert saved.applications_close_at.isoformat() == "2031-01-10T17:00:00"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at": "2000-01-01T10:00"}, "ends_at", "must not be before the start"),
        (
            {"applications_close_at": "2000-01-01T10:00"},
            "applications_close_at",
            "must be after the opening",
        ),
        ({"offers-0-capacity": "-1"}, "offers-0-capacity", "from 0 to 100,000"),
        ({"offers-0-capacity": ""}, "offers-0-capacity", "Give the number of places."),
        ({"slug": "Not A Slug"}, "slug", "lower-case letters"),
        ({"title": ""}, "title", "Give a title."),
        ({"reference_prefix": "f1"}, "reference_prefix", "capital letters"),
    ],
)
def test_bad_settings_are_reported_beside_the_field(admin_client, ctx, changes, field, message):
    consultation = make_consultation()
    url = f"/secretariat/consultations/{consultation.id}/settings"
    data = form_of(admin_client.get(url).text)
    data.update(changes)
    response = admin_client.post(url, data=data)
    assert response.status_code == 422
    error = re.search(rf'id="{field}-error">(.*?)</p>', response.text, re.S)
    assert error and message in error.group(1)
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).title == consultation.title


def test_capacity_cannot_go_below_places_taken(admin_client, ctx, admin):
    from consult.applications.services import Decision, decide_application

    consultation = make_consultation()
    for _ in range(2):
        application, _ = under_review(consultation)
        decide_application(
            application, Decision.ACCEPT, by=admin, expected_version=application.version
        )
    url = f"/secretariat/consultations/{consultation.id}/settings"
    data = form_of(admin_client.get(url).text)
    data["offers-1-capacity"] = "1"
    response = admin_client.post(url, data=data)
    assert response.status_code == 409
    assert "2 places are already taken" in response.text


def test_new_consultation(admin_client, ctx):
    make_consultation(slug="first")
    page = admin_client.get("/secretariat/consultations/new")
    data = form_of(page.text)
    assert data["state"] == "draft"
    data.update({"title": "Second consultation", "slug": "second", "reference_prefix": "SC"})
    response = admin_client.post("/secretariat/consultations/new", data=data)
    assert response.status_code == 302, response.text
    created = db.session.execute(
        select(Consultation).where(Consultation.slug == "second")
    ).scalar_one()
    assert created.state == ConsultationState.DRAFT
    assert [o.role for o in created.offers] == list(Role)
    assert len(created.categories) == 4
    manage = admin_client.get("/secretariat/consultations").text
    assert "Second consultation" in manage


def test_slug_and_prefix_must_be_unique(ctx):
    first = make_consultation(slug="taken")
    second = make_consultation()
    wanted = settings_of(second)
    wanted.slug = "taken"
    with pytest.raises(SettingsError) as error:
        save_consultation(second, wanted)
    assert error.value.field == "slug"
    wanted = settings_of(second)
    wanted.reference_prefix = first.reference_prefix
    # make_consultation gives every consultation the prefix FM: change the first's.
    first_settings = settings_of(first)
    first_settings.reference_prefix = "AB"
    save_consultation(first, first_settings)
    wanted.reference_prefix = "AB"
    with pytest.raises(SettingsError) as error:
        save_consultation(second, wanted)
    assert error.value.field == "reference_prefix"


def test_tampered_offer_list_is_refused(admin_client, ctx):
    consultation = make_consultation()
    url = f"/secretariat/consultations/{consultation.id}/settings"
    data = form_of(admin_client.get(url).text)
    data["offers-2-role"] = "keynote"
    assert admin_client.post(url, data=data).status_code == 400


@pytest.mark.skipif(not is_postgres(), reason="needs concurrent connections to PostgreSQL")
def test_lowering_a_capacity_while_applicants_verify_never_overbooks(app, ctx):
    """An admin lowers the attendee capacity from 5 to 3 while two applicants confirm
    their addresses at the same moment: whichever goes first, places taken never exceed
    the capacity (the offers are locked before places are counted)."""
    from consult.applications.places import places_taken_by_role
    from tests.factories import submit, verify

    for round_number in range(5):
        consultation = make_consultation(capacities={Role.ATTENDEE: 5})
        consultation.reference_prefix = f"R{'ABCDE'[round_number]}"  # references are unique
        db.session.commit()
        for _ in range(3):
            verify(submit(consultation, Role.ATTENDEE)[1])
        tokens = [submit(consultation, Role.ATTENDEE)[1] for _ in range(2)]
        wanted = settings_of(consultation)
        for offer in wanted.offers:
            if offer.role == Role.ATTENDEE:
                offer.capacity = 3
        errors = _race(app, consultation.id, tokens, wanted)
        db.session.expire_all()
        fresh = db.session.get(Consultation, consultation.id)
        capacity = fresh.offer_for(Role.ATTENDEE).capacity
        taken = places_taken_by_role(fresh).get(Role.ATTENDEE, 0)
        assert taken <= capacity
        assert capacity == (5 if errors else 3)


def _race(app, consultation_id: int, tokens: list[str], wanted) -> list:
    """Two applicants confirm their addresses while an admin saves `wanted`, all three
    released at once; returns the admin's SettingsErrors."""
    import threading

    from consult.applications.services import verify_email_address
    from consult.applications.tokens import find_by_token

    barrier = threading.Barrier(len(tokens) + 1)
    errors = []

    def applicant(raw):
        with app.app_context():
            application = find_by_token(raw)
            barrier.wait()
            verify_email_address(application)

    def admin():
        with app.app_context():
            target = db.session.get(Consultation, consultation_id)
            barrier.wait()
            try:
                save_consultation(target, wanted)
            except SettingsError as error:
                errors.append(error)

    threads = [threading.Thread(target=applicant, args=(raw,)) for raw in tokens]
    threads.append(threading.Thread(target=admin))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors
