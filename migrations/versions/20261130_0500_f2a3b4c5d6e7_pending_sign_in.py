"""pending_sign_in: the password-checked, code-pending state on the server

Revision ID: f2a3b4c5d6e7
Revises: e1f2a3b4c5d6
Create Date: 2026-11-30 05:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f2a3b4c5d6e7"
down_revision = "e1f2a3b4c5d6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_sign_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["secretariat_user.id"],
            name=op.f("fk_pending_sign_in_user_id_secretariat_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_sign_in")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_pending_sign_in_key_hash")),
    )
    op.create_index(
        op.f("ix_pending_sign_in_user_id"), "pending_sign_in", ["user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_pending_sign_in_user_id"), table_name="pending_sign_in")
    op.drop_table("pending_sign_in")
