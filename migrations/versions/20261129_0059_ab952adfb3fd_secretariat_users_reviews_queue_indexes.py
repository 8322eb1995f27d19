"""secretariat users, reviews, queue indexes

Accounts for the secretariat, one review per reviewer and application, the review
count and average kept on the application, and one index per queue sort order.

Revision ID: ab952adfb3fd
Revises: a1bdd0ca7204
Create Date: 2026-11-29 00:59:31.632492
"""

from alembic import op
import sqlalchemy as sa

from consult.database.triggers import create_audit_triggers


revision = "ab952adfb3fd"
down_revision = "a1bdd0ca7204"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "secretariat_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum("admin", "reviewer", name="userrole", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secretariat_user")),
        sa.UniqueConstraint("email", name=op.f("uq_secretariat_user_email")),
    )
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_review_score_range")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_review_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["secretariat_user.id"],
            name=op.f("fk_review_reviewer_id_secretariat_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
        sa.UniqueConstraint(
            "application_id", "reviewer_id", name=op.f("uq_review_application_id_reviewer_id")
        ),
    )
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_review_reviewer_id"), ["reviewer_id"], unique=False)

    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("review_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("average_score", sa.Float(), nullable=False, server_default="0")
        )
        batch_op.create_index(
            "ix_application_queue_created", ["consultation_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_application_queue_name", ["consultation_id", "full_name", "id"], unique=False
        )
        batch_op.create_index(
            "ix_application_queue_score", ["consultation_id", "average_score", "id"], unique=False
        )
        batch_op.create_index(
            "ix_application_queue_state_created",
            ["consultation_id", "state", "created_at"],
            unique=False,
        )

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_event_actor_user_id_secretariat_user"),
            "secretariat_user",
            ["actor_user_id"],
            ["id"],
        )
    create_audit_triggers(op)  # SQLite rebuilt the table without them


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_audit_event_actor_user_id_secretariat_user"), type_="foreignkey"
        )
        batch_op.drop_column("actor_user_id")
    create_audit_triggers(op)  # SQLite rebuilt the table without them

    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_queue_state_created")
        batch_op.drop_index("ix_application_queue_score")
        batch_op.drop_index("ix_application_queue_name")
        batch_op.drop_index("ix_application_queue_created")
        batch_op.drop_column("average_score")
        batch_op.drop_column("review_count")

    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_review_application_id"))

    op.drop_table("review")
    op.drop_table("secretariat_user")
