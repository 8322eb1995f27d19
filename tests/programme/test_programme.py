"""The programme: sessions (times within the meeting, no overlaps), placing speakers
(capacity, audit, versions), balance per panel, publication, the public pages' privacy,
and speakers told of changes in one email per batch."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.applications.models import AuditEvent
from consult.applications.services import (
    Decision,
    confirm_participation,
    decide_application,
    decline_participation,
    withdraw_application,
)
from consult.database import utcnow
from consult.demo.seed import seed_demo
from consult.enums import ApplicationState, Role
from consult.extensions import db
from consult.http import status_for
from consult.notifications.models import OutboxMessage
from consult.pages import PAGES
from consult.programme.models import ProgrammeSession, SessionKind
from consult.programme.services import (
    ProgrammeError,
    SessionData,
    place_speaker,
    publish,
    save_session,
    sessions_of,
)
from tests.conftest import csrf_token
from tests.factories import make_consultation, under_review
from tests.queries import count_queries


@pytest.fixture
def consultation(ctx):
    return make_consultation(slug="geneva", capacities={Role.PANELIST: 20, Role.KEYNOTE: 5})


def at(consultation, hours: float):
    """The meeting's start plus `hours` (naive UTC)."""
    return consultation.starts_at + timedelta(hours=hours)


def make_session(consultation, admin, start=0.0, end=1.0, **values) -> ProgrammeSession:
    data = SessionData(
        title=values.pop("title", "Panel 1"),
        kind=values.pop("kind", SessionKind.PANEL),
        starts_at=at(consultation, start),
        ends_at=at(consultation, end),
        room=values.pop("room", "Room XVII"),
        **values,
    )
    return save_session(consultation, data, by=admin)


def speaker(consultation, admin, role=Role.PANELIST, *, confirm=False, **overrides):
    overrides.setdefault("list_publicly", True)
    application, _ = under_review(consultation, role, **overrides)
    decide_application(application, Decision.ACCEPT, by=admin, expected_version=2)
    if confirm:
        confirm_participation(application, expected_version=3)
    return application


def audit_count(application) -> int:
    return db.session.execute(
        select(func.count(AuditEvent.id)).where(AuditEvent.application_id == application.id)
    ).scalar_one()


# --- sessions ------------------------------------------------------------------------


def test_sessions_must_fit_the_meeting_and_not_overlap_in_a_room(consultation, admin):
    make_session(consultation, admin, 0, 1)
    with pytest.raises(ProgrammeError, match="must end after it starts") as error:
        make_session(consultation, admin, 2, 2, title="Backwards")
    assert error.value.field == "ends_at"
    with pytest.raises(ProgrammeError, match="during the meeting"):
        make_session(consultation, admin, -48, -47, title="Before")
    with pytest.raises(ProgrammeError, match="overlaps “Panel 1” in the same room"):
        make_session(consultation, admin, 0.5, 1.5, title="Clash", room="room xvii ")
    # Another room, or a session that allows parallel ones, is fine.
    make_session(consultation, admin, 0.5, 1.5, title="Side event", room="Room XII")
    make_session(consultation, admin, 0.5, 1.5, title="Split", parallel_allowed=True)
    assert [s.title for s in sessions_of(consultation)] == ["Panel 1", "Side event", "Split"]


def test_the_session_form_shows_errors_beside_the_fields(admin_client, consultation, admin):
    make_session(consultation, admin, 0, 1)
    url = f"/secretariat/consultations/{consultation.id}/programme/sessions/new"
    page = admin_client.get(url)
    start = (consultation.starts_at + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "csrf_token": csrf_token(page.text),
        "title": "Clash",
        "kind": "panel",
        "starts_at": start,
        "ends_at": start,
        "room": "Room XVII",
        "speaker_capacity": "4",
    }
    response = admin_client.post(url, data=data)
    assert response.status_code == 422
    assert "<title>Error: " in response.text
    assert re.search(r'id="ends_at-error">.*?must end after it starts', response.text, re.S)
    assert db.session.execute(select(func.count(ProgrammeSession.id))).scalar_one() == 1
    data["kind"] = "nonsense"
    assert admin_client.post(url, data=data).status_code == 422


def test_two_admins_editing_the_same_session(consultation, admin):
    session = make_session(consultation, admin)
    seen = session.version
    data = SessionData(
        "Renamed", SessionKind.PANEL, session.starts_at, session.ends_at, "Room XVII"
    )
    save_session(consultation, data, by=admin, session=session, expected_version=seen)
    with pytest.raises(ProgrammeError, match="changed this meanwhile") as error:
        save_session(consultation, data, by=admin, session=session, expected_version=seen)
    assert status_for(error.value) == 409


# --- placing speakers ----------------------------------------------------------------


def test_placing_moving_and_unassigning_are_audited_one_version_each(consultation, admin):
    one = make_session(consultation, admin, 0, 1)
    two = make_session(consultation, admin, 1, 2, title="Panel 2")
    person = speaker(consultation, admin)
    place_speaker(person, one, by=admin, expected_version=person.version)
    place_speaker(person, two, by=admin, expected_version=person.version)
    with pytest.raises(ProgrammeError, match="already in this session"):
        place_speaker(person, two, by=admin, expected_version=person.version)
    place_speaker(person, None, by=admin, expected_version=person.version)
    notes = [e.note for e in person.events]
    assert notes[-3].startswith("Placed in session “Panel 1”")
    assert notes[-2].startswith("Moved from “Panel 1” to “Panel 2”")
    assert notes[-1] == "Removed from session “Panel 2”: unassigned."
    assert person.version == audit_count(person) == 6


def test_only_selected_speakers_and_only_within_capacity(consultation, admin):
    panel = make_session(consultation, admin, speaker_capacity=1)
    waiting, _ = under_review(consultation)
    with pytest.raises(ProgrammeError, match="Only accepted or confirmed speakers"):
        place_speaker(waiting, panel, by=admin, expected_version=waiting.version)
    attendee, _ = under_review(consultation, Role.ATTENDEE)  # confirmed on arrival
    with pytest.raises(ProgrammeError, match="Only keynote speakers and panelists"):
        place_speaker(attendee, panel, by=admin, expected_version=attendee.version)
    first, second = speaker(consultation, admin), speaker(consultation, admin)
    place_speaker(first, panel, by=admin, expected_version=first.version)
    with pytest.raises(ProgrammeError, match="is full with its 1 speaker") as full:
        place_speaker(second, panel, by=admin, expected_version=second.version)
    assert status_for(full.value) == 409
    place_speaker(second, panel, by=admin, expected_version=second.version, override_capacity=True)
    breather = make_session(consultation, admin, 3, 4, title="Coffee", kind=SessionKind.BREAK)
    with pytest.raises(ProgrammeError, match="A break has no speakers"):
        place_speaker(first, breather, by=admin, expected_version=first.version)


def test_two_admins_moving_the_same_speaker(consultation, admin):
    one = make_session(consultation, admin, 0, 1)
    two = make_session(consultation, admin, 1, 2, title="Panel 2")
    person = speaker(consultation, admin)
    seen = person.version
    place_speaker(person, one, by=admin, expected_version=seen)
    with pytest.raises(ProgrammeError, match="changed this meanwhile"):
        place_speaker(person, two, by=admin, expected_version=seen)
    db.session.expire_all()
    assert person.programme_session_id == one.id


def test_declining_takes_the_speaker_out_and_tells_the_secretariat(
    admin_client, consultation, admin
):
    panel = make_session(consultation, admin)
    person = speaker(consultation, admin, full_name="Carla Gomez")
    place_speaker(person, panel, by=admin, expected_version=person.version)
    decline_participation(person, expected_version=person.version)
    db.session.expire_all()
    assert person.programme_session_id is None
    assert person.events[-1].note.endswith("Removed from session “Panel 1”.")
    assert person.version == audit_count(person)
    page = admin_client.get(f"/secretariat/consultations/{consultation.id}/programme").text
    assert "Speakers who left the programme" in page and person.reference in page


def test_a_confirmed_speaker_who_cancels_leaves_their_session(admin_client, consultation, admin):
    panel = make_session(consultation, admin)
    person = speaker(consultation, admin, confirm=True, full_name="Dana Okafor")
    place_speaker(person, panel, by=admin, expected_version=person.version)
    withdraw_application(person, expected_version=person.version, reason="Visa refused")
    db.session.expire_all()
    assert person.state == ApplicationState.CANCELLED
    assert person.programme_session_id is None
    assert person.events[-1].note.endswith("Removed from session “Panel 1”.")
    page = admin_client.get(f"/secretariat/consultations/{consultation.id}/programme").text
    assert "Speakers who left the programme" in page and person.reference in page


def test_deleting_a_session_asks_first_and_unassigns_its_speakers(
    admin_client, consultation, admin
):
    panel = make_session(consultation, admin)
    person = speaker(consultation, admin, full_name="Ines Moreau")
    place_speaker(person, panel, by=admin, expected_version=person.version)
    url = f"/secretariat/programme/sessions/{panel.id}/delete"
    page = admin_client.get(url)
    assert "Ines Moreau" in page.text and "become unassigned" in page.text
    panel_id = panel.id
    response = admin_client.post(
        url, data={"csrf_token": csrf_token(page.text), "version": str(panel.version)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ProgrammeSession, panel_id) is None
    assert person.programme_session_id is None
    assert person.events[-1].note == "Session “Panel 1” deleted: unassigned."


def test_placing_from_the_application_page_without_javascript(admin_client, consultation, admin):
    panel = make_session(consultation, admin)
    person = speaker(consultation, admin)
    page = admin_client.get(f"/secretariat/applications/{person.id}")
    assert "Place in session" in page.text
    token = re.search(r'id="placement-csrf-token"[^>]*value="([^"]+)"', page.text).group(1)
    response = admin_client.post(
        f"/secretariat/applications/{person.id}/placement",
        data={"csrf_token": token, "session": str(panel.id), "version": str(person.version)},
    )
    assert response.status_code == 302
    assert "is placed in “Panel 1”" in admin_client.get(response.headers["Location"]).text
    # A stale form (the version moved on) is refused with a message, not a 500.
    stale = admin_client.post(
        f"/secretariat/applications/{person.id}/placement",
        data={"csrf_token": token, "session": "", "version": "2"},
    )
    assert "changed this meanwhile" in admin_client.get(stale.headers["Location"]).text


# --- balance per panel ---------------------------------------------------------------


def test_a_panel_is_flagged_until_it_is_balanced(admin_client, consultation, admin):
    panel = make_session(consultation, admin, speaker_capacity=5)
    for name in ("Ana", "Bea"):
        person = speaker(consultation, admin, full_name=name, country="FR", gender="female")
        place_speaker(person, panel, by=admin, expected_version=person.version)
    html = admin_client.get(f"/secretariat/programme/sessions/{panel.id}").text
    assert "Unbalanced panel:" in html
    assert "all speakers from one regional group (Western European and other States)" in html
    assert "all speakers of one gender (Woman)" in html
    assert "no speaker from “Government”" in html
    from tests.factories import category

    for code, country, gender in [
        ("government", "SN", "male"),
        ("international_organization", "BR", "male"),
        ("private_sector", "JP", "female"),
    ]:
        person = speaker(
            consultation,
            admin,
            category_id=category(code).id,
            country=country,
            gender=gender,
            organization_name="Org",
        )
        place_speaker(person, panel, by=admin, expected_version=person.version)
    html = admin_client.get(f"/secretariat/programme/sessions/{panel.id}").text
    assert "Unbalanced panel:" not in html


# --- publication and the public pages ------------------------------------------------


def test_the_programme_is_a_draft_until_published(app, admin_client, consultation, admin):
    make_session(consultation, admin)
    visitor = app.test_client()
    assert visitor.get("/c/geneva/programme").status_code == 404
    preview = admin_client.get("/c/geneva/programme")
    assert preview.status_code == 200 and "Preview of a draft" in preview.text
    page = admin_client.get(f"/secretariat/consultations/{consultation.id}/programme")
    admin_client.post(
        f"/secretariat/consultations/{consultation.id}/programme/publication",
        data={"csrf_token": csrf_token(page.text), "what": "programme", "on": "1"},
    )
    public = visitor.get("/c/geneva/programme")
    assert public.status_code == 200 and "Panel 1" in public.text
    assert "Preview of a draft" not in public.text
    ics = visitor.get("/c/geneva/programme.ics")
    assert ics.mimetype == "text/calendar" and "SUMMARY:Panel 1" in ics.text


def test_only_confirmed_consenting_speakers_are_named_in_public(app, consultation, admin):
    panel = make_session(consultation, admin)
    named = speaker(consultation, admin, confirm=True, full_name="Named Speaker")
    shy = speaker(consultation, admin, confirm=True, full_name="Shy Speaker", list_publicly=False)
    unconfirmed = speaker(consultation, admin, full_name="Unconfirmed Speaker")
    for person in (named, shy, unconfirmed):
        place_speaker(person, panel, by=admin, expected_version=person.version)
    consultation.programme_published_at = utcnow()
    consultation.participants_public = True
    db.session.commit()
    visitor = app.test_client()
    programme = visitor.get("/c/geneva/programme").text
    assert "Named Speaker" in programme
    assert "Shy Speaker" not in programme and "Unconfirmed Speaker" not in programme
    assert programme.count("Speaker to be announced") == 2
    listing = visitor.get("/c/geneva/participants").text
    assert "Named Speaker" in listing
    assert "Shy Speaker" not in listing and "Unconfirmed Speaker" not in listing


def test_withdrawing_consent_removes_the_person_at_once(app, consultation, admin):
    from tests.factories import link_token

    person = speaker(consultation, admin, confirm=True, full_name="Changed Mind")
    consultation.participants_public = True
    db.session.commit()
    visitor = app.test_client()
    assert "Changed Mind" in visitor.get("/c/geneva/participants").text
    applicant = app.test_client()
    link = f"/a/{link_token(person)}"
    status = applicant.get(link)
    response = applicant.post(
        f"{link}/listing",
        data={"csrf_token": csrf_token(status.text), "version": str(person.version), "listed": "0"},
    )
    assert response.status_code == 302
    assert "Changed Mind" not in visitor.get("/c/geneva/participants").text
    db.session.expire_all()
    assert person.version == audit_count(person)


def test_the_participant_list_is_shown_only_when_turned_on(app, consultation, admin):
    speaker(consultation, admin, confirm=True)
    assert app.test_client().get("/c/geneva/participants").status_code == 404


def test_public_pages_run_a_fixed_number_of_queries(app, consultation, admin):
    panel = make_session(consultation, admin)
    first = speaker(consultation, admin, confirm=True, full_name="First Person")
    place_speaker(first, panel, by=admin, expected_version=first.version)
    consultation.programme_published_at = utcnow()
    consultation.participants_public = True
    db.session.commit()
    visitor = app.test_client()
    visitor.get("/c/geneva/programme")  # (warm: the consultation in the process's cache)

    def rendered(path):
        store = app.extensions.get("consult_cache", {})  # the page made, not the kept one:
        for key in [key for key in store if key[0] == PAGES]:
            del store[key]
        with count_queries(app) as queries:
            assert visitor.get(path).status_code == 200
        return queries

    few_programme = rendered("/c/geneva/programme")
    few_participants = rendered("/c/geneva/participants")
    for n in range(6):
        person = speaker(consultation, admin, confirm=True, full_name=f"Person {n}")
        place_speaker(
            person, panel, by=admin, expected_version=person.version, override_capacity=True
        )
        make_session(consultation, admin, 2 + n, 2.5 + n, title=f"Extra {n}")
    many_programme = rendered("/c/geneva/programme")
    many_participants = rendered("/c/geneva/participants")
    assert len(many_programme) == len(few_programme)
    assert len(many_participants) == len(few_participants)


# --- telling speakers ----------------------------------------------------------------


def test_a_batch_of_edits_makes_one_email_with_the_updated_calendar(consultation, admin):
    one = make_session(consultation, admin, 0, 1)
    two = make_session(consultation, admin, 1, 2, title="Panel 2", room="Room XII")
    publish(consultation, True)
    person = speaker(consultation, admin, confirm=True)
    place_speaker(person, one, by=admin, expected_version=person.version)
    place_speaker(person, two, by=admin, expected_version=person.version)
    data = SessionData(
        "Panel 2", SessionKind.PANEL, at(consultation, 3), at(consultation, 4), "Room XII"
    )
    save_session(consultation, data, by=admin, session=two, expected_version=two.version)
    notices = list(
        db.session.execute(
            select(OutboxMessage).where(OutboxMessage.template == "programme_changed")
        ).scalars()
    )
    assert len(notices) == 1  # three changes, one email
    [notice] = notices
    assert notice.next_attempt_at > utcnow() + timedelta(minutes=4)  # waits for more edits
    assert "Panel 2" in notice.body_text and "Room XII" in notice.body_text
    assert "UID:consultation-" in notice.calendar and "SEQUENCE:3" in notice.calendar
    # Sent, then changed again: a second email, with a higher SEQUENCE and the same UID.
    uid = re.search(r"UID:(\S+)", notice.calendar).group(1)
    notice.state = notice.state.SENT
    db.session.commit()
    place_speaker(person, one, by=admin, expected_version=person.version)
    latest = (
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.template == "programme_changed")
            .order_by(OutboxMessage.id.desc())
        )
        .scalars()
        .first()
    )
    assert latest.id != notice.id and "SEQUENCE:4" in latest.calendar and uid in latest.calendar


def test_speakers_not_confirmed_are_not_emailed(consultation, admin):
    panel = make_session(consultation, admin)
    person = speaker(consultation, admin)
    place_speaker(person, panel, by=admin, expected_version=person.version)
    assert not db.session.execute(
        select(OutboxMessage).where(OutboxMessage.template == "programme_changed")
    ).first()


def test_the_history_says_what_happened_not_a_state_twice(app, admin_client, consultation, admin):
    """A placement is not a second "Accepted" or "Confirmed": the
    applicant reads that their place in the programme changed, the secretariat reads
    "Programme" and the move itself."""
    from tests.factories import link_token

    one = make_session(consultation, admin, 0, 1, title="Panel 1")
    two = make_session(consultation, admin, 1, 2, title="Panel 2")
    accepted = speaker(consultation, admin, full_name="Not Yet Confirmed")
    place_speaker(accepted, one, by=admin, expected_version=accepted.version)
    person = speaker(consultation, admin, confirm=True)
    place_speaker(person, one, by=admin, expected_version=person.version)
    place_speaker(person, two, by=admin, expected_version=person.version)

    def history(html: str) -> list[str]:
        section = html.split('id="history"')[1].split("</table>")[0]
        return [
            " ".join(re.sub(r"<[^>]+>", " ", row).split())
            for row in re.findall(r"<tr>(.*?)</tr>", section, re.S)[1:]
        ]

    rows = history(app.test_client().get(f"/a/{link_token(accepted)}").text)
    assert sum("Accepted – please confirm" in row for row in rows) == 1
    assert any("Your place in the programme changed" in row for row in rows)
    rows = history(app.test_client().get(f"/a/{link_token(person)}").text)
    assert sum("Confirmed" in row for row in rows) == 1
    assert sum("Your place in the programme changed" in row for row in rows) == 2
    staff = admin_client.get(f"/secretariat/applications/{person.id}").text
    assert "Confirmed → Confirmed" not in staff
    assert "Programme" in staff and "Moved from “Panel 1” to “Panel 2”" in staff


def test_a_confirmed_speakers_status_page_names_their_session(app, consultation, admin):
    from tests.factories import link_token

    panel = make_session(consultation, admin, room="Room XVII")
    person = speaker(consultation, admin, confirm=True)
    place_speaker(person, panel, by=admin, expected_version=person.version)
    html = app.test_client().get(f"/a/{link_token(person)}").text
    assert "Your session" in html and "Panel 1" in html and "Room XVII" in html
    ics = app.test_client().get(f"/a/{link_token(person)}/calendar.ics").text
    assert "SUMMARY:Panel 1" in ics and "SEQUENCE:1" in ics
    printable = app.test_client().get(f"/a/{link_token(person)}/confirmation").text
    assert "Panel 1" in printable and "Room XVII" in printable


# --- export and the demo -------------------------------------------------------------


def test_csv_export(admin_client, consultation, admin):
    panel = make_session(consultation, admin)
    person = speaker(consultation, admin, full_name="Export Me")
    place_speaker(person, panel, by=admin, expected_version=person.version)
    response = admin_client.get(f"/secretariat/consultations/{consultation.id}/programme.csv")
    assert response.mimetype == "text/csv"
    assert "Panel 1" in response.text and "Export Me" in response.text
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset


def test_the_programme_csv_is_excel_safe_and_its_export_is_logged(
    admin_client, consultation, admin
):
    import csv
    import io

    from consult.security.models import SecurityEvent, SecurityTag

    panel = make_session(consultation, admin, title='=HYPERLINK("http://evil")')
    person = speaker(consultation, admin, full_name="@SUM(1+1)", organization_name="+Formula Ltd")
    place_speaker(person, panel, by=admin, expected_version=person.version)
    response = admin_client.get(f"/secretariat/consultations/{consultation.id}/programme.csv")
    cells = [cell for row in csv.reader(io.StringIO(response.text)) for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert "'@SUM(1+1)" in cells and "'+Formula Ltd" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    events = db.session.execute(
        select(SecurityEvent).where(SecurityEvent.tag == SecurityTag.EXPORT)
    ).scalars()
    assert any("programme CSV" in event.detail for event in events)


def test_the_demo_has_the_programme_the_page_promises(ctx):
    consultation, _ = seed_demo()
    kinds = [s.kind for s in sessions_of(consultation)]
    assert kinds.count(SessionKind.PANEL) == 4 and kinds.count(SessionKind.KEYNOTE) == 2
    assert SessionKind.OPENING in kinds and SessionKind.DISCUSSION in kinds


def test_the_balance_page_has_a_table_by_session(admin_client, consultation, admin):
    panel = make_session(consultation, admin)
    person = speaker(consultation, admin, country="FR", gender="female")
    place_speaker(person, panel, by=admin, expected_version=person.version)
    html = admin_client.get(f"/secretariat/consultations/{consultation.id}/balance").text
    table = html[html.index('id="sessions-heading"') :]
    assert "Panel 1" in table and "1 / 4" in table and "Unbalanced" in table


def test_the_public_page_links_to_the_published_programme(app, consultation, admin):
    visitor = app.test_client()
    assert "/c/geneva/programme" not in visitor.get("/c/geneva").text
    consultation.programme_published_at = utcnow()
    db.session.commit()
    assert "/c/geneva/programme" in visitor.get("/c/geneva").text


def test_an_empty_panel_is_not_called_unbalanced(admin_client, consultation, admin):
    make_session(consultation, admin)
    html = admin_client.get(f"/secretariat/consultations/{consultation.id}/balance").text
    table = html[html.index('id="sessions-heading"') :]
    assert "No speakers yet" in table and "Unbalanced" not in table
    session_id = db.session.execute(select(ProgrammeSession.id)).scalar_one()
    page = admin_client.get(f"/secretariat/programme/sessions/{session_id}").text
    assert "No speakers yet" in page and "Unbalanced panel" not in page
    # Staff pages end without the applicants' footer.
    assert "Questions about your application?" not in page
