"""`consult data ...`: the personal-data lifecycle (retention purge, erasure)."""

from __future__ import annotations

import click
from sqlalchemy import select

from consult.applications.models import Application
from consult.applications.privacy import after_meetings, erase_application, purge_expired
from consult.applications.services import queue_confirmation_reminders
from consult.applications.tally import differences, recount
from consult.extensions import db
from consult.security.models import SecurityTag
from consult.security.services import record_event
from consult.text import counted

data_cli = click.Group("data", help="Applicants' personal data: retention and erasure.")


@data_cli.command("purge")
def purge_cmd() -> None:
    """Erase the personal data of every consultation past its retention date
    (N months after the meeting). Safe to run from cron as often as you like."""
    purged = purge_expired()
    for consultation in purged:
        record_event(
            SecurityTag.PURGED, actor="consult data purge", target=f"consultation {consultation.id}"
        )
    db.session.commit()
    click.echo(f"Purged {counted(len(purged), 'consultation')}.")
    for line in after_meetings():
        click.echo(line)


@data_cli.command("erase")
@click.argument("reference")
def erase_cmd(reference: str) -> None:
    """Erase one applicant's data by application reference (e.g. FM-P-0042)."""
    application = db.session.execute(
        select(Application).where(Application.reference == reference.strip().upper())
    ).scalar_one_or_none()
    if application is None:
        raise click.ClickException(f"No application {reference}.")
    erase_application(application, by="consult data erase")
    record_event(
        SecurityTag.ERASED, actor="consult data erase", target=f"application {application.id}"
    )
    db.session.commit()
    click.echo(f"Erased the personal data of {reference}.")


# Added to Flask's `consult mail` and `consult db` groups by this feature's init_app: the
# commands live with the applications they work on.
@click.command("remind")
def remind_cmd() -> None:
    """Queue one reminder per accepted speaker who has not confirmed, 3 days before
    the confirmation deadline. Safe to run from cron as often as you like."""
    count = queue_confirmation_reminders()
    click.echo(f"Queued {counted(count, 'reminder')}.")


@click.command("recount")
@click.option("--check", is_flag=True, help="Only compare; change nothing (exit 1 if wrong).")
def recount_cmd(check: bool) -> None:
    """Rebuild the kept counts of applications (application_tally) from the applications,
    saying how many were wrong. Safe while the app runs."""
    wrong = differences() if check else recount()
    for (consultation, role, state, category, region, gender), (kept, fresh) in sorted(
        wrong.items()
    ):
        click.echo(
            f"consultation {consultation}, {role}, {state}, category {category}, {region}, "
            f"gender {gender or '-'}: kept {kept}, counted {fresh}"
        )
    if not wrong:
        click.echo("All kept counts were right.")
    elif check:
        click.echo(f"{len(wrong)} kept counts were wrong (run `consult db recount` to rebuild).")
        raise SystemExit(1)
    else:
        click.echo(f"{len(wrong)} kept counts were wrong; rebuilt.")
