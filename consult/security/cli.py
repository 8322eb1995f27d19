"""`consult security export`: the security log as JSON lines or CSV."""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime

import click

from consult.security.services import iter_security_events

security_cli = click.Group("security", help="The security event log.")

FIELDS = ("id", "created_at", "tag", "actor", "actor_user_id", "ip_address", "target", "detail")


@security_cli.command("export")
@click.option("--since", help="Only events from this UTC date or time (2026-11-01).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl")
def export_cmd(since: str | None, fmt: str) -> None:
    """Print every security event, oldest first (for a SIEM or an auditor)."""
    start = datetime.fromisoformat(since) if since else None
    writer = csv.writer(sys.stdout) if fmt == "csv" else None
    if writer:
        writer.writerow(FIELDS)
    for event in iter_security_events(start):
        row = {name: getattr(event, name) for name in FIELDS}
        row["created_at"] = event.created_at.isoformat() + "Z"
        if writer:
            writer.writerow([row[name] for name in FIELDS])
        else:
            click.echo(json.dumps(row, ensure_ascii=False))
