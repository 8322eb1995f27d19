"""consultation email texts

Admins' own subject and body per consultation, email and language (plain text with
placeholders; see consult/notifications/texts.py).

Revision ID: 591d403b4ad2
Revises: c0e7f76748d8
Create Date: 2026-11-29 02:00:16.668033
"""

from alembic import op
import sqlalchemy as sa


revision = "591d403b4ad2"
down_revision = "c0e7f76748d8"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "email_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_email_text_consultation_id_consultation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_text")),
        sa.UniqueConstraint(
            "consultation_id",
            "template",
            "language",
            name=op.f("uq_email_text_consultation_id_template_language"),
        ),
    )


def downgrade() -> None:

    op.drop_table("email_text")
