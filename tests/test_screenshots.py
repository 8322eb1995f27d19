"""Screenshots of the public pages in the six languages, kept for people to look at
(build/screenshots/, or $CONSULT_SCREENSHOTS), and a check that each script is drawn
with a real font for it: Chinese in a CJK font, not empty boxes
(scripts/ensure_browser.py installs fonts-noto-cjk)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from consult.consultations.content import set_translation
from consult.database import transaction
from tests.browser import LiveServer
from tests.factories import make_consultation

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = Path(os.environ.get("CONSULT_SCREENSHOTS", ROOT / "build" / "screenshots"))
TITLES = {
    "en": "Open Consultations on Financial Mechanisms",
    "fr": "Consultations ouvertes sur les mécanismes financiers",
    "es": "Consultas abiertas sobre mecanismos financieros",
    "ar": "مشاورات مفتوحة بشأن الآليات المالية",
    "zh": "关于筹资机制的公开磋商",
    "ru": "Открытые консультации по финансовым механизмам",
}


@pytest.fixture
def live(app):
    with app.app_context():
        consultation = make_consultation(slug="geneva", title=TITLES["en"])
        with transaction():
            for language, title in TITLES.items():
                if language != "en":
                    set_translation(consultation, "title", language, title)
    with LiveServer(app) as server:
        yield server


def fonts_used(page, selector: str) -> list[str]:
    """The platform fonts Chromium drew the element's text with (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return [f["familyName"] for f in fonts if f["glyphCount"]]


@pytest.mark.parametrize("language", list(TITLES))
def test_public_pages_in_each_language_are_drawn_with_a_font_for_their_script(
    live, browser, language
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale=language, viewport={"width": 1024, "height": 900})
    page = context.new_page()
    try:
        for name, path in (("consultation", "/c/geneva"), ("apply", "/c/geneva/apply")):
            page.goto(f"{live.url}{path}?lang={language}")
            page.screenshot(path=SCREENSHOTS / f"{language}-{name}.png", full_page=True)
        page.goto(f"{live.url}/c/geneva?lang={language}")
        assert TITLES[language] in page.locator("h1").inner_text()
        fonts = fonts_used(page, "h1")
        assert fonts, "no font drew the heading"
        if language == "zh":
            assert any("CJK" in family for family in fonts), fonts
    finally:
        context.close()
    assert (SCREENSHOTS / f"{language}-apply.png").stat().st_size > 10_000
