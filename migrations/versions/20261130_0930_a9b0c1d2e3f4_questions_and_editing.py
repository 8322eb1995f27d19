"""A consultation's own questions and the applicants' answers; the secretariat's lock
on applicants editing their application

Revision ID: a9b0c1d2e3f4
Revises: f8a9b0c1d2e3
Create Date: 2026-11-30 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a9b0c1d2e3f4"
down_revision = "f8a9b0c1d2e3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "consultation_id",
            sa.Integer(),
            sa.ForeignKey("consultation.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("help", sa.Text(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("roles", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_question_consultation_id", "question", ["consultation_id"])
    op.create_table(
        "application_answer",
        sa.Column(
            "application_id",
            sa.Integer(),
            sa.ForeignKey("application.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "question_id",
            sa.Integer(),
            sa.ForeignKey("question.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_index("ix_application_answer_question_id", "application_answer", ["question_id"])
    op.add_column(
        "application",
        sa.Column("editing_locked", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("application", "editing_locked")
    op.drop_index("ix_application_answer_question_id", "application_answer")
    op.drop_table("application_answer")
    op.drop_index("ix_question_consultation_id", "question")
    op.drop_table("question")
