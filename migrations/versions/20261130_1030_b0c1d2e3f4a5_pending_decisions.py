"""Decisions recorded now and announced later: the pending decision and its message on
the application

Revision ID: b0c1d2e3f4a5
Revises: a9b0c1d2e3f4
Create Date: 2026-11-30 10:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b0c1d2e3f4a5"
down_revision = "a9b0c1d2e3f4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("application", sa.Column("pending_decision", sa.String(length=16)))
    op.add_column(
        "application",
        sa.Column("pending_message", sa.Text(), nullable=False, server_default=""),
    )
    # The few decisions not yet announced, among many applications: a partial index.
    pending = sa.text("pending_decision IS NOT NULL")
    op.create_index(
        "ix_application_pending",
        "application",
        ["consultation_id"],
        sqlite_where=pending,
        postgresql_where=pending,
    )


def downgrade() -> None:
    op.drop_index("ix_application_pending", "application")
    op.drop_column("application", "pending_message")
    op.drop_column("application", "pending_decision")
