"""The balance dashboard: selected people and applicants by category, region, gender."""

from __future__ import annotations

import re

from consult.applications.services import Decision, decide_application, withdraw_application
from consult.enums import Role
from consult.regions import REGION_OF_COUNTRY, region_labels, region_of
from consult.review.services import balance
from tests.factories import category, make_consultation, submit, under_review
from tests.queries import count_queries


def test_every_un_member_state_is_in_exactly_one_group():
    assert len(REGION_OF_COUNTRY) == 193
    assert region_of("SN") == "african" and region_of("CH") == "western_european_others"
    assert region_of("BR") == "latin_american_caribbean" and region_of("PL") == "eastern_european"
    assert region_of("JP") == "asia_pacific" and region_of("PS") == "other"


def test_balance_counts(ctx, admin):
    consultation = make_consultation()
    gov, _ = under_review(
        consultation,
        Role.KEYNOTE,
        country="FR",
        gender="female",
        category_id=category("government").id,
    )
    civil, _ = under_review(consultation, country="SN", gender="male")
    under_review(consultation, country="BR")  # applicant only
    gone, raw = under_review(consultation, country="JP")
    withdraw_application(gone, expected_version=gone.version)
    submit(consultation, country="JP")  # unverified: not an applicant yet
    decide_application(gov, Decision.ACCEPT, by=admin, expected_version=2)
    decide_application(civil, Decision.ACCEPT, by=admin, expected_version=2)

    result = balance(consultation, region_labels())
    by_category = result.by_category
    assert by_category.selected["Government"][Role.KEYNOTE] == 1
    assert by_category.selected["Civil society"][Role.PANELIST] == 1
    assert by_category.applicants["Civil society"][Role.PANELIST] == 2
    assert by_category.grand_total("selected") == 2
    assert by_category.grand_total("applicants") == 3
    regions = result.by_region
    assert regions.selected["Western European and other States"][Role.KEYNOTE] == 1
    assert regions.selected["African States"][Role.PANELIST] == 1
    assert regions.applicants["Latin American and Caribbean States"][Role.PANELIST] == 1
    assert regions.total("applicants", "Asia-Pacific States") == 0
    genders = result.by_gender
    assert genders.selected["Women"][Role.KEYNOTE] == 1
    assert genders.selected["Men"][Role.PANELIST] == 1
    assert genders.applicants["Not given"][Role.PANELIST] == 1


def test_balance_page_shows_tables_and_charts_told_apart_by_pattern(admin_client, ctx, admin):
    consultation = make_consultation()
    application, _ = under_review(consultation, Role.KEYNOTE)
    decide_application(application, Decision.ACCEPT, by=admin, expected_version=2)
    panelist, _ = under_review(consultation, Role.PANELIST)
    decide_application(panelist, Decision.ACCEPT, by=admin, expected_version=2)
    html = admin_client.get(f"/secretariat/consultations/{consultation.id}/balance").text
    assert html.count('class="chart"') == 3 and html.count('role="img"') == 3
    # Each row's label is HTML text (it wraps and follows text spacing), not SVG text.
    assert re.search(r'<span class="chart-label">[^<]+: <strong>2</strong></span>', html)
    assert "<text" not in html
    # Keynote solid, panelists striped: a pattern, not only another colour.
    assert re.search(r'<rect [^>]*fill="#005a9c" class="chart-segment"', html)
    assert re.search(r'<rect [^>]*fill="url\(#[\w-]+-panelist\)" class="chart-segment"', html)
    assert "By UN regional group" in html and "By gender" in html
    assert "<script" not in html and "http" not in html.split("<body")[1].split("</main>")[0]


def test_balance_page_runs_a_fixed_number_of_queries(app, admin_client, ctx, admin):
    consultation = make_consultation(capacities={Role.PANELIST: 50})
    url = f"/secretariat/consultations/{consultation.id}/balance"
    under_review(consultation)
    admin_client.get(url)
    with count_queries(app) as few:
        admin_client.get(url)
    for country in ("FR", "SN", "BR", "JP", "PL", "US", "CN", "KE"):
        application, _ = under_review(consultation, country=country, gender="female")
        decide_application(application, Decision.ACCEPT, by=admin, expected_version=2)
    with count_queries(app) as many:
        admin_client.get(url)
    # 3 for the balance (one per dimension, over the kept counts), 2 for the table by
    # session, 1 for the number of decisions pending
    assert len(many) == len(few) <= 14  # (13, and one for who came)
    with count_queries(app) as announced:  # as if announced: one query more, whatever size
        admin_client.get(url + "?if=announced")
    assert len(announced) == len(many) + 1
