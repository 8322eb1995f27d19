"""One way to end staff sessions: drop the session epoch (the staff_session rows end them)

Revision ID: e1f2a3b4c5d6
Revises: d9e3f4a5b6c7
Create Date: 2026-11-30 04:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e1f2a3b4c5d6"
down_revision = "d9e3f4a5b6c7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite (3.35+) drops a column in place: no batch rebuild of a table that others
    # reference (a rebuild would cascade to the staff sessions).
    op.drop_column("secretariat_user", "session_epoch")


def downgrade() -> None:
    op.add_column(
        "secretariat_user",
        sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="1"),
    )
