"""Who reviews what, through the real pages: assignments by
hand and spread evenly, conflicts of interest that hide an application and keep it
from ever being assigned, and "review the next one"."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from consult.applications.audit import EventKind
from consult.applications.models import Application, AuditEvent
from consult.consultations.models import Organization
from consult.enums import Role
from consult.extensions import db
from consult.review.assignments import auto_assign, next_to_review
from consult.review.models import ReviewAssignment
from consult.review.services import save_review
from tests.conftest import PASSWORD, csrf_token, login
from tests.factories import category, make_consultation, make_user, under_review


@pytest.fixture
def consultation(ctx):
    return make_consultation(slug="geneva", capacities={Role.PANELIST: 20})


def assigned_to(user) -> set[int]:
    return set(
        db.session.execute(
            select(ReviewAssignment.application_id).where(ReviewAssignment.reviewer_id == user.id)
        ).scalars()
    )


def test_spreading_gives_each_application_n_reviewers_evenly_never_a_conflict(consultation, admin):
    staff = [make_user("reviewer") for _ in range(3)]
    itu = db.session.execute(select(Organization).where(Organization.acronym == "ITU")).scalar_one()
    staff[0].organization_id = itu.id
    db.session.commit()
    people = [under_review(consultation)[0] for _ in range(5)]
    from_itu, _ = under_review(
        consultation,
        organization_id=itu.id,
        organization_name="",
        category_id=category("international_organization").id,
    )
    people.append(from_itu)
    under_review(consultation, Role.ATTENDEE)  # (not a speaker: not assigned)
    from consult.review.assignments import declare_conflict

    declare_conflict(people[0], staff[1])
    made = auto_assign(consultation, 2, by=admin)
    assert made == 12  # 6 applications x 2
    load = Counter(
        db.session.execute(select(ReviewAssignment.reviewer_id)).scalars()
    )  # admin reviews too
    assert max(load.values()) - min(load.values()) <= 1  # evenly
    assert people[0].id not in assigned_to(staff[1])  # the conflict
    assert from_itu.id not in assigned_to(staff[0])  # their own organization
    assert auto_assign(consultation, 2, by=admin) == 0  # done: nothing more
    events = db.session.execute(
        select(func.count()).where(AuditEvent.kind == EventKind.ASSIGNED.value)
    ).scalar_one()
    assert events == 12


def test_reviewers_see_their_assignments_first_and_review_the_next_one(
    app, consultation, admin, client
):
    reviewer = make_user("reviewer", "r@ungis.example")
    people = [under_review(consultation, full_name=f"Person {n}")[0] for n in range(4)]
    from consult.review.assignments import assign

    assign([people[2].id, people[3].id], reviewer, by=admin)
    login(client, "r@ungis.example", PASSWORD)
    queue = client.get(f"/secretariat/applications?consultation={consultation.id}").text
    assert "Assigned to you: 0 of 2 reviewed." in queue
    mine = client.get(f"/secretariat/applications?consultation={consultation.id}&assigned=y").text
    assert people[2].reference in mine and people[0].reference not in mine

    # Review the next one: the assigned ones first, oldest first, none twice.
    visited = []
    for _ in range(4):
        response = client.get(f"/secretariat/consultations/{consultation.id}/review-next")
        application_id = int(re.search(r"/applications/(\d+)", response.headers["Location"])[1])
        visited.append(application_id)
        page = client.get(response.headers["Location"]).text
        client.post(
            f"/secretariat/applications/{application_id}/review",
            data={"csrf_token": csrf_token(page), "score": "3", "then": "next"},
        )
    assert visited[:2] == [people[2].id, people[3].id]
    assert sorted(visited) == sorted(p.id for p in people)  # none skipped, none twice
    done = client.get(f"/secretariat/consultations/{consultation.id}/review-next")
    assert client.get(done.headers["Location"]).text.count("Nothing left for you to review")


def test_save_and_next_goes_to_the_next_one(consultation, admin, admin_client):
    first, _ = under_review(consultation)
    second, _ = under_review(consultation)
    page = admin_client.get(f"/secretariat/applications/{first.id}").text
    response = admin_client.post(
        f"/secretariat/applications/{first.id}/review",
        data={"csrf_token": csrf_token(page), "score": "4", "then": "next"},
    )
    assert response.headers["Location"].endswith(f"/consultations/{consultation.id}/review-next")
    onward = admin_client.get(response.headers["Location"])
    assert f"/applications/{second.id}" in onward.headers["Location"]


def test_two_reviewers_racing_each_get_every_application_once(consultation, admin):
    """Two reviewers taking "the next one" in turn, interleaved: each sees every
    application exactly once (what one reviews does not hide it from the other)."""
    one, two = make_user("reviewer"), make_user("reviewer")
    people = {under_review(consultation)[0].id for _ in range(5)}
    seen = {one.id: [], two.id: []}
    for _ in range(5):
        for reviewer in (one, two):
            found = next_to_review(consultation.id, reviewer.id, set(seen[reviewer.id]))
            seen[reviewer.id].append(found.id)
            save_review(db.session.get(Application, found.id), reviewer, 3, "")
    assert sorted(seen[one.id]) == sorted(people) == sorted(seen[two.id])
    # Fewest reviews first: the second reviewer is sent to what the first has not done.
    assert seen[one.id][0] != seen[two.id][0]


def test_a_declared_conflict_hides_the_application_from_the_reviewer(
    app, consultation, admin, admin_client, client
):
    make_user("reviewer", "r@ungis.example")
    application, _ = under_review(consultation, full_name="Known Person")
    login(client, "r@ungis.example", PASSWORD)
    page = client.get(f"/secretariat/applications/{application.id}").text
    declared = client.post(
        f"/secretariat/applications/{application.id}/conflict",
        data={"csrf_token": csrf_token(page)},
    )
    assert declared.status_code == 302
    assert client.get(f"/secretariat/applications/{application.id}").status_code == 403
    queue = client.get(f"/secretariat/applications?consultation={consultation.id}").text
    assert application.reference not in queue
    found = client.get(f"/secretariat/applications?consultation={consultation.id}&q=Known").text
    assert application.reference not in found  # not by search either
    review = client.post(
        f"/secretariat/applications/{application.id}/review",
        data={"csrf_token": csrf_token(page), "score": "5"},
    )
    assert review.status_code == 403
    # Admins see who declared it.
    detail = admin_client.get(f"/secretariat/applications/{application.id}").text
    assert "Conflicts of interest declared by:" in detail
    assert "Conflict of interest" in detail  # the history


def test_an_admin_assigns_a_selection_from_the_queue_but_not_to_a_conflict(
    consultation, admin, admin_client
):
    reviewer = make_user("reviewer", "r@ungis.example")
    a, _ = under_review(consultation)
    b, _ = under_review(consultation)
    from consult.review.assignments import declare_conflict

    declare_conflict(b, reviewer)
    url = f"/secretariat/applications?consultation={consultation.id}"
    html = admin_client.get(url).text
    assert 'formaction="/secretariat/applications/assign"' in html
    response = admin_client.post(
        "/secretariat/applications/assign",
        data={
            "csrf_token": csrf_token(html),
            "reviewer": str(reviewer.id),
            "selected": [f"{a.id}:{a.version}", f"{b.id}:{b.version}"],
            "return_to": url,
        },
        follow_redirects=True,
    )
    assert f"Assigned to {reviewer.name}: {a.reference}." in response.text
    assert "declared a conflict of interest" in response.text
    assert assigned_to(reviewer) == {a.id}


def test_assignments_page_spreads_and_shows_progress(consultation, admin, admin_client):
    make_user("reviewer", "r@ungis.example")
    under_review(consultation)
    url = f"/secretariat/consultations/{consultation.id}/assignments"
    page = admin_client.get(url)
    response = admin_client.post(
        url, data={"csrf_token": csrf_token(page.text), "per_application": "2"}
    )
    assert response.status_code == 302
    html = admin_client.get(url).text
    assert "2 assignments made." in html
    bad = admin_client.post(url, data={"csrf_token": csrf_token(page.text), "per_application": "0"})
    assert bad.status_code == 422 and "Give a number from 1 to 10." in bad.text


def test_staff_organizations_are_set_on_the_users_page(consultation, admin, admin_client):
    reviewer = make_user("reviewer", "r@ungis.example")
    itu = db.session.execute(select(Organization).where(Organization.acronym == "ITU")).scalar_one()
    page = admin_client.get("/secretariat/users").text
    admin_client.post(
        f"/secretariat/users/{reviewer.id}/organization",
        data={"csrf_token": csrf_token(page), "organization": str(itu.id)},
    )
    db.session.expire_all()
    assert db.session.get(type(reviewer), reviewer.id).organization_id == itu.id
