"""Every string a person typed keeps its own direction inside a page in another script
(an organization name ending in "." came out as ".Jordan Digital Finance
Co" on an Arabic page): each one the pages show goes through `bdi` (an HTML element)
or, where no markup can go, `isolate` (Unicode's isolates)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.factories import link_token, make_consultation, under_review

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# What applicants and staff type about themselves (not translated content).
TYPED = r"\.(full_name|display_organization|organization_name|job_title|topic|name)\b"
OUTPUT = re.compile(r"\{\{(.*?)\}\}", re.S)


def test_every_typed_string_a_page_shows_is_isolated():
    unguarded = []
    for path in TEMPLATES.rglob("*.html"):
        if "emails" in path.parts:
            continue  # (emails: each language's text around a name is the reader's)
        for match in OUTPUT.finditer(path.read_text()):
            expression = match.group(1)
            if not re.search(TYPED, expression) or "field(" in expression:
                continue  # (form fields render their own values)
            if re.search(r"\bt\(|localized\(|\.label\b|country_name|_\(", expression):
                continue  # translated content and labels, not a person's typing
            if not re.search(r"\|\s*(bdi|isolate)\b", expression):
                line = path.read_text()[: match.start()].count("\n") + 1
                unguarded.append(f"{path.relative_to(TEMPLATES)}:{line}: {{{{{expression}}}}}")
    assert unguarded == []


def test_an_organization_in_latin_script_keeps_its_full_stop_on_an_arabic_page(app, ctx):
    consultation = make_consultation(slug="geneva")
    application, _ = under_review(
        consultation, organization_name="Jordan Digital Finance Co.", country="JO"
    )
    page = app.test_client().get(f"/a/{link_token(application)}?lang=ar").text
    assert 'dir="rtl"' in page
    assert "<bdi>Jordan Digital Finance Co.</bdi>" in page
