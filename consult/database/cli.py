"""`consult db ...`: schema migrations (Alembic is the only way the schema changes)."""

import click
from alembic import command

from consult.database.migrate import alembic_config, downgrade, upgrade

db_cli = click.Group("db", help="Migrate the database schema (Alembic).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_cmd(revision: str) -> None:
    """Upgrade the schema to REVISION (default: head)."""
    upgrade(revision)


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def downgrade_cmd(revision: str) -> None:
    """Downgrade the schema to REVISION (default: one step back; 'base' empties it)."""
    downgrade(revision)


@db_cli.command("current")
def current_cmd() -> None:
    """Show the revision the database is at."""
    command.current(alembic_config(), verbose=False)


@db_cli.command("history")
def history_cmd() -> None:
    """List the migrations."""
    command.history(alembic_config())


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does.")
@click.option("--autogenerate/--empty", default=True, help="Diff the models against the db.")
def revision_cmd(message: str, autogenerate: bool) -> None:
    """Write a new migration file under migrations/versions/."""
    command.revision(alembic_config(), message=message, autogenerate=autogenerate)


@db_cli.command("recount")
@click.option("--check", is_flag=True, help="Only compare; change nothing (exit 1 if wrong).")
def recount_cmd(check: bool) -> None:
    """Rebuild the kept counts of applications (application_tally) from the applications,
    saying how many were wrong. Safe while the app runs."""
    from consult.applications.tally import differences, recount

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
