"""`consult demo ...`: demonstration data."""

import click
from flask import current_app
from sqlalchemy import select

from consult.accounts.models import User
from consult.database import utcnow
from consult.demo.contributions import seed_demo_contributions
from consult.demo.seed import (
    seed_demo,
    seed_demo_accounts,
    seed_demo_speakers,
    seed_demo_visa_requests,
)
from consult.extensions import db
from consult.http import public_url

demo_cli = click.Group("demo", help="Demonstration data.")


@demo_cli.command("seed")
def seed_cmd() -> None:
    """Create the Geneva consultation (open for applications now). Safe to run again."""
    consultation, created = seed_demo()
    url = public_url("consultations.detail", slug=consultation.slug)
    if created:
        click.echo(f"Created the demo consultation: {url}")
    else:
        click.echo(f"The demo consultation exists already: {url}")
        if not consultation.accepts_applications_at(utcnow()):
            click.echo(
                "Note: its application window is not open now. Delete "
                f"{current_app.instance_path}/consult.db to start afresh.",
                err=True,
            )
    accounts = seed_demo_accounts()
    admin = db.session.execute(
        select(User).where(User.email == "admin@ungis.example")
    ).scalar_one_or_none()
    if admin is not None:
        speakers = seed_demo_speakers(consultation, admin)
        if speakers:
            click.echo(
                f"Added {speakers} accepted speakers (some confirmed) to place in the "
                "programme; their emails go to the local sink."
            )
        letters = seed_demo_visa_requests(consultation)
        if letters:
            click.echo(f"Added {letters} visa letter requests (one in Arabic) to issue.")
        written = seed_demo_contributions(consultation, admin)
        if written:
            click.echo(
                f"Added {written} written contributions in several languages (three "
                "published, one to moderate) and three guiding questions."
            )
    login = public_url("accounts.login")
    if accounts:
        click.echo("")
        click.echo(f"Secretariat sign-in: {login}")
        for user, password in accounts:
            click.echo(f"  {user.role.value:<9} {user.email}  password: {password}")
        click.echo("  (shown once; you choose your own password at the first sign-in, and")
        click.echo("   admins then set up two-factor sign-in with an authenticator app)")
    else:
        click.echo(
            f"Secretariat sign-in: {login} (demo accounts exist already; "
            "consult users list / set-password)"
        )
