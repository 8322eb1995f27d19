"""languages: content translations, staff language

Revision ID: 7d3e91b0c2aa
Revises: 5c0e7d21a9b3
Create Date: 2026-11-29 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "7d3e91b0c2aa"
down_revision = "5c0e7d21a9b3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_translation")),
        sa.UniqueConstraint(
            "owner",
            "owner_id",
            "field",
            "language",
            name=op.f("uq_content_translation_owner_owner_id_field_language"),
        ),
    )
    op.create_index("ix_content_translation_language", "content_translation", ["language", "owner"])
    with op.batch_alter_table("secretariat_user") as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("secretariat_user") as batch_op:
        batch_op.drop_column("language")
    op.drop_index("ix_content_translation_language", table_name="content_translation")
    op.drop_table("content_translation")
