"""The secretariat's work in a real browser: sign in, score, accept; a reviewer cannot."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import LiveServer
from tests.conftest import PASSWORD
from tests.factories import make_consultation, make_user, under_review

pytestmark = pytest.mark.browser


@pytest.fixture
def live(app):
    with app.app_context():
        consultation = make_consultation(slug="geneva", title="Financial Mechanisms")
        under_review(consultation, full_name="Amina Diallo", country="SN")
        make_user("admin", "admin@ungis.example")
        make_user("reviewer", "reviewer@ungis.example")
    with LiveServer(app) as server:
        yield server


def sign_in(page, live, email):
    page.goto(f"{live.url}/secretariat/login")
    page.get_by_role("textbox", name=re.compile("^Email")).fill(email)
    page.get_by_label(re.compile("^Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review queue")


def test_admin_scores_accepts_and_sees_the_balance_change(live, page):
    sign_in(page, live, "admin@ungis.example")
    page.get_by_role("link", name="FM-P-0001").click()
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Comment").fill("Strong, regional perspective")
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_role("status").first).to_contain_text("Your review is saved.")

    page.get_by_label("Accept", exact=True).check()
    page.get_by_label("Message to the applicant (optional)").fill("Welcome to the panel")
    page.get_by_role("button", name="Decide and email now").click()
    expect(page.get_by_role("status").first).to_contain_text("is now accepted")
    expect(page.locator("main")).to_contain_text("your application FM-P-0001 is accepted")

    page.get_by_role("link", name="Balance").first.click()
    african = page.get_by_role("row", name=re.compile("^African States"))
    expect(african).to_contain_text("1 (1)")


def test_reviewer_scores_but_cannot_decide(live, page):
    sign_in(page, live, "reviewer@ungis.example")
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    page.get_by_role("link", name="FM-P-0001").click()
    expect(page.get_by_role("button", name="Decide and email now")).to_have_count(0)
    page.get_by_label("3", exact=True).check()
    page.get_by_role("button", name="Save review").click()
    expect(page.locator("main")).to_contain_text("Average: 3.0 from 1 review.")
    response = page.goto(f"{live.url}/secretariat/users")
    assert response.status == 403


def test_a_password_can_be_shown_while_typed(live, page):
    """The show/hide button (static/password.js) where JavaScript runs."""
    page.goto(f"{live.url}/secretariat/login")
    field = page.get_by_label(re.compile("^Password"))
    field.fill("a secret passphrase")
    expect(field).to_have_attribute("type", "password")
    toggle = page.get_by_role("button", name="Show password")
    toggle.click()
    expect(field).to_have_attribute("type", "text")
    expect(page.get_by_role("button", name="Hide password")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.get_by_role("button", name="Hide password").click()
    expect(field).to_have_attribute("type", "password")
