"""The applicant's journey in a real browser (Chromium through Playwright)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import LiveServer
from tests.factories import make_consultation

pytestmark = pytest.mark.browser


@pytest.fixture
def app_overrides(smtp):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}


@pytest.fixture
def live(app):
    with app.app_context():
        make_consultation(slug="geneva", title="Open Consultations on Financial Mechanisms")
    with LiveServer(app) as server:
        app.config["PUBLIC_URL"] = server.url
        yield server


def last_link(app, smtp, to: str) -> str:
    """The link in the latest email to `to`, as received over SMTP (the worker mints it)."""
    from consult.notifications.worker import drain

    with app.app_context():
        drain()
    body = [r for r in smtp.received if r.rcpt_tos == [to]][-1].text()
    return re.search(r"http://127\.0\.0\.1:\d+/a/[A-Za-z0-9_\-]+", body).group(0)


def test_apply_confirm_follow_and_withdraw_in_a_browser(app, live, page, smtp):
    page.goto(live.url)
    page.get_by_role("link", name="Open Consultations on Financial Mechanisms").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Open Consultations on Financial Mechanisms"
    )
    page.get_by_role("link", name="Apply to take part").click()

    # Sending the empty form shows the problems, each beside its field.
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.locator("#full_name-error")).to_contain_text("Enter your full name.")
    expect(page.get_by_label("Full name")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Full name").fill("Amina Diallo")
    page.get_by_label("Email address").fill("amina@example.org")
    page.get_by_role("combobox", name=re.compile("^Country")).select_option(label="Senegal")
    page.get_by_label("Civil society").check()
    page.get_by_role("textbox", name=re.compile("^Organization")).fill("Digital Futures Network")
    page.get_by_label("Panelist").check()
    page.get_by_label("Proposed topic").fill("Blended finance for rural broadband")
    page.get_by_label("Abstract").fill("How public guarantees crowd in private capital.")
    page.get_by_label("Short biography").fill("Economist working on connectivity finance.")
    page.get_by_label("Name me in public").check()
    page.get_by_role("button", name="Send application").click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.locator("main")).to_contain_text("amina@example.org")
    expect(page.locator("main")).not_to_contain_text("FM-P-0001")  # reference: by email only

    page.goto(last_link(app, smtp, "amina@example.org"))
    expect(page.get_by_role("heading", name="Your application", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("not yet confirmed")
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_role("status").first).to_contain_text("email address is confirmed")
    expect(page.locator("main")).to_contain_text("Under review")
    expect(page.locator("main")).to_contain_text("Senegal")

    page.get_by_role("link", name="Withdraw my application").click()
    page.get_by_role("button", name="Yes, withdraw my application").click()
    expect(page.get_by_role("status").first).to_contain_text("has been withdrawn")
    expect(page.locator("main")).to_contain_text("You have withdrawn this application.")


def test_the_first_tab_reaches_the_skip_link_and_focus_is_visible(live, page):
    page.goto(f"{live.url}/c/geneva/apply")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
