"""The secretariat's outbox page: list, preview, resend."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from consult.database import utcnow
from consult.extensions import db
from consult.notifications.models import OutboxMessage, OutboxState
from tests.conftest import csrf_token
from tests.factories import make_consultation, submit
from tests.queries import count_queries


def test_outbox_lists_every_message_with_state(admin_client, ctx):
    submit(make_consultation(), email="listed@example.org")
    html = admin_client.get("/secretariat/outbox/").text
    assert "listed@example.org" in html
    assert "Confirm your email address" in html
    assert "Queued: 1" in html


def test_outbox_preview_shows_text_and_sandboxed_html(admin_client, ctx):
    submit(make_consultation())
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    page = admin_client.get(f"/secretariat/outbox/{message.id}")
    assert message.body_text.splitlines()[0] in page.text
    assert "<iframe" in page.text and "sandbox" in page.text
    html = admin_client.get(f"/secretariat/outbox/{message.id}/html")
    assert html.status_code == 200
    assert "sandbox" in html.headers["Content-Security-Policy"]
    assert html.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "Confirm my email address" in html.text


def test_failed_messages_can_be_resent_by_admins(admin_client, reviewer_client, ctx):
    submit(make_consultation())
    db.session.execute(
        update(OutboxMessage).values(
            state=OutboxState.FAILED, attempts=8, last_error="550 No such user"
        )
    )
    db.session.commit()
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    url = f"/secretariat/outbox/{message.id}"
    reviewer_page = reviewer_client.get(url)
    assert "550 No such user" in reviewer_page.text
    assert "Resend" not in reviewer_page.text
    assert (
        reviewer_client.post(
            f"{url}/resend", data={"csrf_token": csrf_token(reviewer_page.text)}
        ).status_code
        == 403
    )
    page = admin_client.get(url)
    response = admin_client.post(f"{url}/resend", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    db.session.expire_all()
    assert (message.state, message.attempts) == (OutboxState.QUEUED, 0)
    again = admin_client.post(f"{url}/resend", data={"csrf_token": csrf_token(page.text)})
    assert "Only failed messages can be resent." in admin_client.get(again.headers["Location"]).text


def test_outbox_runs_a_fixed_number_of_queries(app, admin_client, ctx):
    consultation = make_consultation()
    submit(consultation)
    admin_client.get("/secretariat/outbox/")
    with count_queries(app) as few:
        admin_client.get("/secretariat/outbox/")
    for _ in range(20):
        submit(consultation)
    with count_queries(app) as many:
        admin_client.get("/secretariat/outbox/?state=queued")
    assert len(many) == len(few) <= 7


def test_the_outbox_pages_newest_first(admin_client, admin, ctx):
    from consult.notifications.services import queue_email

    for n in range(55):
        queue_email(
            key=f"paging:{n}",
            template="password_changed",
            to=f"p{n}@example.org",
            language="en",
            context={"user": admin, "by_self": True, "when": utcnow()},
        )
    db.session.commit()
    first = admin_client.get("/secretariat/outbox/").text
    assert "p54@example.org" in first and "p4@example.org" not in first
    older = re.search(r'href="([^"]*before=\d+)"', first).group(1).replace("&amp;", "&")
    second = admin_client.get(older).text
    assert "p4@example.org" in second and "p54@example.org" not in second
    assert "Older messages" not in second


def test_admins_are_told_when_mail_is_late_and_who_is_sending(app, admin_client, ctx):
    from datetime import timedelta

    from consult.notifications.models import MailWorker
    from consult.notifications.worker import report_alive

    submit(make_consultation())
    queue = admin_client.get("/secretariat/applications").text
    assert "Emails are late" not in queue
    outbox = admin_client.get("/secretariat/outbox/").text
    assert "No mail worker has reported yet." in outbox

    # Nothing has sent the due message for ten minutes, and no worker reports.
    db.session.execute(
        update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(minutes=10))
    )
    db.session.commit()
    queue = admin_client.get("/secretariat/applications").text
    assert "Emails are late: the oldest has waited 10 minutes." in queue
    assert "No mail worker is reporting." in queue
    status = app.test_cli_runner().invoke(args=["mail", "status"])
    assert status.exit_code == 1
    assert "lag: 600 s (late)" in status.output and "no live worker" in status.output

    # A worker reports in: the outbox names it, and the warning points at the server.
    report_alive("host-1-abc")
    outbox = admin_client.get("/secretariat/outbox/").text
    assert "Reporting" in outbox and "Not reporting" not in outbox
    assert (
        "The mail server may be unreachable" in admin_client.get("/secretariat/applications").text
    )
    db.session.execute(update(MailWorker).values(last_seen_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    assert "Not reporting" in admin_client.get("/secretariat/outbox/").text

    # Sent: no lag, no warning, and the status check passes.
    report_alive("host-1-abc")
    db.session.execute(update(OutboxMessage).values(state=OutboxState.SENT))
    db.session.commit()
    assert "Emails are late" not in admin_client.get("/secretariat/applications").text
    assert "Nothing is waiting to be sent." in admin_client.get("/secretariat/outbox/").text
    status = app.test_cli_runner().invoke(args=["mail", "status"])
    assert status.exit_code == 0, status.output
    assert "failed: 0" in status.output and "lag: none" in status.output
