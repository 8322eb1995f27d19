"""Review assignments and declared conflicts of interest; the organization a staff
member works for

Revision ID: c1d2e3f4a5b6
Revises: b0c1d2e3f4a5
Create Date: 2026-11-30 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c1d2e3f4a5b6"
down_revision = "b0c1d2e3f4a5"
branch_labels = None
depends_on = None


def _table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f(f"fk_{name}_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["secretariat_user.id"],
            name=op.f(f"fk_{name}_reviewer_id_secretariat_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint(
            "application_id", "reviewer_id", name=op.f(f"uq_{name}_application_id_reviewer_id")
        ),
    )
    op.create_index(f"ix_{name}_reviewer", name, ["reviewer_id", "application_id"])


def upgrade() -> None:
    _table("review_assignment")
    _table("review_conflict")
    # (SQLite adds a column with a foreign key only by rebuilding the table: batch.)
    with op.batch_alter_table("secretariat_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organization_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_secretariat_user_organization_id_organization"),
            "organization",
            ["organization_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("secretariat_user", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_secretariat_user_organization_id_organization"), type_="foreignkey"
        )
        batch_op.drop_column("organization_id")
    for name in ("review_conflict", "review_assignment"):
        op.drop_index(f"ix_{name}_reviewer", name)
        op.drop_table(name)
