"""Staff invitations by email: a single-use link to set one's own password

Revision ID: f4a5b6c7d8e9
Revises: e3f4a5b6c7d8
Create Date: 2026-11-30 14:00:00

Plain ADD/DROP COLUMN (no copy of the table: the reviews and sessions that point at
the accounts stay valid on SQLite).
"""

import sqlalchemy as sa
from alembic import op

revision = "f4a5b6c7d8e9"
down_revision = "e3f4a5b6c7d8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("secretariat_user", sa.Column("invited_at", sa.DateTime(), nullable=True))
    op.add_column(
        "secretariat_user", sa.Column("invitation_hash", sa.String(length=64), nullable=True)
    )
    op.add_column(
        "secretariat_user", sa.Column("invitation_expires_at", sa.DateTime(), nullable=True)
    )
    op.create_index(
        op.f("ix_secretariat_user_invitation_hash"),
        "secretariat_user",
        ["invitation_hash"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_secretariat_user_invitation_hash"), table_name="secretariat_user")
    op.drop_column("secretariat_user", "invitation_expires_at")
    op.drop_column("secretariat_user", "invitation_hash")
    op.drop_column("secretariat_user", "invited_at")
