"""staff_session: device and address (Active sessions), when the password was last given

Revision ID: b4c5d6e7f8a9
Revises: a3b4c5d6e7f8
Create Date: 2026-11-30 05:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b4c5d6e7f8a9"
down_revision = "a3b4c5d6e7f8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("staff_session", sa.Column("verified_at", sa.DateTime(), nullable=True))
    op.add_column(
        "staff_session",
        sa.Column("user_agent", sa.String(length=300), nullable=False, server_default=""),
    )
    op.add_column(
        "staff_session",
        sa.Column("ip_address", sa.String(length=64), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_column("staff_session", "ip_address")
    op.drop_column("staff_session", "user_agent")
    op.drop_column("staff_session", "verified_at")
