"""`consult mail list` / `show`: the outbox, readable before the worker exists."""

from __future__ import annotations

from sqlalchemy import select

from consult.extensions import db
from consult.notifications.models import OutboxMessage
from tests.factories import make_consultation, submit


def test_mail_list_prints_recipients_and_subjects(app, ctx):
    runner = app.test_cli_runner()
    assert "The outbox is empty." in runner.invoke(args=["mail", "list"]).output
    application, raw = submit(make_consultation(), email="listed@example.org")
    result = runner.invoke(args=["mail", "list"])
    assert result.exit_code == 0
    assert "listed@example.org" in result.output
    assert f"Confirm your email address – application {application.reference}" in result.output
    assert "queued" in result.output


def test_mail_show_masks_the_private_link(app, ctx):
    _application, raw = submit(make_consultation(), email="shown@example.org")
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    result = app.test_cli_runner().invoke(args=["mail", "show", str(message.id)])
    assert result.exit_code == 0
    assert "To: shown@example.org" in result.output
    assert "http://consult.test/a/[private-link]" in result.output
    assert raw not in result.output
    missing = app.test_cli_runner().invoke(args=["mail", "show", "999"])
    assert missing.exit_code != 0 and "No outbox message 999" in missing.output


def test_mail_list_filters_by_recipient_and_state(app, ctx):
    consultation = make_consultation()
    submit(consultation, email="a@example.org")
    submit(consultation, email="b@example.org")
    output = app.test_cli_runner().invoke(args=["mail", "list", "--to", "A@example.org"]).output
    assert "a@example.org" in output and "b@example.org" not in output
    output = app.test_cli_runner().invoke(args=["mail", "list", "--state", "sent"]).output
    assert "The outbox is empty." in output
