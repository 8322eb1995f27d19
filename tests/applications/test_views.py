"""The applicant's journey through the real views (test client, CSRF on)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from consult.applications.models import Application
from consult.enums import ApplicationState, ConsultationState
from consult.extensions import db
from consult.notifications.models import OutboxMessage
from tests.conftest import csrf_token, form_version, login
from tests.factories import category, make_consultation, sent_link


@pytest.fixture
def consultation(ctx):
    return make_consultation(slug="geneva")


def form_data(page_html: str, **overrides) -> dict:
    key = re.search(r'name="form_key" type="hidden" value="([^"]*)"', page_html)
    data = {
        "csrf_token": csrf_token(page_html),
        "form_key": key.group(1) if key else None,
        "full_name": "Amina Diallo",
        "email": "amina@example.org",
        "job_title": "Director",
        "country": "SN",
        "gender": "female",
        "category": str(category("civil_society").id),
        "organization_id": "",
        "organization_name": "Digital Futures Network",
        "role": "panelist",
        "topic": "Blended finance for rural broadband",
        "abstract": "How guarantees crowd in private capital.",
        "bio": "Economist.",
        "accessibility_needs": "Step-free access",
        "list_publicly": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_application(client, **overrides):
    page = client.get("/c/geneva/apply")
    assert page.status_code == 200
    return client.post("/c/geneva/apply", data=form_data(page.text, **overrides))


def application_count() -> int:
    return db.session.execute(select(func.count(Application.id))).scalar_one()


def latest_link(to: str) -> str:
    return sent_link(to)


def confirm_address(client, link: str):
    """Press "Confirm my email address" on the private-link page."""
    page = client.get(link)
    return client.post(f"{link}/verify", data={"csrf_token": csrf_token(page.text)})


def field_error(html: str, field_id: str) -> str:
    match = re.search(rf'id="{field_id}-error">(.*?)</p>', html, re.S)
    assert match, f"no error shown beside {field_id}"
    return " ".join(unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())


def test_full_journey_apply_verify_status_withdraw(client, consultation):
    response = post_application(client)
    assert response.status_code == 302
    thanks = client.get(response.headers["Location"])
    assert "Check your email" in thanks.text
    assert "FM-P-0001" not in thanks.text  # the reference travels by email only
    assert "amina@example.org" in thanks.text
    # The session cookie is readable by whoever holds it (signed, not encrypted): the
    # address in it is sealed.
    cookie = client.get_cookie(client.application.config["SESSION_COOKIE_NAME"]).value
    readable = client.application.session_interface.get_signing_serializer(
        client.application
    ).loads(cookie)
    assert "amina@example.org" not in str(readable)

    link = latest_link("amina@example.org")
    assert "Confirm my email address" in client.get(link).text
    assert confirm_address(client, link).status_code == 302
    status = client.get(link)
    assert status.status_code == 200
    assert "Under review" in status.text
    assert "FM-P-0001" in status.text
    assert "Civil society" in status.text
    assert "Senegal" in status.text
    assert status.headers["Cache-Control"] == "no-store"

    confirm = client.get(f"{link}/withdraw")
    assert confirm.status_code == 200
    assert "Yes, withdraw my application" in confirm.text
    done = client.post(
        f"{link}/withdraw",
        data={
            "csrf_token": csrf_token(confirm.text),
            "version": form_version(confirm.text),
        },
    )
    assert done.status_code == 302
    after = client.get(link)
    assert "You have withdrawn this application." in after.text
    assert "Withdraw my application" not in after.text

    db.session.expire_all()
    application = db.session.execute(select(Application)).scalar_one()
    assert application.state == ApplicationState.WITHDRAWN
    assert [e.to_state for e in application.events] == [
        ApplicationState.SUBMITTED,
        ApplicationState.UNDER_REVIEW,
        ApplicationState.WITHDRAWN,
    ]
    templates = (
        db.session.execute(select(OutboxMessage.template).order_by(OutboxMessage.id))
        .scalars()
        .all()
    )
    assert templates == ["verify_email", "application_received", "withdrawal_acknowledged"]


def test_every_form_control_has_a_visible_label(client, consultation):
    html = client.get("/c/geneva/apply").text
    controls = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    ids = [re.search(r'\bid="([^"]+)"', c)[1] for c in controls if 'type="hidden"' not in c]
    assert len(ids) > 15
    for control_id in ids:
        assert f'<label for="{control_id}"' in html, f"#{control_id} has no label"
    assert html.count("<fieldset") >= 6  # sections and the two radio groups
    assert "<legend>Role" in html and "<legend>Stakeholder category" in html
    assert '="None"' not in html


def test_missing_fields_are_reported_beside_each_and_values_are_kept(client, consultation):
    response = post_application(
        client,
        full_name="",
        country="",
        role=None,
        category=None,
        email="not-an-email",
        organization_name="Kept Org",
    )
    assert response.status_code == 422
    html = response.text
    assert field_error(html, "full_name") == "Error: Enter your full name."
    assert "Enter an email address like name@example.org." in field_error(html, "email")
    assert "Choose the country" in field_error(html, "country")
    assert "Choose the role" in field_error(html, "role")
    assert "Choose the stakeholder group" in field_error(html, "category")
    assert 'value="Kept Org"' in html
    assert 'value="not-an-email"' in html
    assert 'aria-invalid="true"' in html
    assert 'role="alert"' in html  # the error summary
    assert application_count() == 0


def test_speakers_must_give_topic_abstract_and_bio(client, consultation):
    response = post_application(client, role="keynote", topic="", abstract="", bio="")
    assert response.status_code == 422
    assert "propose a topic" in field_error(response.text, "topic")
    assert "abstract" in field_error(response.text, "abstract")
    assert "biography" in field_error(response.text, "bio")
    assert application_count() == 0


def test_attendees_need_no_topic(client, consultation):
    response = post_application(client, role="attendee", topic="", abstract="", bio="")
    assert response.status_code == 302


def test_government_representatives_must_name_their_organization(client, consultation):
    response = post_application(
        client, category=str(category("government").id), organization_name=""
    )
    assert response.status_code == 422
    assert "Name the government" in field_error(response.text, "organization_name")


def test_international_organizations_pick_from_the_list(client, consultation):
    from consult.consultations.models import Organization

    itu = db.session.execute(select(Organization).where(Organization.acronym == "ITU")).scalar_one()
    response = post_application(
        client,
        category=str(category("international_organization").id),
        organization_name="",
        organization_id=str(itu.id),
    )
    assert response.status_code == 302
    application = db.session.execute(select(Application)).scalar_one()
    assert application.organization_id == itu.id
    assert application.display_organization == "International Telecommunication Union (ITU)"


def test_the_organization_list_is_only_for_international_organizations(client, consultation):
    from consult.consultations.models import Organization

    itu = db.session.execute(select(Organization).where(Organization.acronym == "ITU")).scalar_one()
    response = post_application(client, organization_id=str(itu.id))
    assert response.status_code == 422
    assert "Only representatives" in field_error(response.text, "organization_id")


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("full_name", 200),
        ("organization_name", 200),
        ("topic", 300),
        ("abstract", 3000),
        ("bio", 1500),
        ("accessibility_needs", 1000),
    ],
)
def test_over_long_fields_are_refused_beside_the_field(client, consultation, field, limit):
    response = post_application(client, **{field: "x" * (limit + 1)})
    assert response.status_code == 422
    assert f"longer than {limit}" in field_error(response.text, field)
    assert application_count() == 0


def test_unknown_choices_are_refused(client, consultation):
    response = post_application(client, country="XX", role="emperor", category="99999")
    assert response.status_code == 422
    for field in ("country", "role", "category"):
        assert "Not a valid choice" in field_error(response.text, field)
    assert application_count() == 0


def test_a_repeat_application_is_answered_like_a_first_and_mails_the_owner(client, consultation):
    """The page must not reveal that an address has applied; its owner gets the link."""
    first = post_application(client, email="twice@example.org")
    first_thanks = client.get(first.headers["Location"]).text
    again = post_application(client, email="Twice@Example.org")
    assert (again.status_code, again.headers["Location"]) == (302, first.headers["Location"])
    assert client.get(again.headers["Location"]).text == first_thanks
    assert application_count() == 1
    templates = (
        db.session.execute(select(OutboxMessage.template).order_by(OutboxMessage.id))
        .scalars()
        .all()
    )
    assert templates == ["verify_email", "already_applied"]


def test_already_applied_emails_are_limited_per_address(client, consultation):
    from consult.applications.services import ALREADY_APPLIED_PER_WINDOW

    for _ in range(ALREADY_APPLIED_PER_WINDOW + 4):
        assert post_application(client, email="flood@example.org").status_code == 302
    sent = (
        db.session.execute(
            select(OutboxMessage.template).where(OutboxMessage.to_address == "flood@example.org")
        )
        .scalars()
        .all()
    )
    assert sent.count("already_applied") == ALREADY_APPLIED_PER_WINDOW
    assert sent.count("verify_email") == 1


def test_a_form_without_a_valid_csrf_token_is_refused(client, consultation):
    page = client.get("/c/geneva/apply")
    data = form_data(page.text, csrf_token="tampered")
    response = client.post("/c/geneva/apply", data=data)
    assert response.status_code == 400
    assert "nothing was saved" in response.text
    assert application_count() == 0


@pytest.mark.parametrize(
    ("kwargs", "status", "text"),
    [
        ({"state": ConsultationState.CLOSED}, 410, "Applications are closed"),
        (
            {"opens_in": timedelta(days=-9), "closes_in": timedelta(minutes=-5)},
            410,
            "Applications are closed",
        ),
        ({"opens_in": timedelta(days=3)}, 403, "not open yet"),
    ],
    ids=["closed", "after-deadline", "not-yet-open"],
)
def test_applying_outside_the_window(client, ctx, kwargs, status, text):
    make_consultation(slug="shut", **kwargs)
    assert client.get("/c/shut/apply").status_code == status
    response = client.post("/c/shut/apply", data={"full_name": "x"})
    assert response.status_code in (status, 400)  # no form was served, so no CSRF token
    page = client.get("/c/shut/apply")
    assert text in page.text
    assert application_count() == 0


def test_a_deadline_passing_while_the_form_is_open_gives_410(client, consultation):
    page = client.get("/c/geneva/apply")
    from consult.database import transaction, utcnow

    with transaction():
        consultation.applications_close_at = utcnow() - timedelta(seconds=1)
    response = client.post("/c/geneva/apply", data=form_data(page.text))
    assert response.status_code == 410
    assert application_count() == 0


def test_draft_consultations_are_not_found(client, ctx):
    make_consultation(slug="secret", state=ConsultationState.DRAFT)
    assert client.get("/c/secret").status_code == 404
    assert client.get("/c/secret/apply").status_code == 404


def test_an_unknown_link_is_404(client, consultation):
    response = client.get("/a/this-is-not-a-token")
    assert response.status_code == 404
    assert "do not recognise this link" in response.text
    assert client.post("/a/this-is-not-a-token/withdraw").status_code in (400, 404)


def test_withdrawing_on_a_stale_page_is_refused(client, consultation):
    post_application(client)
    link = latest_link("amina@example.org")
    confirm_address(client, link)
    page = client.get(f"{link}/withdraw")  # shows version 2 (verified)
    response = client.post(
        f"{link}/withdraw",
        data={
            "csrf_token": csrf_token(page.text),
            "version": "1",
        },
    )
    assert response.status_code == 409
    assert "changed while you were looking at it" in response.text
    db.session.expire_all()
    assert db.session.execute(select(Application.state)).scalar_one() == (
        ApplicationState.UNDER_REVIEW
    )


def test_a_confirmed_attendee_cancels_and_the_next_one_waiting_gets_the_place(
    app, client, consultation, admin
):
    """Attendee places are first come, first served (3 here): the fourth waits. When a
    confirmed one cancels online, with a reason, the place goes to the fourth (emailed),
    the secretariat is emailed, and the first is told."""
    people = [f"person{n}@example.org" for n in range(4)]
    for address in people:
        visitor = app.test_client()
        post_application(visitor, role="attendee", email=address)
        confirm_address(visitor, latest_link(address))
    link = latest_link(people[0])
    assert "Your participation is confirmed" in client.get(link).text
    assert "you are on the waiting list" in client.get(latest_link(people[3])).text
    status = client.get(link).text
    assert "Cancel my participation" in status
    # "Decline" means cancel once confirmed: that page leads here.
    assert client.get(f"{link}/decline").headers["Location"].endswith(f"{link}/withdraw")
    page = client.get(f"{link}/withdraw")
    assert page.status_code == 200 and "Cancel your participation" in page.text
    too_long = client.post(
        f"{link}/withdraw",
        data={
            "csrf_token": csrf_token(page.text),
            "version": form_version(page.text),
            "reason": "x" * 1001,
        },
    )
    assert too_long.status_code == 422 and 'id="reason-error"' in too_long.text
    response = client.post(
        f"{link}/withdraw",
        data={
            "csrf_token": csrf_token(page.text),
            "version": form_version(page.text),
            "reason": "My flight was cancelled.",
        },
    )
    assert response.status_code == 302
    assert "Your participation is cancelled" in client.get(response.headers["Location"]).text
    db.session.expire_all()
    first, fourth = (
        db.session.execute(select(Application).where(Application.email == address)).scalar_one()
        for address in (people[0], people[3])
    )
    assert first.state == ApplicationState.CANCELLED
    assert first.events[-1].note == "Cancelled by the applicant. They gave a reason."
    assert first.leaving_reason == "My flight was cancelled."  # (erased with the person)
    assert fourth.state == ApplicationState.CONFIRMED  # promoted from the waiting list
    mails = {
        (m.to_address, m.template) for m in db.session.execute(select(OutboxMessage)).scalars()
    }
    assert (people[0], "cancellation_acknowledged") in mails
    assert (people[3], "promoted") in mails
    [notice] = [
        m
        for m in db.session.execute(select(OutboxMessage)).scalars()
        if m.template == "participant_left"
    ]
    assert notice.to_address == admin.email
    assert "My flight was cancelled." in notice.body_text and first.reference in notice.subject
    login(admin_client := app.test_client(), admin.email)
    detail = admin_client.get(f"/secretariat/applications/{first.id}").text
    assert "Why they left" in detail and "My flight was cancelled." in detail
    # Cancelled is final: no second cancellation, and the place is not held.
    again = client.get(f"{link}/withdraw")
    assert again.status_code == 409


def test_the_thanks_page_without_an_application_goes_back(client, consultation):
    response = client.get("/c/geneva/apply/thanks")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/c/geneva")


def test_security_headers(client, consultation):
    response = client.get("/c/geneva")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


class TestRateLimit:
    """Accepted applications are counted per client address and per email address; a
    form refused for a mistake is not; one over the limit keeps what was typed and says
    why, in the page's language."""

    @pytest.fixture
    def app_overrides(self):
        return {
            "RATELIMIT_ENABLED": True,
            "APPLY_RATE_LIMIT": "2 per minute",
            "APPLY_EMAIL_RATE_LIMIT": "1 per minute",
        }

    def test_only_accepted_applications_count(self, client, consultation):
        for _ in range(3):  # mistakes do not use up the limit
            assert post_application(client, email="not an address").status_code == 422
        codes = [post_application(client, email=f"p{i}@example.org").status_code for i in range(3)]
        assert codes == [302, 302, 429]
        assert application_count() == 2

    def test_over_the_limit_the_form_keeps_what_was_typed_in_the_page_language(
        self, client, consultation
    ):
        for i in range(2):
            post_application(client, email=f"p{i}@example.org")
        page = client.get("/c/geneva/apply?lang=fr")
        refused = client.post(
            "/c/geneva/apply",
            data=form_data(page.text, full_name="Amélie Ndiaye", email="amelie@example.org"),
        )
        assert refused.status_code == 429
        html = unescape(refused.text)
        assert 'value="Amélie Ndiaye"' in html and 'value="amelie@example.org"' in html
        assert "Trop de candidatures" in html  # French, like the page
        assert application_count() == 2

    def test_a_flood_of_posts_is_refused_in_the_page_language(self, app, client, consultation):
        app.config["APPLY_POST_RATE_LIMIT"] = "2 per minute"
        client.get("/c/geneva?lang=fr")  # the visitor reads French
        codes = [post_application(client, email="not an address").status_code for _ in range(3)]
        assert codes == [422, 422, 429]
        refused = post_application(client, email="not an address")
        assert refused.status_code == 429 and '<html lang="fr"' in refused.text

    def test_one_email_address_is_limited_across_roles(self, client, consultation):
        assert (
            post_application(client, role="panelist", email="same@example.org").status_code == 302
        )
        assert (
            post_application(client, role="attendee", email="same@example.org").status_code == 429
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "Amina\nBcc: victim@example.org", "without line breaks"),
        ("full_name", "Win a prize at https://evil.example", "not a web address"),
        ("organization_name", "www.evil.example", "not a web address"),
        ("email", "ünïcode@example.org", "only Latin letters before the @"),
    ],
)
def test_names_and_addresses_that_could_carry_abuse_are_refused_beside_the_field(
    client, consultation, field, value, message
):
    response = post_application(client, **{field: value})
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert application_count() == 0


def test_control_characters_and_bidi_overrides_are_cleaned_and_idn_domains_kept_ascii(
    client, consultation
):
    response = post_application(
        client,
        full_name="Amina\x00 Dia\u202ello",
        accessibility_needs="Step-free\x07 access\nand captions",
        email="amina@bücher.example",
    )
    assert response.status_code == 302
    application = db.session.execute(select(Application)).scalar_one()
    assert application.full_name == "Amina Diallo"
    assert application.accessibility_needs == "Step-free access\nand captions"
    assert application.email == "amina@xn--bcher-kva.example"


def test_the_same_form_sent_again_is_answered_like_the_first_time(client, consultation):
    """A retry after a lost answer (the connection dropped after the save): the same
    "check your email" page, no second application, and no "you already applied" email
    -- the first email is on its way. Another form from the same person still gets one."""
    page = client.get("/c/geneva/apply")
    data = form_data(page.text)
    assert (
        data["form_key"]
        and data["form_key"] != form_data(client.get("/c/geneva/apply").text)["form_key"]
    )
    first = client.post("/c/geneva/apply", data=data)
    again = client.post("/c/geneva/apply", data=data)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert "amina@example.org" in client.get(again.headers["Location"]).text
    assert application_count() == 1
    templates = db.session.execute(select(OutboxMessage.template)).scalars().all()
    assert templates == ["verify_email"]
    post_application(client)  # a new form: the owner is reminded of their link
    templates = db.session.execute(select(OutboxMessage.template)).scalars().all()
    assert sorted(templates) == ["already_applied", "verify_email"]


def test_invisible_characters_are_not_kept_in_names(client, consultation):
    """A name padded with zero-width characters looks like another person's; the
    joiners Persian and Indic scripts need stay inside a word."""
    response = post_application(
        client,
        full_name="\u200dAmina\u200b Di\u2060allo\ufeff\u200c",
        organization_name="Nasr\u200cAbad Cooperative",
    )
    assert response.status_code == 302
    application = db.session.execute(select(Application)).scalar_one()
    assert application.full_name == "Amina Diallo"
    assert application.organization_name == "Nasr\u200cAbad Cooperative"


def test_reviewers_see_who_was_emailed_but_never_the_text(
    reviewer_client, admin_client, consultation
):
    post_application(reviewer_client, email="private@example.org")
    message_id = db.session.execute(select(OutboxMessage.id)).scalar_one()
    as_reviewer = reviewer_client.get(f"/secretariat/outbox/{message_id}").text
    assert "Only administrators can read the text of emails." in as_reviewer
    assert "Please confirm your email address" not in as_reviewer
    as_admin = admin_client.get(f"/secretariat/outbox/{message_id}").text
    assert "/a/[private-link]" in as_admin


def test_forms_work_over_https_without_a_referer(app, consultation):
    """Pages send no Referer (Referrer-Policy: no-referrer), so a POST over HTTPS has
    none: the CSRF check must not demand one (found applying through nginx)."""
    client = app.test_client()
    page = client.get("/c/geneva/apply", base_url="https://consult.test")
    response = client.post(
        "/c/geneva/apply", data=form_data(page.text), base_url="https://consult.test"
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/c/geneva/apply/thanks")


def test_the_apply_path_runs_a_fixed_number_of_statements(app, client, consultation):
    """The form and its POST: a budget of SQL statements, the same however many
    applications there are. What does not change between requests
    comes from the process's cache: the form reads only the cache stamp and the places
    left; the POST the stamp, the duplicate check and its four writes."""
    from tests.queries import count_queries

    post_application(client, email="first@example.org")  # fills the cache
    data = form_data(client.get("/c/geneva/apply").text)
    with count_queries(app) as get:
        client.get("/c/geneva/apply")
    with count_queries(app) as post:
        assert client.post("/c/geneva/apply", data=data).status_code == 302
    for n in range(10):
        post_application(client, email=f"more{n}@example.org")
    data = form_data(client.get("/c/geneva/apply").text, email="last@example.org")
    with count_queries(app) as get_later:
        client.get("/c/geneva/apply")
    with count_queries(app) as post_later:
        assert client.post("/c/geneva/apply", data=data).status_code == 302
    assert len(get) == len(get_later) <= 2, get
    assert len(post) == len(post_later) <= 6, post


def test_public_pages_keep_the_applicants_footer(client, consultation):
    assert "Questions about your application?" in client.get("/c/geneva").text


def test_the_consent_to_be_named_says_where(client, consultation):
    """One consent names a person in the participants list and, for a speaker, in the
    programme: the form says both."""
    page = unescape(client.get("/c/geneva/apply").text)
    label = re.search(r'<label for="list_publicly">(.*?)</label>', page, re.S).group(1)
    assert "list of participants" in label and "in the programme" in label
    assert "Only once your participation is confirmed" in page


def test_stakeholder_category_hints_speak_the_page_language(client, consultation):
    """The categories' descriptions are translated on the Translations page: the apply
    form's hints use them, as the form's other texts do."""
    from consult.consultations.content import set_translation
    from consult.database import transaction

    civil = category("civil_society")
    french_text = "Organisations non gouvernementales et réseaux."
    with transaction():
        civil.description = "Non-governmental organizations and networks."
        set_translation(civil, "description", "fr", french_text)
    french = unescape(client.get("/c/geneva/apply?lang=fr").text)
    assert french_text in french
    assert "Non-governmental organizations and networks." not in french
    english = unescape(client.get("/c/geneva/apply?lang=en").text)
    assert "Non-governmental organizations and networks." in english


def test_applying_twice_is_told_to_the_person_and_shown_to_the_secretariat(
    app, client, consultation, admin
):
    """One person, a panelist and an attendee application at once."""
    post_application(client, role="panelist", email="twice@example.org")
    post_application(app.test_client(), role="attendee", email="TWICE@example.org")
    post_application(app.test_client(), role="panelist", email="someone.else@example.org")
    from tests.factories import link_token

    panelist, attendee, other = db.session.execute(
        select(Application).order_by(Application.id)
    ).scalars()
    speaker_page = unescape(client.get(f"/a/{link_token(panelist)}").text)
    also = speaker_page.split("You have applied more than once")[1].split("</section>")[0]
    assert attendee.reference in also and panelist.reference not in also
    assert "You have applied more than once" not in client.get(f"/a/{link_token(other)}").text
    login(staff := app.test_client(), admin.email)
    detail = staff.get(f"/secretariat/applications/{panelist.id}").text
    assert "The same person applied again" in detail and attendee.reference in detail
    assert (
        "The same person applied again"
        not in staff.get(f"/secretariat/applications/{other.id}").text
    )
