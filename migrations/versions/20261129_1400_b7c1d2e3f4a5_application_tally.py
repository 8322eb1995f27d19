"""application_tally: kept counts of applications, and country_region for the triggers

Revision ID: b7c1d2e3f4a5
Revises: 9e4b2c7a1f30
Create Date: 2026-11-29 14:00:00
"""

import sqlalchemy as sa
from alembic import op

from consult.database.triggers import create_tally_triggers, drop_tally_triggers
from consult.regions import REGION_OF_COUNTRY

revision = "b7c1d2e3f4a5"
down_revision = "9e4b2c7a1f30"
branch_labels = None
depends_on = None


def upgrade() -> None:
    country_region = op.create_table(
        "country_region",
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("country", name=op.f("pk_country_region")),
    )
    op.bulk_insert(
        country_region,
        [{"country": c, "region": r} for c, r in sorted(REGION_OF_COUNTRY.items())],
    )
    op.create_table(
        "application_tally",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("gender", sa.String(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_application_tally_consultation_id_consultation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "consultation_id",
            "role",
            "state",
            "category_id",
            "region",
            "gender",
            name=op.f("pk_application_tally"),
        ),
    )
    op.execute(
        "INSERT INTO application_tally "
        "(consultation_id, role, state, category_id, region, gender, n) "
        "SELECT a.consultation_id, a.role, a.state, a.category_id, "
        "COALESCE(r.region, 'other'), a.gender, COUNT(*) "
        "FROM application a LEFT JOIN country_region r ON r.country = a.country "
        "GROUP BY a.consultation_id, a.role, a.state, a.category_id, "
        "COALESCE(r.region, 'other'), a.gender"
    )
    create_tally_triggers(op)
    op.create_index(
        "ix_application_country_state",
        "application",
        ["consultation_id", "country", "state"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_application_country_state", table_name="application")
    drop_tally_triggers(op)
    op.drop_table("application_tally")
    op.drop_table("country_region")
