"""The review queue runs a fixed number of queries, whatever it filters by and however
many applications it finds. Only reads: one app and one database
for the module, with one consultation of 1 application and one of 26."""

from __future__ import annotations

import re

import pytest

from consult.enums import Role
from consult.extensions import db
from consult.review.services import save_review
from tests.conftest import login
from tests.factories import make_consultation, make_user, under_review
from tests.queries import count_queries


def refs(html: str) -> list[str]:
    return re.findall(
        r'<a href="/secretariat/applications/\d+(?:\?[^"]*)?">(MN-[A-Z]-\d{4})</a>', html
    )


@pytest.fixture(scope="module")
def app(shared_app):
    return shared_app


@pytest.fixture(scope="module")
def world(app) -> dict:
    with app.app_context():
        admin = make_user("admin", "admin@ungis.example")
        one = make_consultation(slug="one")
        under_review(one)
        many = make_consultation(slug="many")
        many.reference_prefix = "MN"  # (references are unique across consultations)
        db.session.commit()
        under_review(many)
        for i in range(25):
            application, _ = under_review(
                many, Role(list(Role)[i % 3].value), organization_name=f"Org {i}"
            )
            save_review(application, admin, 3, "")
        world = {"one": one.id, "many": many.id, "category": many.categories[0].id}
        db.session.remove()
    client = app.test_client()
    assert login(client, "admin@ungis.example").status_code == 302
    return {**world, "client": client}


@pytest.mark.parametrize(
    "filters",
    [
        "",
        "&role=panelist",
        "&state=under_review",
        "&category={category}",
        "&country=SN",
        "&q=broadband",  # the text index
        "&q=Or",  # shorter than a trigram: matched without the index
        "&mine=y",
        "&sort=score&role=keynote&state=accepted&country=SN&q=finance&mine=y",
    ],
    ids=["none", "role", "state", "category", "country", "search", "short", "mine", "all"],
)
def test_queue_runs_a_fixed_number_of_queries(app, world, filters):
    """Any filter: the same queries for 1 application as for 26."""
    client = world["client"]
    counted = {}
    for which in ("one", "many"):
        url = f"/secretariat/applications?consultation={world[which]}" + filters.format(
            category=world["category"]
        )
        client.get(url)  # (what the process caches is loaded once)
        with count_queries(app) as queries:
            html = client.get(url).text
        counted[which] = queries
    if not filters:
        assert len(refs(html)) == 26
    assert len(counted["many"]) == len(counted["one"]), "\n".join(counted["many"])
    # 10 before the server-side staff session check, the failed-email count and the
    # number of decisions pending (admins), the reader's assignments and (admins) the
    # reviewers to assign to.
    assert len(counted["many"]) <= 15
