"""Review criteria with weights; a review's total is their weighted mean; the spread
of an application's scores is kept for the queue

Revision ID: e3f4a5b6c7d8
Revises: d2e3f4a5b6c7
Create Date: 2026-11-30 13:00:00

The single scores reviewers gave so far stay what they were (a whole number is a
weighted mean of one criterion); the variance of each application's scores is
computed from them.
"""

import sqlalchemy as sa
from alembic import op

revision = "e3f4a5b6c7d8"
down_revision = "d2e3f4a5b6c7"
branch_labels = None
depends_on = None


def _variances() -> None:
    """Each reviewed application's population variance: avg(x²) − avg(x)²."""
    op.execute(
        """
        UPDATE application SET score_variance = (
            SELECT CASE WHEN count(review.id) < 2 THEN 0
                        ELSE avg(review.score * review.score) - avg(review.score) * avg(review.score)
                   END
            FROM review WHERE review.application_id = application.id)
        WHERE review_count > 1
        """
    )


def upgrade() -> None:
    op.create_table(
        "review_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "weight BETWEEN 1 AND 10", name=op.f("ck_review_criterion_weight_range")
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_review_criterion_consultation_id_consultation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_criterion")),
    )
    op.create_index(
        op.f("ix_review_criterion_consultation_id"), "review_criterion", ["consultation_id"]
    )
    op.create_table(
        "review_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_review_score_score_range")),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review.id"],
            name=op.f("fk_review_score_review_id_review"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["review_criterion.id"],
            name=op.f("fk_review_score_criterion_id_review_criterion"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_score")),
        sa.UniqueConstraint(
            "review_id", "criterion_id", name=op.f("uq_review_score_review_id_criterion_id")
        ),
    )
    op.create_index(op.f("ix_review_score_criterion_id"), "review_score", ["criterion_id"])
    # SQLite copies the table to change a type (its range check is copied with it).
    with op.batch_alter_table("review") as batch_op:
        batch_op.alter_column(
            "score",
            existing_type=sa.Integer(),
            type_=sa.Float(),
            existing_nullable=False,
            postgresql_using="score::double precision",
        )
    # (No copy of the application table: its triggers stay.)
    op.add_column(
        "application", sa.Column("score_variance", sa.Float(), nullable=False, server_default="0")
    )
    op.create_index(
        "ix_application_queue_spread", "application", ["consultation_id", "score_variance", "id"]
    )
    _variances()


def downgrade() -> None:
    op.drop_index("ix_application_queue_spread", "application")
    op.drop_column("application", "score_variance")
    op.execute("UPDATE review SET score = round(score)")
    with op.batch_alter_table("review") as batch_op:
        batch_op.alter_column(
            "score",
            existing_type=sa.Float(),
            type_=sa.Integer(),
            existing_nullable=False,
            postgresql_using="round(score)::integer",
        )
    op.drop_index(op.f("ix_review_score_criterion_id"), table_name="review_score")
    op.drop_table("review_score")
    op.drop_index(op.f("ix_review_criterion_consultation_id"), table_name="review_criterion")
    op.drop_table("review_criterion")
