"""`consult mail ...`: the outbox: run the worker and the local sink, look at messages,
resend failed ones, check delivery health (`mail remind` is added by the applications)."""

import signal
import socket
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from consult.extensions import db
from consult.links import mask_token
from consult.notifications.models import OutboxMessage, OutboxState
from consult.notifications.services import (
    NotificationError,
    delivery_health,
    resend,
    resend_all_failed,
    worker_is_live,
)
from consult.notifications.sink import serve
from consult.notifications.worker import drain, work_forever
from consult.text import counted

mail_cli = click.Group("mail", help="The email outbox.")


@mail_cli.command("list")
@click.option(
    "--state",
    type=click.Choice([state.value for state in OutboxState]),
    help="Only messages in this state.",
)
@click.option("--to", "to_address", help="Only messages to this address.")
@click.option("--limit", default=50, show_default=True, help="How many, newest first.")
def list_cmd(state: str | None, to_address: str | None, limit: int) -> None:
    """Print outbox messages with their recipients and subjects."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if state:
        query = query.where(OutboxMessage.state == OutboxState(state))
    if to_address:
        query = query.where(OutboxMessage.to_address == to_address.strip().lower())
    messages = db.session.execute(query).scalars().all()
    if not messages:
        click.echo("The outbox is empty.")
        return
    click.echo(f"{'id':>6}  {'state':<8} {'queued (UTC)':<16}  {'to':<32} subject")
    for m in messages:
        click.echo(
            f"{m.id:>6}  {m.state.value:<8} {m.created_at:%Y-%m-%d %H:%M}  "
            f"{m.to_address:<32} {m.subject}"
        )
    click.echo("Read one with: consult mail show ID")


@mail_cli.command("show")
@click.argument("message_id", type=int)
@click.option("--html", is_flag=True, help="Print the HTML part instead of the text part.")
def show_cmd(message_id: int, html: bool) -> None:
    """Print one message (headers and body)."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise click.ClickException(f"No outbox message {message_id}.")
    click.echo(f"To: {message.to_address}")
    click.echo(f"Subject: {message.subject}")
    click.echo(f"State: {message.state.value}")
    click.echo("")
    click.echo(mask_token(message.body_html if html else message.body_text))


@mail_cli.command("work")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--batch", default=50, show_default=True, help="Messages per SMTP connection.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
def work_cmd(once: bool, batch: int, interval: float) -> None:
    """Send queued emails over SMTP (run beside the web server; several may run on
    PostgreSQL, one on SQLite)."""
    socket.setdefaulttimeout(current_app.config["MAIL_TIMEOUT"])  # a hung server
    if once:
        result = drain(batch=batch)
        click.echo(f"Sent {result.sent}, to retry {result.retried}, failed {result.failed}.")
        return
    # SIGTERM (systemd, docker stop) and Ctrl-C: finish the message in hand, give the
    # other claims back, exit within seconds (never wait for the queue to drain).
    stopping = []

    def request_stop(*_args):
        stopping.append(True)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    work_forever(batch=batch, interval=interval, stop=lambda: bool(stopping))


@mail_cli.command("sink")
@click.option("--host", default=None, help="Default: MAIL_SERVER.")
@click.option("--port", default=None, type=int, help="Default: MAIL_PORT.")
def sink_cmd(host: str | None, port: int | None) -> None:
    """Run a local SMTP server that keeps every email (for demos and development)."""
    folder = Path(current_app.instance_path) / "mailbox"
    serve(
        host or current_app.config["MAIL_SERVER"],
        port or current_app.config["MAIL_PORT"],
        folder,
        echo=lambda line: click.echo(line),
    )


@mail_cli.command("resend")
@click.argument("message_id", type=int, required=False)
@click.option("--all-failed", is_flag=True, help="Queue every failed message again.")
def resend_cmd(message_id: int | None, all_failed: bool) -> None:
    """Queue a failed message (or, with --all-failed, every one) again."""
    if all_failed:
        n = resend_all_failed()
        click.echo(f"{counted(n, 'failed message')} {'is' if n == 1 else 'are'} queued again.")
        return
    if message_id is None:
        raise click.UsageError("Give a MESSAGE_ID, or --all-failed.")
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise click.ClickException(f"No outbox message {message_id}.")
    try:
        resend(message)
    except NotificationError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Message {message_id} is queued again.")


@mail_cli.command("status")
def status_cmd() -> None:
    """Failed messages, outbox lag and the workers' heartbeats, for monitoring scripts:
    exits 1 when mail is late (MAIL_LAG_WARNING_SECONDS) or messages have failed."""
    health = delivery_health(with_workers=True)
    lag = "none" if health.lag is None else f"{int(health.lag.total_seconds())} s"
    click.echo(f"failed: {health.failed}")
    click.echo(f"lag: {lag}{' (late)' if health.late else ''}")
    for worker in health.workers or []:
        state = "live" if worker_is_live(worker) else "silent"
        click.echo(
            f"worker {worker.worker_id} pid {worker.pid} {state} "
            f"last seen {worker.last_seen_at:%Y-%m-%d %H:%M:%S}Z "
            f"sent {worker.sent_total} failed {worker.failed_total}"
        )
    if not health.live_workers:
        click.echo("no live worker")
    if health.late or health.failed or not health.live_workers:
        raise SystemExit(1)
