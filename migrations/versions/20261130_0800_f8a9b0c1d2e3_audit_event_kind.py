"""audit_event.kind: what a change that is not a transition was (the history says
"placed in the programme", not "Confirmed -> Confirmed")

Revision ID: f8a9b0c1d2e3
Revises: e7f8a9b0c1d2
Create Date: 2026-11-30 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f8a9b0c1d2e3"
down_revision = "e7f8a9b0c1d2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # (Not a batch rebuild: audit_event is append-only, its triggers refuse rewrites.)
    op.add_column(
        "audit_event",
        sa.Column("kind", sa.String(length=32), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_column("audit_event", "kind")
