"""`consult users ...`: secretariat accounts from the command line."""

import sys

import click

from consult.accounts import two_factor
from consult.accounts.models import UserRole
from consult.accounts.services import (
    AccountError,
    all_users,
    create_user,
    find_user,
    set_active,
    set_password,
)
from consult.text import counted

users_cli = click.Group("users", help="Secretariat user accounts.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's name.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in UserRole]),
    default=UserRole.REVIEWER.value,
    show_default=True,
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_cmd(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create an account (the password is prompted for)."""
    try:
        user = create_user(
            email, name, UserRole(role), _read_password(password_stdin), by="consult users create"
        )
    except AccountError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {user.role.value} {user.email}.")


@users_cli.command("list")
def list_cmd() -> None:
    """List every account."""
    users = all_users()
    if not users:
        click.echo("No accounts yet: consult users create EMAIL --name NAME --role admin")
        return
    for user in users:
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.email:<40} {user.role.value:<9} {state:<12} {user.name}")


def _existing(email: str):
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    return user


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_cmd(email: str) -> None:
    """Stop an account from signing in (and end its sessions)."""
    set_active(_existing(email), False, by="consult users deactivate")
    click.echo(f"Deactivated {email}.")


@users_cli.command("activate")
@click.argument("email")
def activate_cmd(email: str) -> None:
    """Let a deactivated account sign in again."""
    set_active(_existing(email), True, by="consult users activate")
    click.echo(f"Activated {email}.")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password_cmd(email: str, password_stdin: bool) -> None:
    """Set a new password (ends the account's sessions; the person must choose their
    own at the next sign-in)."""
    user = _existing(email)
    try:
        set_password(
            user, _read_password(password_stdin), by_self=False, by="consult users set-password"
        )
    except AccountError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Password changed for {email}.")


@users_cli.command("reset-two-factor")
@click.argument("email")
def reset_two_factor_cmd(email: str) -> None:
    """Switch off someone's second factor (lost phone and recovery codes); they enrol
    again at their next sign-in (admins must)."""
    user = _existing(email)
    two_factor.disable(user, by="consult users reset-two-factor")
    click.echo(f"Two-factor sign-in is off for {email}; they set it up again at sign-in.")


@users_cli.command("reseal")
def reseal_cmd() -> None:
    """Seal every TOTP seed again with the first of CONSULT_ENCRYPTION_KEYS (key
    rotation: put the new key first, run this, then drop the old key)."""
    count = two_factor.reseal_all()
    click.echo(f"Sealed {counted(count, 'TOTP seed')} with the first key.")
