"""mail worker heartbeat

Revision ID: 5c0e7d21a9b3
Revises: 2a1653ff84cd
Create Date: 2026-11-29 10:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "5c0e7d21a9b3"
down_revision = "2a1653ff84cd"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_worker",
        sa.Column("worker_id", sa.String(length=64), nullable=False),
        sa.Column("hostname", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("sent_total", sa.Integer(), nullable=False),
        sa.Column("failed_total", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_mail_worker")),
    )


def downgrade() -> None:
    op.drop_table("mail_worker")
