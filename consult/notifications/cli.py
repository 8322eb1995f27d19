"""`consult mail ...`: look at the outbox (the sending worker comes later)."""

import click
from sqlalchemy import select

from consult.extensions import db
from consult.notifications.models import OutboxMessage, OutboxState

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
    click.echo(message.body_html if html else message.body_text)
