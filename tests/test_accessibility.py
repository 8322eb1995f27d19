"""Every page, in English and in Arabic, as anonymous visitor, applicant, reviewer and
admin, with data filled in and in error states: axe-core finds no violation, and
nothing is wider than a 320 px viewport (WCAG 1.4.10 reflow).

axe-core comes inside the axe-playwright-python package (no CDN); the browser is
Debian's Chromium (tests/browser.py).
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from consult.extensions import db
from tests.browser import LiveServer
from tests.conftest import PASSWORD
from tests.factories import make_user, submit, under_review

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "ar"]
# What sticks out of the viewport (outside the tables' own scrolling regions).
WIDE_ELEMENTS = """() => {
  const width = document.documentElement.clientWidth + 1;
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width
                 && !(e.parentElement && e.parentElement.closest('.table-scroll')))
    .slice(0, 4)
    .map(e => `${e.tagName}.${e.className}#${e.id}: ${e.textContent.trim().slice(0, 40)}`);
}"""


@pytest.fixture
def site(app):
    """The demo consultation (texts in six languages) with applications in every state
    an applicant can see, and two staff accounts."""
    from consult.applications.services import Decision, decide_application
    from consult.demo.seed import seed_demo
    from consult.enums import Role

    with app.app_context():
        consultation, _ = seed_demo()
        admin = make_user("admin", "admin@ungis.example")
        make_user("reviewer", "reviewer@ungis.example")
        submitted, submitted_link = submit(consultation, full_name="Amina Diallo", country="SN")
        accepted, accepted_link = under_review(
            consultation, Role.KEYNOTE, full_name="Li Wei", email="li@example.org", country="CN"
        )
        decide_application(
            accepted, Decision.ACCEPT, by=admin, expected_version=2, message="Welcome."
        )
        confirmed, confirmed_link = under_review(
            consultation,
            Role.ATTENDEE,
            full_name="Olga Petrova",
            email="olga@example.org",
            country="RU",
            gender="female",
        )
        under_review(consultation, Role.PANELIST, full_name="Carlos Ruiz", country="MX")
        under_review(  # long words in the queue's and the balance's cells
            consultation,
            Role.PANELIST,
            full_name="Aigerim Nurlanovna",
            country="KZ",
            organization_name="Telecommunication Development Bureau",
        )
        # The programme: a placed, confirmed keynote speaker; published; participants on.
        from consult.applications.services import confirm_participation
        from consult.programme.services import place_speaker, sessions_of

        keynote = next(s for s in sessions_of(consultation) if s.kind.value == "keynote")
        panel = next(s for s in sessions_of(consultation) if s.kind.value == "panel")
        confirm_participation(accepted, expected_version=accepted.version)
        place_speaker(accepted, keynote, by=admin, expected_version=accepted.version)
        consultation.programme_published_at = consultation.created_at
        consultation.participants_public = True
        db.session.commit()
        # Written contributions: the demo's (published, waiting, not published), and a
        # private link to the waiting one.
        import secrets

        from sqlalchemy import select

        from consult.applications.tokens import hash_token
        from consult.contributions.models import Contribution, ContributionToken
        from consult.demo.contributions import seed_demo_contributions

        seed_demo_contributions(consultation, admin)
        written = db.session.execute(select(Contribution).order_by(Contribution.id)).scalars()
        written = list(written)
        waiting = next(c for c in written if c.state.value == "new")
        published = next(c for c in written if c.state.value == "published")
        contribution_link = secrets.token_urlsafe(32)
        db.session.add(
            ContributionToken(contribution_id=waiting.id, token_hash=hash_token(contribution_link))
        )
        db.session.commit()
        data = {
            "contribution": contribution_link,
            "contribution_id": waiting.id,
            "published_reference": published.reference,
            "slug": consultation.slug,
            "consultation_id": consultation.id,
            "submitted": submitted_link,
            "accepted": accepted_link,
            "confirmed": confirmed_link,
            "application_id": accepted.id,
            "confirmed_id": confirmed.id,
            "session_id": panel.id,
            "keynote_id": keynote.id,
        }
    with LiveServer(app) as server:
        server.data = data
        yield server


def public_pages(d):
    slug = d["slug"]
    return [
        "/",
        f"/c/{slug}",
        f"/c/{slug}/apply",
        f"/a/{d['submitted']}",
        f"/a/{d['submitted']}/edit",
        f"/a/{d['accepted']}",
        f"/a/{d['accepted']}/decline",
        f"/a/{d['accepted']}/withdraw",
        f"/a/{d['confirmed']}",
        f"/a/{d['confirmed']}/confirmation",
        f"/a/{d['confirmed']}/erasure",
        f"/a/{d['confirmed']}/visa-letter",
        "/letters/verify?ref=FM-VL-0001",
        f"/c/{slug}/programme",
        f"/c/{slug}/participants",
        f"/c/{slug}/contribute",
        f"/c/{slug}/contributions",
        f"/c/{slug}/contributions?q=finance&region=african",
        f"/c/{slug}/contributions/{d['published_reference']}",
        f"/w/{d['contribution']}",
        f"/w/{d['contribution']}/edit",
        "/w/not-a-real-link-at-all-0123456789abcdef",
        "/a/not-a-real-link-at-all-0123456789abcdef",
        "/no-such-page",
        "/secretariat/login",
        "/secretariat/invitation/" + "x" * 43,  # (a link that does not work)
    ]


def staff_pages(d, admin: bool):
    cid, aid = d["consultation_id"], d["application_id"]
    pages = [
        "/secretariat/applications",
        f"/secretariat/applications?consultation={cid}&state=under_review&q=a",
        f"/secretariat/applications/{aid}",
        f"/secretariat/consultations/{cid}/balance",
        "/secretariat/outbox/",
        "/secretariat/outbox/1",
        "/secretariat/account/password",
        "/secretariat/account/sessions",
        "/secretariat/account/confirm",
        f"/secretariat/consultations/{cid}/programme",
        f"/secretariat/programme/sessions/{d['session_id']}",
        f"/secretariat/programme/sessions/{d['keynote_id']}",
    ]
    if admin:
        pages += [
            "/secretariat/consultations",
            f"/secretariat/consultations/{cid}/settings",
            "/secretariat/consultations/new",
            f"/secretariat/consultations/{cid}/translations",
            f"/secretariat/consultations/{cid}/translations/fr",
            f"/secretariat/consultations/{cid}/questions",
            f"/secretariat/consultations/{cid}/assignments",
            f"/secretariat/consultations/{cid}/criteria",
            f"/secretariat/applications/email?consultation={cid}",
            f"/secretariat/consultations/{cid}/check-in?q=a",
            f"/secretariat/consultations/{cid}/check-in?person={d['confirmed_id']}",
            f"/secretariat/consultations/{cid}/badges",
            f"/secretariat/consultations/{cid}/contributions?state=all",
            f"/secretariat/consultations/{cid}/contributions/{d['contribution_id']}",
            f"/secretariat/consultations/{cid}/synthesis",
            f"/secretariat/consultations/{cid}/contribution-call",
            f"/secretariat/consultations/{cid}/visa-letters",
            f"/secretariat/consultations/{cid}/letter-settings",
            f"/secretariat/consultations/{cid}/announce",
            f"/secretariat/consultations/{cid}/questions/new",
            f"/secretariat/consultations/{cid}/emails",
            f"/secretariat/consultations/{cid}/emails/accepted/en",
            "/secretariat/users",
            "/secretariat/security-log",
            "/secretariat/account/two-factor",
            f"/secretariat/consultations/{cid}/programme/sessions/new",
            f"/secretariat/programme/sessions/{d['session_id']}/edit",
            f"/secretariat/programme/sessions/{d['keynote_id']}/delete",
        ]
    return pages


# Words (four letters or more, in scripts that put spaces between words: Chinese
# wraps between any two characters) that a table cell broke over two lines although
# they would fit a line of 250 px.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll("td, th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const words = /[\\p{Script=Latin}\\p{Script=Cyrillic}\\p{Script=Arabic}]{4,}/gu;
      for (const m of node.data.matchAll(words)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        const lines = new Set(rects.map((r) => Math.round(r.top)));
        const width = rects.reduce((sum, r) => sum + r.width, 0);
        if (lines.size > 1 && width < 250) broken.push(m[0]);
      }
    }
  }
  return broken.slice(0, 5);
}"""


def check(page, url: str, problems: list[str]) -> None:
    """axe on the page as it is now, then the same page at 320 px (nothing wider than
    the screen, no word in a table broken mid-word)."""
    results = Axe().run(page)
    for violation in results.response["violations"]:
        targets = [node["target"] for node in violation["nodes"]][:3]
        problems.append(f"{url}: {violation['id']} ({violation['help']}) at {targets}")
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        wide = page.evaluate(WIDE_ELEMENTS)
        problems.append(f"{url}: {overflow}px wider than 320 px ({wide})")
    broken = page.evaluate(BROKEN_WORDS)
    if broken:
        problems.append(f"{url}: words broken in a table cell at 320 px: {broken}")
    page.set_viewport_size(size)


def visit(page, base: str, path: str, language: str, problems: list[str]) -> None:
    separator = "&" if "?" in path else "?"
    response = page.goto(f"{base}{path}{separator}lang={language}")
    assert response is not None
    if language == "ar":
        assert page.get_attribute("html", "dir") == "rtl", path
    check(page, path, problems)


def submit_empty(page, selector: str = "main form[method=post]") -> None:
    """Send a form as it is, past the browser's own required-field checks."""
    with page.expect_navigation():
        page.evaluate(f"document.querySelector({selector!r}).submit()")


def sign_in(page, base: str, email: str, language: str) -> None:
    page.goto(f"{base}/secretariat/login?lang={language}")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_have_no_violations(site, page, language):
    problems: list[str] = []
    for path in public_pages(site.data):
        visit(page, site.url, path, language, problems)
    # Error states: the application form and the sign-in form sent empty.
    visit(page, site.url, f"/c/{site.data['slug']}/apply", language, problems)
    submit_empty(page, "form.apply, main form[method=post]")
    assert page.locator(".error-summary").count() == 1
    check(page, "apply (errors)", problems)
    page.goto(f"{site.url}/secretariat/login?lang={language}")
    submit_empty(page)
    check(page, "login (errors)", problems)
    visit(page, site.url, f"/c/{site.data['slug']}/contribute", language, problems)
    submit_empty(page)
    assert page.locator(".error-summary").count() == 1
    check(page, "contribute (errors)", problems)
    # A complete application: the thank-you page.
    page.goto(f"{site.url}/c/{site.data['slug']}/apply?lang={language}")
    page.fill("#full_name", "Fatima Zahra")
    page.fill("#email", f"fatima-{language}@example.org")
    page.select_option("#country", "MA")
    page.fill("#organization_name", "Ministry of Digital Transition")
    page.check("#category-0")
    page.check("input[name=role][value=attendee]")
    page.check("input[type=radio][name^=question_][value=no]")  # the demo's visa question
    with page.expect_navigation():
        page.evaluate("document.querySelector('main form[method=post]').submit()")
    assert "/apply/thanks" in page.url, page.url
    check(page, "thanks", problems)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("who", ["reviewer", "admin"])
def test_secretariat_pages_have_no_violations(site, page, language, who):
    problems: list[str] = []
    sign_in(page, site.url, f"{who}@ungis.example", language)
    for path in staff_pages(site.data, admin=who == "admin"):
        visit(page, site.url, path, language, problems)
    # Error states: a password change and (admins) the settings, sent empty.
    visit(page, site.url, "/secretariat/account/password", language, problems)
    submit_empty(page)
    check(page, "password (errors)", problems)
    if who == "admin":
        visit(
            page,
            site.url,
            f"/secretariat/consultations/{site.data['consultation_id']}/settings",
            language,
            problems,
        )
        page.fill("#title", "")
        submit_empty(page)
        check(page, "settings (errors)", problems)
        visit(page, site.url, "/secretariat/users", language, problems)
        submit_empty(page, 'main form[action$="/users"]')
        check(page, "users (errors)", problems)
    assert problems == [], "\n".join(problems)
