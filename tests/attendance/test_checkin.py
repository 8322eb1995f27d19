"""The check-in desk, through the real pages: a desk account sees
that page only; by typed code or by search; twice says when and by whom and counts
once, even for two desks at the same moment; undo the same day; every step audited."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.applications.audit import EventKind
from consult.applications.models import Application, AuditEvent
from consult.attendance import checkin as checkin_module
from consult.attendance.checkin import attendance_counts, check_in
from consult.attendance.codes import code_for, shown
from consult.attendance.models import CheckIn
from consult.enums import Role
from consult.extensions import db
from tests.conftest import PASSWORD, csrf_token, login
from tests.factories import make_consultation, make_user, under_review


@pytest.fixture
def consultation(ctx):
    return make_consultation(slug="geneva", capacities={Role.ATTENDEE: 50})


@pytest.fixture
def desk_user(ctx):
    return make_user("desk", "desk@ungis.example")


@pytest.fixture
def desk_client(app, desk_user):
    client = app.test_client()
    assert login(client, desk_user.email, PASSWORD).status_code == 302
    return client


def attendee(consultation, **overrides):
    application, _raw = under_review(consultation, Role.ATTENDEE, **overrides)
    return application


def desk_page(consultation) -> str:
    return f"/secretariat/consultations/{consultation.id}/check-in"


def post(client, consultation, data):
    page = client.get(desk_page(consultation))
    return client.post(desk_page(consultation), data={"csrf_token": csrf_token(page.text), **data})


def events(kind: EventKind) -> int:
    return db.session.execute(
        select(func.count()).where(AuditEvent.kind == kind.value)
    ).scalar_one()


def test_a_desk_account_sees_the_desk_and_nothing_else(app, consultation, desk_user):
    client = app.test_client()
    signed_in = login(client, desk_user.email, PASSWORD)
    assert signed_in.headers["Location"] == "/secretariat/check-in"
    assert client.get("/secretariat/check-in").status_code == 302  # the one meeting
    assert client.get(desk_page(consultation)).status_code == 200
    for page in (
        "/secretariat/applications",
        f"/secretariat/applications?consultation={consultation.id}",
        f"/secretariat/consultations/{consultation.id}/balance",
        "/secretariat/outbox/",
        "/secretariat/users",
        f"/secretariat/consultations/{consultation.id}/badges",
        f"/secretariat/consultations/{consultation.id}/attendance.csv",
    ):
        assert client.get(page).status_code == 403, page


def test_reviewers_cannot_check_anyone_in(consultation, reviewer_client):
    assert reviewer_client.get(desk_page(consultation)).status_code == 403


def test_check_in_by_typed_code_shows_what_the_desk_needs_and_counts_once(
    consultation, desk_client
):
    olga = attendee(consultation, full_name="Olga Petrova", accessibility_needs="Wheelchair access")
    code = code_for(olga)
    db.session.commit()
    done = post(desk_client, consultation, {"code": shown(code).lower(), "desk": "Desk 2"})
    assert done.status_code == 302
    page = desk_client.get(done.headers["Location"]).text
    assert "Checked in: <bdi>Olga Petrova</bdi>" in page
    assert "Wheelchair access" in page  # what the desk should know
    assert "1 of 1 confirmed participant checked in." in page
    again = post(desk_client, consultation, {"code": code})
    page = desk_client.get(again.headers["Location"]).text
    assert "Already checked in" in page and "by Desk Person" in page and "Desk 2" in page
    assert db.session.execute(select(func.count(CheckIn.id))).scalar_one() == 1
    assert events(EventKind.CHECKED_IN) == 1
    wrong = post(desk_client, consultation, {"code": "ABCDE-23456"})
    assert (
        "No confirmed participant has this code" in desk_client.get(wrong.headers["Location"]).text
    )


def test_search_then_one_click_and_undo_the_same_day(consultation, desk_client):
    ana = attendee(consultation, full_name="Ana Pérez", organization_name="Ministerio TIC")
    attendee(consultation, full_name="Ben Okafor")
    found = desk_client.get(desk_page(consultation) + "?q=ministerio").text
    assert "Ana Pérez" in found and "Ben Okafor" not in found
    post(desk_client, consultation, {"application": ana.id})
    page = desk_client.get(desk_page(consultation) + f"?person={ana.id}").text
    assert "Undo this check-in" in page
    undone = desk_client.post(
        f"{desk_page(consultation)}/{ana.id}/undo", data={"csrf_token": csrf_token(page)}
    )
    assert undone.status_code == 302
    assert db.session.execute(select(CheckIn)).first() is None
    assert events(EventKind.CHECK_IN_UNDONE) == 1


def test_undo_is_refused_on_a_later_day(consultation, admin):
    ana = attendee(consultation)
    outcome = check_in(ana, by=admin)
    outcome.check_in.checked_in_at -= timedelta(days=1)
    db.session.commit()
    with pytest.raises(checkin_module.CheckInRefused):
        checkin_module.undo(ana, by=admin)


def test_only_confirmed_participants_are_checked_in(consultation, admin):
    speaker, _raw = under_review(consultation, Role.PANELIST)
    with pytest.raises(checkin_module.CheckInRefused):
        check_in(speaker, by=admin)


def test_two_desks_at_the_same_moment_make_one_check_in(app, consultation, admin, monkeypatch):
    """The second insert hits the unique row and reads the first: no error page."""
    ana = attendee(consultation)
    db.session.add(CheckIn(application_id=ana.id, consultation_id=consultation.id, desk="Desk 1"))
    db.session.commit()
    # As if the other desk's row was not yet visible when this one looked.
    monkeypatch.setattr(checkin_module, "checked_in", _none_once(checkin_module.checked_in))
    outcome = check_in(ana, by=admin, desk="Desk 2")
    assert not outcome.new and outcome.check_in.desk == "Desk 1"
    assert db.session.execute(select(func.count(CheckIn.id))).scalar_one() == 1


def _none_once(real):
    calls = []

    def looked(application_id):
        calls.append(application_id)
        return None if len(calls) == 1 else real(application_id)

    return looked


def test_two_desks_in_two_threads(app, consultation, admin):
    ana = attendee(consultation)
    admin_id, application_id = admin.id, ana.id
    barrier = threading.Barrier(2, timeout=15)
    results: list = []

    def press(desk: str) -> None:
        with app.app_context():
            from consult.accounts.models import User

            user = db.session.get(User, admin_id)
            mine = db.session.get(Application, application_id)
            db.session.commit()
            barrier.wait()
            try:
                results.append(check_in(mine, by=user, desk=desk).new)
            except Exception as error:  # reported by the assertion below
                results.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=press, args=(d,)) for d in ("Desk 1", "Desk 2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results, key=str) == [False, True]
    assert db.session.execute(select(func.count(CheckIn.id))).scalar_one() == 1
    assert events(EventKind.CHECKED_IN) == 1


def test_attendance_counts(consultation, admin):
    people = [attendee(consultation) for _ in range(3)]
    check_in(people[0], by=admin)
    check_in(people[2], by=admin)
    assert attendance_counts(consultation) == (2, 3)


def test_who_came_on_the_balance_page_the_export_and_the_security_list(
    consultation, admin, admin_client
):
    women = [attendee(consultation, full_name=f"Woman {n}", gender="female") for n in range(2)]
    man = attendee(consultation, full_name="Man One", gender="male")
    balance = f"/secretariat/consultations/{consultation.id}/balance"
    assert "Who came" not in admin_client.get(balance).text  # nobody yet
    check_in(women[0], by=admin)
    check_in(man, by=admin)
    page = admin_client.get(balance).text
    assert "Who came" in page
    section = page.split("Who came", 1)[1].split("Selected people", 1)[0]
    assert '<th scope="row">Women</th>' in section
    women_row = section.split('<th scope="row">Women</th>', 1)[1].split("</tr>", 1)[0]
    assert "<strong>1</strong>" in women_row and "(2)" in women_row  # 1 came of 2
    listing = admin_client.get(f"/secretariat/consultations/{consultation.id}/attendance.csv")
    lines = listing.text.splitlines()
    assert len(lines) == 4  # the headings and the three confirmed
    came = [line for line in lines[1:] if line.rstrip().split(",")[-1]]
    assert sorted(line.split(",")[0] for line in came) == ["Man One", "Woman 0"]
    export = admin_client.get(
        f"/secretariat/applications/export.csv?consultation={consultation.id}&role=attendee"
    )
    assert export.status_code == 200
    heading, *rows = export.text.splitlines()
    column = heading.split(",").index("Checked in (local time)")
    assert sum(bool(row.split(",")[column]) for row in rows) == 2


def test_the_security_list_has_the_answers_marked_for_it(consultation, admin, admin_client):
    from consult.consultations.models import QuestionKind
    from consult.consultations.questions import QuestionSettings, add_question

    document = add_question(
        consultation,
        QuestionSettings(
            "Identity document you will bring",
            QuestionKind.CHOICE,
            options=("Passport", "National identity card", "UN grounds pass"),
            for_security=True,
        ),
    )
    add_question(consultation, QuestionSettings("Favourite colour", QuestionKind.SHORT_TEXT))
    attendee(consultation, full_name="Olga Petrova", answers={document.id: "UN grounds pass"})
    listing = admin_client.get(f"/secretariat/consultations/{consultation.id}/attendance.csv")
    heading, row = listing.text.lstrip("\ufeff").splitlines()
    assert heading.endswith("Identity document you will bring")
    assert "Favourite colour" not in heading
    assert row.startswith("Olga Petrova") and row.endswith("UN grounds pass")
    # The setting is on the question's page.
    page = admin_client.get(
        f"/secretariat/consultations/{consultation.id}/questions/{document.id}"
    ).text
    assert "On the security office" in page
