"""Every secretariat route needs a login; decisions, settings, users, exports need admin."""

from __future__ import annotations

import re

import pytest

from consult.extensions import db
from tests.conftest import csrf_token, login
from tests.factories import make_consultation, make_user, under_review

# (method, url template, admin only)
ROUTES = [
    ("GET", "/secretariat/", False),
    ("GET", "/secretariat/applications", False),
    ("GET", "/secretariat/applications/{app}", False),
    ("POST", "/secretariat/applications/{app}/review", False),
    ("GET", "/secretariat/consultations/{c}/balance", False),
    ("GET", "/secretariat/account/password", False),
    ("GET", "/secretariat/account/sessions", False),
    ("GET", "/secretariat/account/confirm", False),
    ("POST", "/secretariat/account/confirm", False),
    ("POST", "/secretariat/account/sessions", False),
    ("GET", "/secretariat/outbox/", False),
    ("GET", "/secretariat/outbox/{msg}", False),
    ("GET", "/secretariat/outbox/{msg}/html", True),  # email bodies: admins only
    ("POST", "/secretariat/outbox/{msg}/resend", True),
    ("POST", "/secretariat/outbox/resend-failed", True),
    ("GET", "/secretariat/consultations/{c}/emails", True),
    ("GET", "/secretariat/consultations/{c}/emails/verify_email/en", True),
    ("POST", "/secretariat/consultations/{c}/emails/verify_email/en", True),
    ("GET", "/secretariat/consultations/{c}/emails/verify_email/en/preview.html", True),
    ("POST", "/secretariat/account/password", False),
    ("POST", "/secretariat/applications/{app}/decision", True),
    ("POST", "/secretariat/applications/decide", True),
    ("GET", "/secretariat/applications/email", True),
    ("POST", "/secretariat/applications/email", True),
    ("GET", "/secretariat/applications/export.csv", True),
    ("GET", "/secretariat/consultations", True),
    ("GET", "/secretariat/consultations/new", True),
    ("POST", "/secretariat/consultations/new", True),
    ("GET", "/secretariat/consultations/{c}/settings", True),
    ("POST", "/secretariat/consultations/{c}/settings", True),
    ("GET", "/secretariat/users", True),
    ("POST", "/secretariat/users", True),
    ("POST", "/secretariat/users/{user}/active", True),
    ("POST", "/secretariat/users/{user}/invite", True),
    ("POST", "/secretariat/users/{user}/organization", True),
    ("POST", "/secretariat/applications/{app}/erase", True),
    ("GET", "/secretariat/security-log", True),
    ("GET", "/secretariat/account/two-factor", False),
    ("POST", "/secretariat/account/two-factor", False),
    ("GET", "/secretariat/consultations/{c}/translations", True),
    ("GET", "/secretariat/consultations/{c}/translations/fr", True),
    ("POST", "/secretariat/consultations/{c}/translations/fr", True),
    ("GET", "/secretariat/consultations/{c}/programme", False),
    ("GET", "/secretariat/consultations/{c}/programme.csv", False),
    ("POST", "/secretariat/consultations/{c}/programme/publication", True),
    ("GET", "/secretariat/consultations/{c}/programme/sessions/new", True),
    ("POST", "/secretariat/consultations/{c}/programme/sessions/new", True),
    ("GET", "/secretariat/programme/sessions/{s}", False),
    ("GET", "/secretariat/programme/sessions/{s}/edit", True),
    ("POST", "/secretariat/programme/sessions/{s}/edit", True),
    ("GET", "/secretariat/programme/sessions/{s}/delete", True),
    ("POST", "/secretariat/programme/sessions/{s}/delete", True),
    ("POST", "/secretariat/programme/sessions/{s}/move", True),
    ("POST", "/secretariat/applications/{app}/placement", True),
    ("GET", "/secretariat/consultations/{c}/questions", True),
    ("GET", "/secretariat/consultations/{c}/questions/new", True),
    ("POST", "/secretariat/consultations/{c}/questions/new", True),
    ("GET", "/secretariat/consultations/{c}/questions/{q}", True),
    ("POST", "/secretariat/consultations/{c}/questions/{q}", True),
    ("POST", "/secretariat/consultations/{c}/questions/{q}/move", True),
    ("POST", "/secretariat/consultations/{c}/questions/{q}/delete", True),
    ("GET", "/secretariat/check-in", True),
    ("GET", "/secretariat/consultations/{c}/check-in", True),
    ("POST", "/secretariat/consultations/{c}/check-in", True),
    ("POST", "/secretariat/consultations/{c}/check-in/{app}/undo", True),
    ("GET", "/secretariat/consultations/{c}/badges", True),
    ("POST", "/secretariat/consultations/{c}/badges", True),
    ("GET", "/secretariat/consultations/{c}/attendance.csv", True),
    ("GET", "/secretariat/consultations/{c}/visa-letters", True),
    ("POST", "/secretariat/consultations/{c}/visa-letters", True),
    ("GET", "/secretariat/consultations/{c}/visa-letters/{letter}.pdf", True),
    ("GET", "/secretariat/consultations/{c}/letter-settings", True),
    ("POST", "/secretariat/consultations/{c}/letter-settings", True),
    ("GET", "/secretariat/consultations/{c}/criteria", True),
    ("POST", "/secretariat/consultations/{c}/criteria", True),
    ("GET", "/secretariat/consultations/{c}/criteria/{cr}", True),
    ("POST", "/secretariat/consultations/{c}/criteria/{cr}", True),
    ("POST", "/secretariat/consultations/{c}/criteria/{cr}/delete", True),
    ("POST", "/secretariat/applications/{app}/editing", True),
    ("POST", "/secretariat/applications/{app}/pending", True),
    ("GET", "/secretariat/consultations/{c}/announce", True),
    ("POST", "/secretariat/consultations/{c}/announce", True),
    ("POST", "/secretariat/applications/assign", True),
    ("GET", "/secretariat/consultations/{c}/assignments", True),
    ("POST", "/secretariat/consultations/{c}/assignments", True),
    ("GET", "/secretariat/consultations/{c}/review-next", False),
    ("POST", "/secretariat/applications/{app}/conflict", False),
    ("POST", "/secretariat/applications/{app}/review", False),
    ("GET", "/secretariat/consultations/{c}/contribution-call", True),
    ("POST", "/secretariat/consultations/{c}/contribution-call", True),
    ("POST", "/secretariat/consultations/{c}/guiding-questions", True),
    ("POST", "/secretariat/consultations/{c}/guiding-questions/{gq}", True),
    ("POST", "/secretariat/consultations/{c}/guiding-questions/{gq}/delete", True),
    ("GET", "/secretariat/consultations/{c}/contributions", True),
    ("GET", "/secretariat/consultations/{c}/contributions/{w}", True),
    ("POST", "/secretariat/consultations/{c}/contributions/{w}/moderate", True),
    ("POST", "/secretariat/consultations/{c}/contributions/{w}/formatting", True),
    ("POST", "/secretariat/consultations/{c}/contributions/{w}/themes", True),
    ("POST", "/secretariat/consultations/{c}/contributions/{w}/erase", True),
    ("GET", "/secretariat/consultations/{c}/contributions/{w}/files/{wf}", True),
    ("GET", "/secretariat/consultations/{c}/synthesis", True),
    ("GET", "/secretariat/consultations/{c}/synthesis.pdf", True),
    ("POST", "/secretariat/consultations/{c}/themes/{th}", True),
]


# The GET routes that answer with a redirect, and where to.
REDIRECTS = {
    "/secretariat/": "/secretariat/applications",
    # the one meeting coming up
    "/secretariat/check-in": "/secretariat/consultations/{c}/check-in",
    # the one application to review next, in its consultation's queue
    "/secretariat/consultations/{c}/review-next": (
        "/secretariat/applications/{app}?consultation={c}"
    ),
}


def written_contribution(consultation) -> dict:
    """A guiding question, a contribution with a stored attachment, and a theme."""
    from consult.contributions import files
    from consult.contributions.models import (
        Consent,
        Contribution,
        ContributionFile,
        ContributionState,
        ContributionTheme,
        GuidingQuestion,
        OnBehalf,
    )
    from tests.factories import category

    question = GuidingQuestion(consultation_id=consultation.id, label="What works?")
    theme = ContributionTheme(consultation_id=consultation.id, name="Finance")
    contribution = Contribution(
        reference="FM-W-0001",
        consultation_id=consultation.id,
        state=ContributionState.NEW,
        full_name="Contributor",
        email="w@example.org",
        category_id=category("civil_society").id,
        country="SN",
        on_behalf=OnBehalf.PERSONAL,
        consent=Consent.NAMED,
    )
    attached = ContributionFile(
        name="a.pdf", kind="pdf", size=8, sha256="0" * 64, stored_as=files.store(b"%PDF-1.4")
    )
    contribution.files.append(attached)
    db.session.add_all([question, theme, contribution])
    db.session.flush()
    return {"gq": question.id, "th": theme.id, "w": contribution.id, "wf": attached.id}


@pytest.fixture(scope="module")
def app(shared_app):
    """One app and one database for the whole matrix: each of its requests is refused
    or only reads, so no test here changes what another sees."""
    return shared_app


@pytest.fixture(scope="module")
def ids(app):
    with app.app_context():
        try:
            return _world()
        finally:
            db.session.remove()


def _world() -> dict:
    admin = make_user("admin", "admin@ungis.example")
    make_user("reviewer", "reviewer@ungis.example")
    make_user("desk", "desk@ungis.example")
    consultation = make_consultation()
    application, _ = under_review(consultation)
    from sqlalchemy import select

    from consult.notifications.models import OutboxMessage
    from consult.programme.models import SessionKind
    from consult.programme.services import SessionData, save_session

    message_id = db.session.execute(select(OutboxMessage.id).limit(1)).scalar_one()
    session = save_session(
        consultation,
        SessionData(
            "Panel", SessionKind.PANEL, consultation.starts_at, consultation.ends_at, "Room"
        ),
        by=admin,
    )
    from consult.consultations.models import QuestionKind
    from consult.consultations.questions import QuestionSettings, add_question

    question = add_question(consultation, QuestionSettings("Why?", QuestionKind.SHORT_TEXT))
    from consult.review.criteria import CriterionSettings, add_criterion

    criterion = add_criterion(consultation, CriterionSettings("Relevance", 2), by=admin)
    from datetime import date

    from consult.attendance.models import VisaLetter, VisaLetterState
    from consult.enums import Role

    attendee, _ = under_review(consultation, Role.ATTENDEE)  # (confirmed at once)
    letter = VisaLetter(
        application_id=attendee.id,
        consultation_id=consultation.id,
        passport_name="Test Person",
        passport_number="P1234567",
        nationality="SN",
        date_of_birth=date(1980, 1, 1),
        consulate="Embassy",
        state=VisaLetterState.ISSUED,
        reference="T-VL-0001",
    )
    db.session.add(letter)
    written = written_contribution(consultation)
    db.session.commit()
    return {
        **written,
        "letter": letter.id,
        "cr": criterion.id,
        "q": question.id,
        "app": application.id,
        "c": consultation.id,
        "user": admin.id,
        "msg": message_id,
        "s": session.id,
    }


def _signed_in(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


@pytest.fixture(scope="module")
def admin_client(app, ids):
    return _signed_in(app, "admin@ungis.example")


@pytest.fixture(scope="module")
def reviewer_client(app, ids):
    return _signed_in(app, "reviewer@ungis.example")


def test_every_secretariat_route_is_listed_here(app):
    """A new secretariat route must be added to ROUTES (and so to these tests): each
    rule, with its variable parts, must match a listed URL of the same method."""
    listed = [(m, re.sub(r"\{\w+\}", "1", u)) for m, u, _ in ROUTES]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/secretariat") or rule.endpoint == "accounts.login":
            continue
        if rule.endpoint in ("accounts.logout", "accounts.second_factor"):
            continue  # before and after signing in: tests/accounts covers them
        if rule.endpoint == "invitations.accept":
            continue  # opened by its link's token: tests/accounts/test_invitations.py
        pattern = re.compile(
            "".join(
                "[^/]+" if part.startswith("<") else re.escape(part)
                for part in re.split(r"(<[^>]+>)", rule.rule)
            )
            + "/?"
        )
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert any(m == method and pattern.fullmatch(u) for m, u in listed), (
                f"{method} {rule.rule} is not in ROUTES"
            )


@pytest.mark.parametrize(("method", "url", "admin_only"), ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(app, ids, method, url, admin_only):
    client = app.test_client()
    response = client.open(url.format(**ids), method=method)
    if method == "POST":
        # CSRF protection answers first for a form without a token: refused either way.
        assert response.status_code in (302, 400)
    else:
        assert response.status_code == 302
        assert "/secretariat/login" in response.headers["Location"]


@pytest.mark.parametrize(("method", "url", "admin_only"), [r for r in ROUTES if r[2]])
def test_reviewers_are_refused_admin_routes(reviewer_client, ids, method, url, admin_only):
    token = csrf_token(reviewer_client.get("/secretariat/account/password").text)
    response = reviewer_client.open(
        url.format(**ids), method=method, data={"csrf_token": token} if method == "POST" else None
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("method", "url", "admin_only"), [r for r in ROUTES if not r[2] and r[0] == "GET"]
)
def test_reviewers_may_use_the_review_pages(reviewer_client, ids, method, url, admin_only):
    response = reviewer_client.open(url.format(**ids), method=method)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert "login" not in response.headers["Location"]


@pytest.mark.parametrize(("method", "url", "admin_only"), [r for r in ROUTES if r[0] == "GET"])
def test_admins_may_use_every_page(admin_client, ids, method, url, admin_only):
    """Each page answers itself, or (the few listed in REDIRECTS) sends the admin to
    the page it stands for -- never to sign in again or to a password or 2FA step."""
    response = admin_client.open(url.format(**ids), method=method)
    if url in REDIRECTS:
        assert response.status_code == 302
        assert response.headers["Location"] == REDIRECTS[url].format(**ids)
    else:
        assert response.status_code == 200


DESK_ROUTES = {
    "/secretariat/check-in",
    "/secretariat/consultations/{c}/check-in",
    "/secretariat/consultations/{c}/check-in/{app}/undo",
}


@pytest.mark.parametrize(("method", "url", "admin_only"), ROUTES)
def test_a_desk_account_is_refused_everything_but_the_desk(app, ids, method, url, admin_only):
    # Signed in afresh each time: a POST of its own account's forms (the sessions
    # page) may end the desk's other sessions.
    client = _signed_in(app, "desk@ungis.example")
    token = csrf_token(client.get("/secretariat/account/password").text)
    response = client.open(
        url.format(**ids), method=method, data={"csrf_token": token} if method == "POST" else None
    )
    if url in DESK_ROUTES or url.startswith("/secretariat/account/"):  # (their own account)
        assert response.status_code != 403, url
    else:
        assert response.status_code == 403, url
