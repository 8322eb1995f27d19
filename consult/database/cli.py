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
