"""Decide now, announce later; safe bulk work; corrections, through
the real pages: a pending decision tells the applicant nothing, can be changed freely,
and announcing sends only the last one, after a summary of what will go."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consult.applications.models import Application
from consult.enums import ApplicationState as S
from consult.enums import Role
from consult.extensions import db
from consult.notifications.models import OutboxMessage
from tests.conftest import csrf_token, form_version
from tests.factories import make_consultation, under_review


@pytest.fixture
def consultation(ctx):
    return make_consultation(slug="geneva", capacities={Role.PANELIST: 2})


def emails_to(application) -> list[str]:
    return list(
        db.session.execute(
            select(OutboxMessage.template)
            .where(OutboxMessage.application_id == application.id)
            .order_by(OutboxMessage.id)
        ).scalars()
    )


def decide(admin_client, application, decision: str, announce: str = "later", **extra):
    page = admin_client.get(f"/secretariat/applications/{application.id}")
    return admin_client.post(
        f"/secretariat/applications/{application.id}/decision",
        data={
            "csrf_token": csrf_token(page.text),
            "version": form_version(page.text),
            "decision": decision,
            "announce": announce,
            **extra,
        },
    )


def announce_all(admin_client, consultation, **extra):
    url = f"/secretariat/consultations/{consultation.id}/announce"
    page = admin_client.get(url)
    return page, admin_client.post(
        url, data={"csrf_token": csrf_token(page.text), "confirm": "y", **extra}
    )


def test_a_pending_decision_tells_nobody_and_only_the_last_one_is_mailed(
    admin_client, client, consultation
):
    application, token = under_review(consultation)
    before = emails_to(application)
    assert decide(admin_client, application, "accept", message="Welcome").status_code == 302
    assert decide(admin_client, application, "reject", message="Sorry").status_code == 302
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.state == S.UNDER_REVIEW and application.pending_decision == "reject"
    assert emails_to(application) == before  # nothing sent
    status = client.get(f"/a/{token}").text  # nothing the applicant sees
    assert "Under review" in status and "Sorry" not in status and "Welcome" not in status
    queue = admin_client.get(f"/secretariat/applications?consultation={consultation.id}").text
    assert "Pending: Reject" in queue and "1 decision is pending" in queue

    page, done = announce_all(admin_client, consultation)
    assert "Reject" in page.text and application.reference in page.text
    assert done.status_code == 302
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.state == S.REJECTED and application.pending_decision is None
    assert emails_to(application) == before + ["rejected"]  # one email, the last decision
    assert application.secretariat_message == "Sorry"
    assert "Sorry" in client.get(f"/a/{token}").text
    # Announcing again sends nothing more.
    announce_all(admin_client, consultation)
    assert emails_to(application) == before + ["rejected"]


def test_the_summary_says_what_will_go_and_guards_the_places(admin_client, consultation):
    people = [under_review(consultation)[0] for _ in range(3)]
    for person in people:
        decide(admin_client, person, "accept")
    page = admin_client.get(f"/secretariat/consultations/{consultation.id}/announce").text
    assert "Announce 3 decisions and send their emails" in page
    assert "would put 1 person beyond the places" in page
    _page, refused = announce_all(admin_client, consultation)
    assert refused.status_code == 422  # not without the explicit choice
    assert all(db.session.get(Application, p.id).state == S.UNDER_REVIEW for p in people)
    _page, done = announce_all(admin_client, consultation, override_capacity="y")
    assert done.status_code == 302
    db.session.expire_all()
    assert [db.session.get(Application, p.id).state for p in people] == [S.ACCEPTED] * 3


def test_announcing_needs_the_tick(admin_client, consultation):
    application, _token = under_review(consultation)
    decide(admin_client, application, "waitlist")
    url = f"/secretariat/consultations/{consultation.id}/announce"
    page = admin_client.get(url)
    response = admin_client.post(url, data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 422
    assert db.session.get(Application, application.id).state == S.UNDER_REVIEW


def test_the_balance_shows_the_programme_as_if_announced(admin_client, consultation):
    application, _token = under_review(consultation, country="SN")
    decide(admin_client, application, "accept")
    url = f"/secretariat/consultations/{consultation.id}/balance"
    now = admin_client.get(url).text
    assert "1 decision is pending." in now
    african_now = now[now.index('<th scope="row">African States') :].split("</tr>")[0]
    assert '<td class="numeric"><strong>0</strong>' in african_now
    would = admin_client.get(url + "?if=announced").text
    african_would = would[would.index('<th scope="row">African States') :].split("</tr>")[0]
    assert '<td class="numeric"><strong>1</strong>' in african_would


def test_a_pending_decision_is_withdrawn_and_overtaken_by_the_applicant(
    admin_client, client, consultation
):
    application, token = under_review(consultation)
    decide(admin_client, application, "accept")
    page = admin_client.get(f"/secretariat/applications/{application.id}").text
    assert "Pending: Accept" in page
    version = re.search(r'id="pending-version"[^>]*value="(\d+)"', page).group(1)
    withdraw = admin_client.post(
        f"/secretariat/applications/{application.id}/pending",
        data={"csrf_token": csrf_token(page), "version": version},
    )
    assert withdraw.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).pending_decision is None

    # Pending again; then the applicant withdraws: nothing is left to announce.
    decide(admin_client, application, "accept")
    confirm = client.get(f"/a/{token}/withdraw")
    client.post(
        f"/a/{token}/withdraw",
        data={"csrf_token": csrf_token(confirm.text), "version": form_version(confirm.text)},
    )
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.state == S.WITHDRAWN and application.pending_decision is None


def test_bulk_has_no_default_decision_selects_all_and_records_pending(admin_client, consultation):
    people = [under_review(consultation)[0] for _ in range(2)]
    url = f"/secretariat/applications?consultation={consultation.id}"
    html = admin_client.get(url).text
    assert re.search(r'<option (selected )?value="">Choose a decision</option>', html)
    assert not re.search(r'<option selected value="accept"', html)
    assert html.index('class="bulk"') < html.index('class="queue"')  # above the list
    assert "Select all shown" in html
    every = admin_client.get(url + "&select=all").text
    assert every.count("checked>") >= 2
    no_choice = admin_client.post(
        "/secretariat/applications/decide",
        data={
            "csrf_token": csrf_token(html),
            "decision": "",
            "selected": [f"{p.id}:{p.version}" for p in people],
            "return_to": url,
        },
        follow_redirects=True,
    )
    assert "Choose a decision for the selected applications." in no_choice.text
    admin_client.post(
        "/secretariat/applications/decide",
        data={
            "csrf_token": csrf_token(html),
            "decision": "accept",
            "selected": [f"{p.id}:{p.version}" for p in people],
            "return_to": url,
        },
    )
    db.session.expire_all()
    for person in people:
        row = db.session.get(Application, person.id)
        assert (row.state, row.pending_decision) == (S.UNDER_REVIEW, "accept")
        assert emails_to(row) == ["verify_email", "application_received"]


def test_an_announced_decision_is_corrected_with_an_email_that_says_so(
    admin_client, client, consultation
):
    application, token = under_review(consultation)
    decide(admin_client, application, "accept", announce="now")
    detail = admin_client.get(f"/secretariat/applications/{application.id}").text
    assert "Changing it now is a correction" in detail
    assert decide(admin_client, application, "reject", announce="now").status_code == 302
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.state == S.REJECTED
    assert emails_to(application)[-2:] == ["accepted", "decision_corrected"]
    message = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.template == "decision_corrected")
    ).scalar_one()
    assert message.subject.startswith("Correction:")
    assert "cannot accept your application after all" in message.body_text
    # And back, audited as moves like any other.
    decide(admin_client, application, "accept", announce="now")
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.state == S.ACCEPTED
    assert [(e.from_state, e.to_state) for e in application.events][-2:] == [
        (S.ACCEPTED, S.REJECTED),
        (S.REJECTED, S.ACCEPTED),
    ]
    corrected = (
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.template == "decision_corrected")
            .order_by(OutboxMessage.id.desc())
        )
        .scalars()
        .first()
    )
    assert "Your application is accepted." in corrected.body_text


def test_reviewers_can_neither_record_nor_announce(reviewer_client, consultation):
    application, _token = under_review(consultation)
    page = reviewer_client.get(f"/secretariat/applications/{application.id}")
    assert "Record as pending" not in page.text
    url = f"/secretariat/consultations/{consultation.id}/announce"
    assert reviewer_client.get(url).status_code == 403
    assert (
        reviewer_client.post(
            f"/secretariat/applications/{application.id}/pending",
            data={"csrf_token": csrf_token(page.text), "version": "2"},
        ).status_code
        == 403
    )


def test_the_queue_shows_accepted_people_who_have_not_confirmed_with_the_days_left(
    admin_client, consultation
):
    from datetime import timedelta

    from consult.database import transaction, utcnow

    with transaction():
        consultation.offer_for(Role.PANELIST).confirm_by = utcnow() + timedelta(days=3, hours=2)
    application, _token = under_review(consultation)
    decide(admin_client, application, "accept", announce="now")
    html = admin_client.get(f"/secretariat/applications?consultation={consultation.id}").text
    assert "Not confirmed: 4 days left" in html
    with transaction():
        consultation.offer_for(Role.PANELIST).confirm_by = utcnow() + timedelta(hours=5)
    html = admin_client.get(f"/secretariat/applications?consultation={consultation.id}").text
    assert "Not confirmed: 1 day left" in html
