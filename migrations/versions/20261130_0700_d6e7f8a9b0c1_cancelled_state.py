"""A confirmed person may cancel (state "cancelled"): it ends an application, so the
index that allows one live application per person and role leaves it out too; and
application.leaving_reason (why they withdrew or cancelled, erased with them)

Revision ID: d6e7f8a9b0c1
Revises: c5d6e7f8a9b0
Create Date: 2026-11-30 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "d6e7f8a9b0c1"
down_revision = "c5d6e7f8a9b0"
branch_labels = None
depends_on = None

_ENDED = "'withdrawn', 'rejected', 'declined'"


def _live_index(ended: str) -> None:
    condition = sa.text(f"state NOT IN ({ended})")
    op.create_index(
        "uq_application_live_email",
        "application",
        ["consultation_id", "role", "email"],
        unique=True,
        sqlite_where=condition,
        postgresql_where=condition,
    )


def upgrade() -> None:
    # (The state column is a plain VARCHAR: the new value needs no change of its own.)
    op.drop_index("uq_application_live_email", table_name="application")
    _live_index(_ENDED + ", 'cancelled'")
    # (Not a batch rebuild: the application table carries triggers; add in place.)
    op.add_column(
        "application",
        sa.Column("leaving_reason", sa.Text(), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_column("application", "leaving_reason")
    op.execute("UPDATE application SET state = 'withdrawn' WHERE state = 'cancelled'")
    op.drop_index("uq_application_live_email", table_name="application")
    _live_index(_ENDED)
