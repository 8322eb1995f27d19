"""Written contributions: guiding questions, contributions, attachments, themes

Revision ID: d8e9f0a1b2c3
Revises: c7d8e9f0a1b2
Create Date: 2026-11-30 18:00:00
"""

import sqlalchemy as sa
from alembic import op

from consult.database.triggers import create_append_only_triggers, drop_append_only_triggers

revision = "d8e9f0a1b2c3"
down_revision = "c7d8e9f0a1b2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contribution_call",
        sa.Column(
            "consultation_id",
            sa.Integer(),
            sa.ForeignKey("consultation.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("opens_at", sa.DateTime(), nullable=False),
        sa.Column("closes_at", sa.DateTime(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
    )
    op.create_table(
        "guiding_question",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "consultation_id",
            sa.Integer(),
            sa.ForeignKey("consultation.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("help", sa.Text(), nullable=False),
    )
    op.create_index("ix_guiding_question_consultation_id", "guiding_question", ["consultation_id"])
    op.create_table(
        "contribution_theme",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "consultation_id",
            sa.Integer(),
            sa.ForeignKey("consultation.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column(
            "session_id",
            sa.Integer(),
            sa.ForeignKey("programme_session.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.UniqueConstraint("consultation_id", "name"),
    )
    op.create_index(
        "ix_contribution_theme_consultation_id", "contribution_theme", ["consultation_id"]
    )
    op.create_table(
        "contribution",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(32), nullable=False, unique=True),
        sa.Column(
            "consultation_id", sa.Integer(), sa.ForeignKey("consultation.id"), nullable=False
        ),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("organization", sa.String(200), nullable=False),
        sa.Column(
            "category_id", sa.Integer(), sa.ForeignKey("stakeholder_category.id"), nullable=False
        ),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("gender", sa.String(32), nullable=False),
        sa.Column("on_behalf", sa.String(16), nullable=False),
        sa.Column("consent", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("moderation_reason", sa.Text(), nullable=False),
        sa.Column("passage", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column(
            "duplicate_of_id",
            sa.Integer(),
            sa.ForeignKey("contribution.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("email_verified_at", sa.DateTime(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("erased_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_contribution_fingerprint", "contribution", ["fingerprint"])
    op.create_index(
        "ix_contribution_public",
        "contribution",
        ["consultation_id", "state", "published_at", "id"],
    )
    op.create_index(
        "ix_contribution_queue", "contribution", ["consultation_id", "state", "created_at"]
    )
    op.create_table(
        "contribution_theme_link",
        sa.Column(
            "contribution_id",
            sa.Integer(),
            sa.ForeignKey("contribution.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "theme_id",
            sa.Integer(),
            sa.ForeignKey("contribution_theme.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_contribution_theme_link_theme_id", "contribution_theme_link", ["theme_id"])
    op.create_table(
        "contribution_answer",
        sa.Column(
            "contribution_id",
            sa.Integer(),
            sa.ForeignKey("contribution.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "question_id",
            sa.Integer(),
            sa.ForeignKey("guiding_question.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("original", sa.Text(), nullable=False),
    )
    op.create_index("ix_contribution_answer_question_id", "contribution_answer", ["question_id"])
    op.create_table(
        "contribution_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "contribution_id",
            sa.Integer(),
            sa.ForeignKey("contribution.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(160), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("stored_as", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "ix_contribution_file_contribution_id", "contribution_file", ["contribution_id"]
    )
    op.create_table(
        "contribution_token",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "contribution_id",
            sa.Integer(),
            sa.ForeignKey("contribution.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "ix_contribution_token_contribution_id", "contribution_token", ["contribution_id"]
    )
    op.create_table(
        "contribution_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "contribution_id", sa.Integer(), sa.ForeignKey("contribution.id"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(254), nullable=False),
        sa.Column(
            "actor_user_id", sa.Integer(), sa.ForeignKey("secretariat_user.id"), nullable=True
        ),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index(
        "ix_contribution_event_contribution_id", "contribution_event", ["contribution_id"]
    )
    create_append_only_triggers(op, "contribution_event")


def downgrade() -> None:
    drop_append_only_triggers(op, "contribution_event")
    for table in (
        "contribution_event",
        "contribution_token",
        "contribution_file",
        "contribution_answer",
        "contribution_theme_link",
        "contribution",
        "contribution_theme",
        "guiding_question",
        "contribution_call",
    ):
        op.drop_table(table)
