"""The per-process cache (consult/cache.py): a change made anywhere -- this process,
another process, a plain SQL statement that raises the stamp -- is seen by every
process's next request; nothing is kept from an uncommitted or rolled-back change."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.cache import CacheStamp, stamp
from consult.consultations.content import set_translation
from consult.consultations.models import Organization
from consult.database import transaction
from consult.extensions import db
from consult.notifications.models import OutboxMessage
from consult.notifications.services import save_custom_text
from tests.applications.test_views import form_data
from tests.factories import make_consultation


@pytest.fixture
def consultation(ctx):
    return make_consultation(slug="geneva", title="Financing ICT4D")


def _stamp_value() -> int:
    return db.session.execute(sa.select(CacheStamp.version).where(CacheStamp.id == 1)).scalar_one()


def test_an_edit_in_one_process_is_seen_by_the_next_request_of_another(client, other, consultation):
    for c in (client, other):  # both processes cache the consultation
        assert "Financing ICT4D" in c.get("/c/geneva/apply").text
    before = _stamp_value()
    with transaction():
        consultation.title = "Financing digital development"
    assert _stamp_value() == before + 1
    for c in (client, other):
        page = c.get("/c/geneva/apply").text
        assert "Financing digital development" in page
        assert "Financing ICT4D" not in page


def test_offers_categories_and_organizations_are_invalidated(client, other, consultation):
    assert "UNESCO" in other.get("/c/geneva/apply").text
    with transaction():
        unesco = db.session.execute(
            sa.select(Organization).where(Organization.acronym == "UNESCO")
        ).scalar_one()
        unesco.active = False
        consultation.offers[0].description = "Keynotes open the meeting."
        consultation.categories = consultation.categories[:2]
    page = other.get("/c/geneva/apply").text
    assert "UNESCO" not in page
    assert "Keynotes open the meeting." in page
    assert page.count('name="category"') == 2


def test_translations_and_email_texts_are_invalidated(client, other, consultation):
    assert "Financing ICT4D" in other.get("/c/geneva?lang=fr").text
    with transaction():  # set_translation writes with a plain DELETE: raises the stamp itself
        set_translation(consultation, "title", "fr", "Financer les TIC")
    assert "Financer les TIC" in other.get("/c/geneva?lang=fr").text

    def apply(email):
        data = form_data(other.get("/c/geneva/apply?lang=en").text, email=email)
        assert other.post("/c/geneva/apply", data=data).status_code == 302
        return db.session.execute(
            sa.select(OutboxMessage.subject).where(OutboxMessage.to_address == email)
        ).scalar_one()

    assert apply("first@example.org") != "Our own subject"
    save_custom_text(consultation.id, "verify_email", "en", "Our own subject", "Body {link}", "a")
    assert apply("second@example.org") == "Our own subject"


def test_nothing_is_kept_from_a_rolled_back_change(app, client, consultation):
    assert "Financing ICT4D" in client.get("/c/geneva/apply").text
    before = _stamp_value()
    consultation.title = "Never committed"
    db.session.flush()  # raises the stamp inside the transaction ...
    db.session.rollback()  # ... and the rollback takes it back
    assert _stamp_value() == before
    assert "Financing ICT4D" in client.get("/c/geneva/apply").text


def test_a_request_sees_its_own_uncommitted_change(app, consultation):
    with app.test_request_context():
        first = stamp()
        consultation = db.session.merge(consultation)
        consultation.title = "Changed in this request"
        db.session.flush()
        from consult.consultations.services import public_consultation

        assert public_consultation("geneva").title == "Changed in this request"
        assert stamp() == first + 1
        db.session.rollback()


def test_the_kept_apply_form_gives_each_visitor_their_own_csrf_token(app, consultation):
    """The blank form's content is rendered once; the CSRF token in it is each
    visitor's own, and one visitor's token does not work for another."""
    from tests.conftest import csrf_token

    first, second = app.test_client(), app.test_client()
    first_page, second_page = first.get("/c/geneva/apply").text, second.get("/c/geneva/apply").text
    assert csrf_token(first_page) != csrf_token(second_page)

    def without_tokens(page: str) -> str:  # (the CSRF token and the one-time form key)
        key = form_data(page)["form_key"]
        return page.replace(csrf_token(page), "").replace(key, "")

    assert form_data(first_page)["form_key"] != form_data(second_page)["form_key"]
    assert without_tokens(first_page) == without_tokens(second_page)
    stolen = form_data(first_page, email="stolen@example.org")
    assert second.post("/c/geneva/apply", data=stolen).status_code == 400
    own = form_data(second_page, email="own@example.org")
    assert second.post("/c/geneva/apply", data=own).status_code == 302


def test_a_consultation_already_in_the_session_is_not_overwritten(app, consultation):
    from consult.consultations.services import public_consultation

    with app.test_request_context():
        assert public_consultation("geneva") is not None  # kept in the cache
    with app.test_request_context():
        mine = db.session.merge(consultation)
        mine.title = "Not yet flushed"
        with db.session.no_autoflush:
            assert public_consultation("geneva") is mine
        assert mine.title == "Not yet flushed"
        db.session.rollback()
