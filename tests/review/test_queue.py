"""The review queue: filters, sorts, keyset pages, counts, fixed query count."""

from __future__ import annotations

import re

import pytest

from consult.enums import ApplicationState, Role
from consult.review.services import ReviewQueueFilter, queue_page, save_review
from tests.conftest import csrf_token
from tests.factories import category, make_consultation, submit, under_review


def refs(html: str) -> list[str]:
    return re.findall(
        r'<a href="/secretariat/applications/\d+(?:\?[^"]*)?">(FM-[A-Z]-\d{4})</a>', html
    )


@pytest.fixture
def consultation(ctx):
    return make_consultation(slug="geneva")


def test_queue_lists_applications_with_counts_per_state(admin_client, consultation):
    under_review(consultation, full_name="Amina Diallo")
    under_review(consultation, Role.KEYNOTE, full_name="Jean Dupont")
    submit(consultation, full_name="Not Verified")
    html = admin_client.get(f"/secretariat/applications?consultation={consultation.id}").text
    assert refs(html) == ["FM-P-0002", "FM-K-0001", "FM-P-0001"]  # newest first
    assert "All: 3" in " ".join(html.split())
    assert "Under review: 2" in " ".join(html.split())
    assert "Email unconfirmed: 1" in " ".join(html.split())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("role=keynote", ["FM-K-0001"]),
        ("state=submitted", ["FM-P-0003"]),
        ("country=FR", ["FM-K-0001"]),
        ("q=universal+service", ["FM-P-0001"]),
        ("q=dupont", ["FM-K-0001"]),
        ("q=FM-P-0002", ["FM-P-0002"]),
        ("q=100%25", []),  # LIKE wildcards are matched literally
    ],
)
def test_filters(admin_client, consultation, query, expected):
    under_review(consultation, topic="Universal service funds")
    under_review(
        consultation,
        Role.KEYNOTE,
        full_name="Jean Dupont",
        country="FR",
        category_id=category("government").id,
    )
    under_review(
        consultation, topic="Digital public goods", category_id=category("private_sector").id
    )
    submit(consultation, topic="Unverified")
    html = admin_client.get(f"/secretariat/applications?consultation={consultation.id}&{query}")
    assert sorted(refs(html.text)) == sorted(expected)


def test_category_filter(admin_client, consultation):
    under_review(consultation)
    under_review(consultation, category_id=category("private_sector").id)
    url = (
        f"/secretariat/applications?consultation={consultation.id}"
        f"&category={category('private_sector').id}"
    )
    assert refs(admin_client.get(url).text) == ["FM-P-0002"]


def test_listed_organizations_are_searched_and_filtered(admin_client, consultation):
    """Rows show the listed organization's name: the search finds it by that name or its
    acronym, accents folded; the organization filter lists exactly its applicants."""
    import sqlalchemy as sa

    from consult.consultations.models import Organization
    from consult.extensions import db

    orgs = {o.acronym: o for o in db.session.execute(sa.select(Organization)).scalars()}
    under_review(consultation, organization_id=orgs["UNDP"].id)  # FM-P-0001
    under_review(consultation, organization_id=orgs["ITU"].id)  # FM-P-0002
    under_review(consultation, organization_name="Ministère de l’Économie")  # FM-P-0003
    base = f"/secretariat/applications?consultation={consultation.id}"
    for query, expected in (
        ("q=UNDP", ["FM-P-0001"]),
        ("q=Development+Programme", ["FM-P-0001"]),
        ("q=Telecommunication", ["FM-P-0002"]),
        ("q=ministere+de+l", ["FM-P-0003"]),
        ("q=economie", ["FM-P-0003"]),
        (f"organization={orgs['ITU'].id}", ["FM-P-0002"]),
        (f"organization={orgs['ITU'].id}&q=undp", []),
        ("organization=999999", ["FM-P-0003", "FM-P-0002", "FM-P-0001"]),  # not a choice
    ):
        html = admin_client.get(f"{base}&{query}").text
        assert refs(html) == expected, query
    assert "Listed organization" in admin_client.get(base).text


def test_not_yet_reviewed_by_me(admin_client, admin, reviewer, consultation):
    first, _ = under_review(consultation)
    second, _ = under_review(consultation)
    save_review(first, admin, 4, "")
    save_review(second, reviewer, 2, "")  # someone else's review does not hide it
    url = f"/secretariat/applications?consultation={consultation.id}&mine=y"
    assert refs(admin_client.get(url).text) == ["FM-P-0002"]


def test_sort_by_score_and_name(admin_client, admin, consultation):
    low, _ = under_review(consultation, full_name="Zoe Low")
    high, _ = under_review(consultation, full_name="Adam High")
    under_review(consultation, full_name="Maria None")
    save_review(low, admin, 2, "")
    save_review(high, admin, 5, "")
    base = f"/secretariat/applications?consultation={consultation.id}"
    assert refs(admin_client.get(base + "&sort=score").text) == [
        "FM-P-0002",
        "FM-P-0001",
        "FM-P-0003",
    ]
    assert refs(admin_client.get(base + "&sort=name").text) == [
        "FM-P-0002",
        "FM-P-0003",
        "FM-P-0001",
    ]
    assert "5.0" in admin_client.get(base).text  # the average shows in the queue


def test_unparseable_filters_are_ignored_not_500(admin_client, consultation):
    under_review(consultation)
    url = (
        f"/secretariat/applications?consultation={consultation.id}"
        "&role=emperor&state=nope&category=abc&sort=drop+table&country=+&q=%00"
    )
    response = admin_client.get(url)
    assert response.status_code == 200
    assert refs(response.text) == ["FM-P-0001"]


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        "WyJhZnRlciIsICJ4IiwgOTk5OTk5OTk5OTk5OTk5OTk5OV0",  # ["after", "x", 10**19]
        "WyJhZnRlciIsIHsiZHQiOiAibm9wZSJ9LCAxXQ",  # ["after", {"dt": "nope"}, 1]
        "WyJhZnRlciIsICJcdTAwMDAiLCAxXQ",  # ["after", "\u0000", 1] for a date sort
        "bnVsbA",  # null
    ],
)
def test_a_malformed_paging_cursor_is_a_400_not_a_500(admin_client, consultation, cursor):
    under_review(consultation)
    url = f"/secretariat/applications?consultation={consultation.id}&cursor={cursor}"
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "page link is not valid" in response.text


@pytest.mark.parametrize("sort", ["newest", "oldest", "score", "name"])
def test_keyset_pages_walk_forward_and_back_without_gaps(ctx, consultation, admin, sort):
    apps = [under_review(consultation, full_name=f"Person {i % 3}")[0] for i in range(7)]
    for i, application in enumerate(apps[:4]):
        save_review(application, admin, 1 + i % 2, "")
    queue_filter = ReviewQueueFilter(consultation_id=consultation.id, sort=sort)
    everything = [a.reference for a in queue_page(queue_filter, size=100).rows]
    seen, cursor, pages = [], None, []
    while True:
        page = queue_page(queue_filter, cursor=cursor, size=3)
        pages.append(page)
        seen += [a.reference for a in page.rows]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == everything and len(seen) == 7
    assert pages[0].previous_cursor is None
    back = queue_page(queue_filter, cursor=pages[-1].previous_cursor, size=3)
    assert [a.reference for a in back.rows] == [a.reference for a in pages[-2].rows]
    assert back.next_cursor and back.previous_cursor


class TestPageLinks:
    @pytest.fixture
    def app_overrides(self):
        return {"QUEUE_PAGE_SIZE": 2}

    def test_queue_pages_link_to_each_other(self, admin_client, consultation):
        for _ in range(3):
            under_review(consultation)
        first = admin_client.get(f"/secretariat/applications?consultation={consultation.id}")
        assert refs(first.text) == ["FM-P-0003", "FM-P-0002"]
        next_link = re.search(r'href="\?([^"]+)" rel="next"', first.text).group(1)
        second = admin_client.get("/secretariat/applications?" + next_link.replace("&amp;", "&"))
        assert refs(second.text) == ["FM-P-0001"]
        assert 'rel="prev"' in second.text and 'rel="next"' not in second.text


def test_a_free_place_offers_the_next_waitlisted_person_first(admin_client, admin, ctx):
    from consult.applications.services import Decision, decide_application, withdraw_application

    consultation = make_consultation(slug="small", capacities={Role.PANELIST: 1})
    accepted, raw = under_review(consultation)
    waiting, _ = under_review(consultation, full_name="Next In Line")
    later, _ = under_review(consultation)
    decide_application(accepted, Decision.ACCEPT, by=admin, expected_version=accepted.version)
    decide_application(waiting, Decision.WAITLIST, by=admin, expected_version=waiting.version)
    decide_application(later, Decision.WAITLIST, by=admin, expected_version=later.version)
    url = f"/secretariat/applications?consultation={consultation.id}"
    html = admin_client.get(url).text
    assert "places are free" not in html and "place is free" not in html
    withdraw_application(accepted, expected_version=accepted.version)
    html = " ".join(admin_client.get(url).text.split())
    assert "1 place is free for panelist." in html
    assert "FM-P-0002 – <bdi>Next In Line</bdi>" in html


def test_the_queue_without_consultations(admin_client):
    response = admin_client.get("/secretariat/applications")
    assert response.status_code == 200
    assert "There are no consultations yet." in response.text


def test_state_filter_keeps_other_counts(ctx, consultation):
    under_review(consultation)
    submit(consultation)
    page = queue_page(ReviewQueueFilter(consultation.id, state=ApplicationState.SUBMITTED))
    assert len(page.rows) == 1
    assert page.counts[ApplicationState.UNDER_REVIEW] == 1


def test_previous_and_next_follow_the_queue_and_the_filter_survives(
    admin_client, admin, consultation
):
    """Issue 20.9: from a filtered, sorted queue, an application's page leads to the one
    before and after in that queue, and back to it; a review saved keeps the way."""
    names = ["Ana", "Ben", "Chloé", "Dev"]
    rows = [under_review(consultation, Role.PANELIST, full_name=n, country="SN")[0] for n in names]
    under_review(consultation, Role.KEYNOTE, full_name="Bea Keynote", country="SN")
    query = f"consultation={consultation.id}&role=panelist&sort=name"
    q = query.replace("&", "&amp;")  # (as the page's attributes write it)
    queue = admin_client.get(f"/secretariat/applications?{query}").text
    assert f'/secretariat/applications/{rows[1].id}?{q}"' in queue
    page = admin_client.get(f"/secretariat/applications/{rows[1].id}?{query}").text
    assert f'href="/secretariat/applications/{rows[0].id}?{q}" rel="prev"' in page
    assert f'href="/secretariat/applications/{rows[2].id}?{q}" rel="next"' in page
    assert "Bea Keynote" not in page  # (not in the filter: never a neighbour)
    assert f'href="/secretariat/applications?{q}">Back to the queue' in page
    first = admin_client.get(f"/secretariat/applications/{rows[0].id}?{query}").text
    assert 'rel="prev"' not in first
    last = admin_client.get(f"/secretariat/applications/{rows[3].id}?{query}").text
    assert 'rel="next"' not in last

    saved = admin_client.post(
        f"/secretariat/applications/{rows[1].id}/review?{query}",
        data={"csrf_token": csrf_token(page), "score": "4", "comment": ""},
    )
    assert saved.headers["Location"] == f"/secretariat/applications/{rows[1].id}?{query}"
