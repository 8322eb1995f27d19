"""Personal data: the applicant's own copy, a request for erasure, an admin's erasure,
and the retention purge; links stop working; erasures are audited, not their data."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from consult.applications.models import AccessToken, Application, AuditEvent
from consult.applications.privacy import purge_expired
from consult.applications.services import Decision, confirm_participation, decide_application
from consult.cache import bump
from consult.consultations.models import Consultation
from consult.database import utcnow
from consult.enums import ApplicationState, Role
from consult.extensions import db
from consult.notifications.models import OutboxMessage
from consult.security.models import SecurityEvent
from tests.conftest import csrf_token
from tests.factories import make_consultation, under_review

PERSONAL = ("Amina Diallo", "amina.private@example.org", "Digital Futures Network")


def test_the_applicant_downloads_their_data(client, ctx):
    application, raw = under_review(make_consultation(), email="amina.private@example.org")
    response = client.get(f"/a/{raw}/my-data.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.text)
    assert data["reference"] == application.reference
    assert data["email"] == "amina.private@example.org"
    assert [h["state"] for h in data["history"]] == ["submitted", "under_review"]
    assert data["retention"]["months_after_the_meeting"] == 6


def test_asking_for_erasure_is_recorded_for_the_secretariat(client, admin_client, ctx):
    application, raw = under_review(make_consultation())
    page = client.get(f"/a/{raw}/erasure")
    assert "Yes, erase my data" in page.text
    assert (
        client.post(f"/a/{raw}/erasure", data={"csrf_token": csrf_token(page.text)}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Application, application.id).erasure_requested_at is not None
    detail = admin_client.get(f"/secretariat/applications/{application.id}")
    assert "asked for erasure" in detail.text


def test_an_admin_erases_a_confirmed_speaker_and_the_place_is_freed(
    admin_client, ctx, admin, client
):
    consultation = make_consultation()
    application, raw = under_review(
        consultation,
        full_name=PERSONAL[0],
        email=PERSONAL[1],
        organization_name=PERSONAL[2],
        gender="female",
        accessibility_needs="Step-free access",
    )
    decide_application(
        application, Decision.ACCEPT, by=admin, expected_version=2, message="Welcome, Amina"
    )
    confirm_participation(application, expected_version=3)
    page = admin_client.get(f"/secretariat/applications/{application.id}")
    done = admin_client.post(
        f"/secretariat/applications/{application.id}/erase",
        data={"csrf_token": csrf_token(page.text), "confirm": "y"},
    )
    assert done.status_code == 302
    db.session.expire_all()
    erased = db.session.get(Application, application.id)
    assert erased.state == ApplicationState.WITHDRAWN  # the place is free again
    assert erased.erased_at is not None
    assert (erased.gender, erased.accessibility_needs, erased.secretariat_message) == ("", "", "")
    everything = json.dumps(
        [
            [str(v) for v in row]
            for table in ("application", "outbox_message", "audit_event", "access_token")
            for row in db.session.execute(select(db.metadata.tables[table])).all()
        ]
    )
    for value in PERSONAL + ("Welcome, Amina", "Step-free access"):
        assert value not in everything
    assert db.session.execute(select(AccessToken)).first() is None
    assert client.get(f"/a/{raw}").status_code == 404  # the link stops working
    notes = (
        db.session.execute(
            select(AuditEvent.note).where(AuditEvent.application_id == application.id)
        )
        .scalars()
        .all()
    )
    assert notes[-1] == "Personal data erased."
    event = db.session.execute(select(SecurityEvent).where(SecurityEvent.tag == "data:erased"))
    assert event.scalar_one().actor == admin.email
    assert erased.version == len(notes)  # one version per audit event
    assert erased.reference and erased.role == Role.PANELIST  # anonymous facts stay


def test_the_purge_erases_consultations_past_retention_and_is_cron_safe(app, ctx, client):
    old = make_consultation()
    current = make_consultation()
    current.reference_prefix = "NEXT"
    db.session.commit()
    gone, gone_raw = under_review(old, email="old@example.org")
    kept, _ = under_review(current, email="kept@example.org")
    db.session.execute(
        update(Consultation)
        .where(Consultation.id == old.id)
        .values(
            starts_at=utcnow() - timedelta(days=400),
            ends_at=utcnow() - timedelta(days=399),
            applications_open_at=utcnow() - timedelta(days=500),
            applications_close_at=utcnow() - timedelta(days=450),
        )
    )
    bump()  # a plain UPDATE tells the cache itself (consult/cache.py)
    db.session.commit()
    assert client.get(f"/a/{gone_raw}").status_code == 404  # past retention: no link
    result = app.test_cli_runner().invoke(args=["data", "purge"])
    assert "Purged 1 consultation." in result.output
    assert app.test_cli_runner().invoke(args=["data", "purge"]).output.startswith("Purged 0")
    db.session.expire_all()
    assert db.session.get(Application, gone.id).email != "old@example.org"
    assert db.session.get(Application, gone.id).state == ApplicationState.UNDER_REVIEW
    assert db.session.get(Application, kept.id).email == "kept@example.org"
    bodies = db.session.execute(
        select(OutboxMessage.body_text).where(OutboxMessage.application_id == gone.id)
    ).scalars()
    assert set(bodies) == {""}
    assert purge_expired() == []


@pytest.mark.parametrize("prefix", ["/a/", "/w/", "/secretariat/invitation/"])
def test_request_logs_never_show_a_private_link(client, ctx, caplog, prefix):
    """Every kind of private link: an applicant's, a contributor's, an invitation's."""
    import logging

    from consult.logs import RedactPrivateLinks

    _application, raw = under_review(make_consultation())
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - "%s" %s -',
        ("127.0.0.1", f"GET {prefix}{raw}/edit HTTP/1.1", 200),
        None,
    )
    assert RedactPrivateLinks().filter(record)
    assert raw not in record.getMessage()
    assert f"{prefix}[private-link]/edit" in record.getMessage()
    assert any(isinstance(f, RedactPrivateLinks) for f in logging.getLogger("werkzeug").filters)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_failing_private_page_leaves_no_link_in_the_log(app, ctx, client, log_format):
    """Flask's own "Exception on /a/<token>" with its traceback, written by the handler
    the app configures (any logger, any format): the link is masked at the root."""
    import io
    import logging

    from consult.applications import views
    from consult.logs import formatter

    _application, raw = under_review(make_consultation())
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter(log_format))
    logging.getLogger().addHandler(handler)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.testing = False

    def broken(*args, **kwargs):
        raise RuntimeError(f"the template for /a/{raw}/status failed")

    original = views.render_template
    views.render_template = broken
    try:
        response = client.get(f"/a/{raw}")
        assert response.status_code == 500
        client_response_text = response.text
    finally:
        views.render_template = original
        logging.getLogger().removeHandler(handler)
        app.testing = True
    written = stream.getvalue()
    assert "Exception on /a/" in written and "RuntimeError" in written
    reference = re.search(r"Error reference ([0-9a-f]{8})", written).group(1)
    assert reference in client_response_text  # the person can quote it
    assert raw not in written
    assert "/a/[private-link]" in written


def test_logs_keep_no_secretariat_query(app, ctx):
    """The queue's search (a name, an address) and the outbox's recipient filter are
    GET queries: the request line in every log the app writes keeps the path only, and
    nginx's access log format does the same."""
    import io
    import logging
    from pathlib import Path

    from consult.logs import RedactPrivateLinks, formatter

    line = '127.0.0.1 - - "GET /secretariat/applications?q=Amina+Diallo HTTP/1.1" 200 -'
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, line, (), None)
    assert RedactPrivateLinks().filter(record)
    assert "Amina" not in record.getMessage()
    assert "/secretariat/applications?-" in record.getMessage()
    for log_format in ("text", "json"):
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formatter(log_format))
        logger = logging.getLogger("gunicorn.access.test")
        logger.addHandler(handler)
        logger.warning('"GET /secretariat/outbox/?to=amina@example.org HTTP/1.1" 200')
        logger.removeHandler(handler)
        assert "amina@example.org" not in stream.getvalue()
    nginx = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "consult-http.conf"
    assert "/secretariat/[^?]*)\\?" in nginx.read_text()


def test_the_download_holds_what_the_classification_says_is_theirs(
    app, client, ctx, admin, reviewer
):
    """Reviewers' scores and comments (opinions about the person are their data; who
    wrote them is not), every email sent to them (links masked), their session."""
    from consult.programme.models import SessionKind
    from consult.programme.services import SessionData, place_speaker, save_session
    from consult.review.services import save_review

    consultation = make_consultation()
    application, raw = under_review(consultation)
    save_review(application, reviewer, 4, "A regional view we lack.")
    decide_application(application, Decision.ACCEPT, by=admin, expected_version=2)
    panel = save_session(
        consultation,
        SessionData("Panel 2", SessionKind.PANEL, consultation.starts_at, consultation.ends_at),
        by=admin,
    )
    place_speaker(application, panel, by=admin, expected_version=application.version)
    data = json.loads(client.get(f"/a/{raw}/my-data.json").text)
    assert data["reviews"] == [
        {
            "score": 4,
            "criteria": {},
            "comment": "A regional view we lack.",
            "updated_at": data["reviews"][0]["updated_at"],
        }
    ]
    assert reviewer.email not in json.dumps(data)
    assert data["programme_session"]["title"] == "Panel 2"
    templates = [e["subject"] for e in data["emails"]]
    assert len(templates) >= 3 and all(e["to"] == application.email for e in data["emails"])
    assert all(e["text"] for e in data["emails"])
    assert raw not in json.dumps(data)
    assert "/a/[private-link]" in json.dumps(data)


def test_old_links_expire_unless_they_are_the_latest(app, client, ctx):
    from consult.applications.models import AccessToken
    from tests.factories import link_token

    application, first = under_review(make_consultation())
    second = link_token(application)  # a later email's link
    idle = app.config["LINK_IDLE_DAYS"]
    db.session.execute(
        update(AccessToken).values(
            created_at=utcnow() - timedelta(days=idle + 1),
            last_used_at=utcnow() - timedelta(days=idle + 1),
        )
    )
    db.session.commit()
    assert client.get(f"/a/{first}").status_code == 404  # old, unused: gone
    assert client.get(f"/a/{second}").status_code == 200  # the latest always works
    # Used now and then, an older link stays.
    link_token(application)  # a newer one: the second is no longer the latest
    assert client.get(f"/a/{second}").status_code == 200  # used today: kept


def test_the_applicant_signs_out_the_other_links(client, ctx):
    from tests.factories import link_token

    application, raw = under_review(make_consultation())
    others = [link_token(application) for _ in range(2)]
    page = client.get(f"/a/{raw}")
    assert "Other links to this page, from earlier emails: 2." in page.text
    done = client.post(f"/a/{raw}/links", data={"csrf_token": csrf_token(page.text)})
    assert done.status_code == 302
    assert all(client.get(f"/a/{other}").status_code == 404 for other in others)
    page = client.get(f"/a/{raw}")
    assert page.status_code == 200 and "Other links to this page" not in page.text
    notes = [e.note for e in db.session.get(Application, application.id).events]
    assert "Signed out 2 other private links." in notes


def test_a_database_error_names_no_values(ctx):
    """The engine hides statement parameters in errors (and so in every log of them):
    an applicant's name or address never reaches a log through a failed statement."""
    import sqlalchemy as sa

    with pytest.raises(sa.exc.DBAPIError) as failed:
        db.session.execute(
            sa.text("SELECT * FROM no_such_table WHERE email = :email"),
            {"email": "amina.secret@example.org"},
        )
    db.session.rollback()
    assert "amina.secret@example.org" not in str(failed.value)


def test_an_smtp_refusal_quoting_the_address_logs_no_address(app, ctx):
    """Servers quote the recipient in a refusal ("550 <amina@...>: no such user"): the
    worker's warning is written without it."""
    import io
    import logging

    from consult.logs import formatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter("json"))
    logger = logging.getLogger("consult.notifications.worker")
    logger.addHandler(handler)
    logger.warning("Message %s failed permanently: %s", 7, "550 <amina.x@example.org>: unknown")
    logger.removeHandler(handler)
    assert "amina.x@example.org" not in stream.getvalue()
    assert "[address]" in stream.getvalue()


def test_every_private_link_answer_is_never_cached_nor_indexed(app, ctx, client):
    """The /a/<token> views' one preamble marks whatever they answer (pages, files,
    redirects): each is about one person."""
    from consult.enums import Role
    from tests.factories import make_consultation, under_review

    consultation = make_consultation(capacities={Role.ATTENDEE: 5})
    _application, raw = under_review(consultation, Role.ATTENDEE)  # (confirmed at once)
    rules = [r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/a/<token>")]
    assert len(rules) > 10
    checked = 0
    for rule in rules:
        response = client.get(rule.replace("<token>", raw))
        if response.status_code in (404, 405):
            continue  # (nothing there for this person, or POST only)
        assert response.headers["Cache-Control"] == "no-store", rule
        assert response.headers["X-Robots-Tag"] == "noindex", rule
        checked += 1
    assert checked > 8
