"""outbox worker claims and calendar attachments

Who claimed a message and until when (the lease after which a dead worker's claim
is taken over), and the .ics text that confirmations carry.

Revision ID: c0e7f76748d8
Revises: ab952adfb3fd
Create Date: 2026-11-29 01:54:28.382800
"""

from alembic import op
import sqlalchemy as sa


revision = "c0e7f76748d8"
down_revision = "ab952adfb3fd"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_by", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("calendar", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("calendar")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("claimed_by")
