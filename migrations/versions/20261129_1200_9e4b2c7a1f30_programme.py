"""programme: sessions, speaker placements, publication

Revision ID: 9e4b2c7a1f30
Revises: 7d3e91b0c2aa
Create Date: 2026-11-29 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "9e4b2c7a1f30"
down_revision = "7d3e91b0c2aa"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programme_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("room", sa.String(length=120), nullable=False),
        sa.Column("parallel_allowed", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("moderators", sa.String(length=500), nullable=False),
        sa.Column("speaker_capacity", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_programme_session_consultation_id_consultation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_session")),
    )
    op.create_index(
        op.f("ix_programme_session_consultation_id"), "programme_session", ["consultation_id"]
    )
    with op.batch_alter_table("application") as batch_op:
        batch_op.add_column(sa.Column("programme_session_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("calendar_sequence", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_index(
            batch_op.f("ix_application_programme_session_id"), ["programme_session_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_application_programme_session_id_programme_session"),
            "programme_session",
            ["programme_session_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("consultation") as batch_op:
        batch_op.add_column(sa.Column("programme_published_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "participants_public", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("consultation") as batch_op:
        batch_op.drop_column("participants_public")
        batch_op.drop_column("programme_published_at")
    with op.batch_alter_table("application") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_application_programme_session_id_programme_session"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_application_programme_session_id"))
        batch_op.drop_column("calendar_sequence")
        batch_op.drop_column("programme_session_id")
    op.drop_index(op.f("ix_programme_session_consultation_id"), table_name="programme_session")
    op.drop_table("programme_session")
