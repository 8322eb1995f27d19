"""The six UN languages: a page says the language it is written in, the switcher,
Accept-Language, the consultation's own texts per language, right-to-left Arabic, and
the applicant's language for every email, whoever sends it and when."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.applications.services import Decision, decide_application
from consult.consultations.content import set_translation
from consult.database import transaction
from consult.enums import Role
from consult.extensions import db
from consult.notifications.models import OutboxMessage
from tests.conftest import csrf_token, login
from tests.factories import make_consultation, under_review


def html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


@pytest.fixture
def consultation(ctx):
    return make_consultation(slug="geneva", title="Financial Mechanisms")


@pytest.mark.parametrize(
    ("accept", "lang", "heading"),
    [
        ("fr-CH,fr;q=0.9,en;q=0.5", "fr", "Poser sa candidature"),
        ("es", "es", "Solicitar participar"),
        ("ar", "ar", "التقدّم بطلب للمشاركة"),
        ("zh-CN,zh;q=0.9", "zh-Hans", "申请参加"),
        ("ru", "ru", "Подать заявку на участие"),
        ("de-CH,de;q=0.9", "en", "Apply to take part"),  # not a UN language: English
    ],
)
def test_a_first_visit_follows_accept_language_and_the_page_says_so(
    client, consultation, accept, lang, heading
):
    html = client.get("/c/geneva/apply", headers={"Accept-Language": accept}).text
    assert html_tag(html).startswith(f'<html lang="{lang}"')
    assert f"<h1>{heading}</h1>" in html


def test_the_switcher_names_each_language_in_itself_and_is_remembered(client, consultation):
    html = client.get("/c/geneva").text
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    for code, name in [
        ("fr", "Français"),
        ("es", "Español"),
        ("ar", "العربية"),
        ("zh-Hans", "中文"),
        ("ru", "Русский"),
    ]:
        assert re.search(
            rf'<a href="/c/geneva\?lang=\w+" lang="{code}" hreflang="{code}">{name}</a>', switcher
        ), name
    assert '<span aria-current="true" lang="en">English</span>' in switcher
    # Chosen once (no JavaScript: a link), then every page of the visit follows.
    assert html_tag(client.get("/c/geneva?lang=ru").text).startswith('<html lang="ru"')
    assert html_tag(client.get("/", headers={"Accept-Language": "fr"}).text).startswith(
        '<html lang="ru"'
    )


def test_arabic_reads_right_to_left_in_pages_and_emails(client, consultation, ctx):
    html = client.get("/c/geneva/apply?lang=ar").text
    assert html_tag(html) == '<html lang="ar" dir="rtl">'
    application, _ = under_review(consultation, language="ar")
    message = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.template == "application_received")
    ).scalar_one()
    assert '<html lang="ar" dir="rtl">' in message.body_html
    assert "شكراً لتأكيد عنوان بريدك الإلكتروني" in message.body_text
    # The Latin-script name keeps its own direction inside the Arabic text.
    assert "<bdi>Amina Diallo</bdi>" in message.body_html


def test_consultation_texts_per_language_with_english_marked_as_english(client, consultation):
    # No French title yet: the English one, inside an element that says it is English.
    html = client.get("/c/geneva?lang=fr").text
    assert '<h1><bdi lang="en" dir="auto">Financial Mechanisms</bdi></h1>' in html
    with transaction():
        set_translation(consultation, "title", "fr", "Mécanismes financiers")
    html = client.get("/c/geneva?lang=fr").text
    assert "<h1>Mécanismes financiers</h1>" in html
    assert "<title>Mécanismes financiers – Consultations du GNUSI</title>" in html
    # English pages never wrap English text.
    assert "<h1>Financial Mechanisms</h1>" in client.get("/c/geneva?lang=en").text


def test_admins_write_the_texts_in_each_language(app, admin_client, consultation):
    url = f"/secretariat/consultations/{consultation.id}/translations/es"
    page = admin_client.get(url)
    assert page.status_code == 200
    # Typed text is announced as Spanish, in its own direction.
    assert re.search(r'<input[^>]*dir="auto"[^>]*lang="es"', page.text)
    data = {"csrf_token": csrf_token(page.text), "consultation-title": "x" * 301}
    refused = admin_client.post(url, data=data)
    assert refused.status_code == 422
    assert "<title>Error: " in refused.text
    data["consultation-title"] = "Mecanismos financieros"
    data["consultation-venue"] = "Palacio de las Naciones, Ginebra"
    assert admin_client.post(url, data=data).status_code == 302
    public = app.test_client().get("/c/geneva?lang=es").text
    assert "<h1>Mecanismos financieros</h1>" in public
    assert "Palacio de las Naciones, Ginebra" in public
    overview = admin_client.get(f"/secretariat/consultations/{consultation.id}/translations").text
    assert re.search(r"2 of \d+", overview)
    # English has no translation page (it is written on the settings page).
    assert admin_client.get(url.replace("/es", "/en")).status_code == 404


def test_the_applicants_language_is_used_for_every_email_to_them(app, consultation, admin):
    """Applied in French; the admin decides in English, later: the email is French."""
    client = app.test_client()
    client.get("/?lang=fr")
    application, _ = under_review(consultation, Role.KEYNOTE, language="fr")
    staff = app.test_client()
    login(staff, admin.email)
    staff.get("/secretariat/applications?lang=en")
    decide_application(application, Decision.ACCEPT, by=admin, expected_version=2)
    accepted = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.template == "accepted")
    ).scalar_one()
    assert accepted.language == "fr"
    assert (
        accepted.subject
        == f"Veuillez confirmer : votre candidature {application.reference} est acceptée"
    )
    assert '<html lang="fr" dir="ltr">' in accepted.body_html


def test_a_staff_members_language_follows_them_to_the_next_sign_in(app, admin):
    first = app.test_client()
    login(first, admin.email)
    assert '<html lang="fr"' in first.get("/secretariat/applications?lang=fr").text
    later = app.test_client()  # another browser, no session, English Accept-Language
    login(later, admin.email)
    html = later.get("/secretariat/applications", headers={"Accept-Language": "en"}).text
    assert html_tag(html).startswith('<html lang="fr"')
    assert "File d'examen" in html or "File d&#39;examen" in html


def test_a_public_page_in_another_language_does_not_change_the_staff_members_own(
    app, admin, consultation
):
    """Previewing the Arabic programme is for that visit: the next sign-in is still in
    the language the staff member chose in the secretariat."""
    first = app.test_client()
    login(first, admin.email)
    first.get("/secretariat/applications?lang=fr")
    assert '<html lang="ar"' in first.get(f"/c/{consultation.slug}/programme?lang=ar").text
    later = app.test_client()
    login(later, admin.email)
    html = later.get("/secretariat/applications", headers={"Accept-Language": "en"}).text
    assert html_tag(html).startswith('<html lang="fr"')


def test_only_complete_catalogs_are_offered(app, client, consultation, tmp_path, monkeypatch):
    """A language whose catalog misses one message is not offered: no switcher link,
    Accept-Language falls back to English, and <html lang> says English."""
    import consult.i18n as i18n

    copy = tmp_path / "translations"
    shutil.copytree(i18n.TRANSLATIONS, copy)
    po_file = copy / "ru" / "LC_MESSAGES" / "messages.po"
    po_file.write_text(
        po_file.read_text().replace('msgstr "Подать заявку на участие"', 'msgstr ""', 1)
    )
    monkeypatch.setattr(i18n, "TRANSLATIONS", copy)
    i18n.catalog_is_complete.cache_clear()
    try:
        html = client.get("/c/geneva/apply", headers={"Accept-Language": "ru"}).text
        assert html_tag(html).startswith('<html lang="en"')
        assert "Русский" not in html and "Français" in html
    finally:
        i18n.catalog_is_complete.cache_clear()


def test_the_translation_pages_read_each_language_once(app, admin_client, consultation, admin):
    """The overview and the form look translations up per language, not per text."""
    from consult.programme.models import SessionKind
    from consult.programme.services import SessionData, save_session
    from tests.queries import count_queries

    pages = [
        f"/secretariat/consultations/{consultation.id}/translations",
        f"/secretariat/consultations/{consultation.id}/translations/fr",
    ]
    for url in pages:  # fill the process's cache (consult/cache.py) first
        admin_client.get(url)
    few = []
    for url in pages:
        with count_queries(app) as queries:
            admin_client.get(url)
        few.append(len(queries))
    for n in range(5):  # ten more texts to translate
        start = consultation.starts_at + timedelta(hours=n)
        data = SessionData(
            f"Session {n}",
            SessionKind.PANEL,
            start,
            start + timedelta(hours=1),
            description="About it.",
        )
        save_session(consultation, data, by=admin)
    many = []
    for url in pages:
        with count_queries(app) as queries:
            admin_client.get(url)
        many.append(len(queries))
    assert many == few  # the same, however many texts


@pytest.mark.parametrize("browser", ["en-GB", "en-US", "fr", "ar", "zh", "ru", "es"])
def test_meeting_times_use_a_24_hour_clock_and_un_english(client, consultation, browser):
    """An en-GB browser got "January 29, 2027, 10:00 AM": times of a Geneva
    meeting are on a 24-hour clock in every language, and English dates are written as
    the UN writes them ("29 January 2027")."""
    page = client.get("/c/geneva", headers={"Accept-Language": browser}).text
    facts = page.split('<dl class="facts">')[1].split("</dl>")[0]
    assert not re.search(r"\b(AM|PM|a\.m\.|p\.m\.)\b", facts), facts
    assert re.search(r"\b\d{2}:\d{2}\b", facts), facts
    if browser.startswith("en"):
        months = "January|February|March|April|May|June|July|August|September|October"
        assert re.search(rf"\b\d{{1,2}} ({months}|November|December) \d{{4}}", facts), facts


@pytest.mark.parametrize(
    ("lang", "months", "expected"),
    [
        ("ar", 6, "بعد 6 أشهر من الاجتماع"),  # 3-10: the plural, not "6 شهراً"
        ("ar", 12, "بعد 12 شهراً من الاجتماع"),  # 11-99: the singular accusative
        ("ar", 2, "بعد شهرين من الاجتماع"),  # the dual says the number itself
        ("ru", 2, "через 2 месяца после"),
        ("ru", 5, "через 5 месяцев после"),
        ("en", 1, "erases it 1 month after the meeting"),
    ],
)
def test_counts_take_each_languages_plural_forms(client, consultation, lang, months, expected):
    """Issue 19.13: a count in a sentence takes the form the language gives that number."""
    with transaction():
        consultation.retention_months = months
    _application, token = under_review(consultation)
    assert expected in client.get(f"/a/{token}?lang={lang}").text


def test_a_single_review_is_not_reviews(admin_client, admin, consultation):
    from consult.review.services import save_review

    application, _token = under_review(consultation)
    save_review(application, admin, 4, "")
    html = admin_client.get(f"/secretariat/applications/{application.id}").text
    assert "Average: 4.0 from 1 review." in html and "review(s)" not in html


@pytest.mark.parametrize(
    ("lang", "code", "name"),
    [
        ("en", "RU", "Russian Federation"),
        ("en", "PS", "State of Palestine"),
        ("en", "KR", "Republic of Korea"),
        ("en", "VA", "Holy See"),
        ("fr", "VA", "Saint-Siège"),
        ("es", "RU", "Federación de Rusia"),
        ("ar", "SY", "الجمهورية العربية السورية"),
        ("zh", "KR", "大韩民国"),
        ("ru", "TZ", "Объединенная Республика Танзания"),
    ],
)
def test_countries_are_named_as_the_un_writes_them(client, consultation, lang, code, name):
    """Issue 19.14: UNTERM short names in the six languages, on the form people use;
    no uninhabited territory among the countries people come from."""
    html = client.get(f"/c/geneva/apply?lang={lang}").text
    assert f'<option value="{code}">{name}</option>' in html
    for uninhabited in ("AQ", "BV", "HM"):
        assert f'<option value="{uninhabited}">' not in html


def test_listed_organizations_are_translatable_content_and_found_in_any_language(
    client, admin_client, consultation
):
    """Issue 19.12: the international organizations (name and acronym) are on the
    Translations page like the rest; the form shows them in the page's language, and the
    queue's search finds them by any of their names."""
    from consult.consultations.models import Organization
    from tests.factories import category

    itu = db.session.execute(select(Organization).where(Organization.acronym == "ITU")).scalar_one()
    unu = db.session.execute(select(Organization).where(Organization.acronym == "UNU")).scalar_one()
    # The UNGIS members come with their French names; an admin writes another language.
    assert (
        "Union internationale des télécommunications (UIT)"
        in client.get("/c/geneva/apply?lang=fr").text
    )
    url = f"/secretariat/consultations/{consultation.id}/translations/ru"
    page = admin_client.get(url)
    assert f'name="org-{unu.id}-acronym"' in page.text
    admin_client.post(
        url,
        data={
            "csrf_token": csrf_token(page.text),
            f"org-{unu.id}-name": "Университет Организации Объединенных Наций",
            f"org-{unu.id}-acronym": "УООН",
        },
    )
    html = client.get("/c/geneva/apply?lang=ru").text
    option = re.search(rf'<option[^>]*value="{unu.id}"[^>]*>([^<]*)</option>', html)
    assert option.group(1) == "Университет Организации Объединенных Наций (УООН)"
    assert 'lang="ru"' in option.group(0)

    application, _token = under_review(
        consultation,
        Role.PANELIST,
        organization_id=itu.id,
        organization_name="",
        category_id=category("international_organization").id,
    )
    for text in ("UIT", "télécommunications", "МСЭ", "国际电信联盟"):
        found = admin_client.get(
            "/secretariat/applications",
            query_string={"consultation": consultation.id, "q": text},
        ).text
        assert application.reference in found, text
    status = client.get(f"/a/{_token}?lang=fr").text
    assert "Union internationale des télécommunications (UIT)" in status
