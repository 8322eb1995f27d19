"""Search folds accents and case: "ministere" finds "Ministère" (the index is made
again over the folded text; PostgreSQL gets unaccent and consult_fold()); an index for
the listed organization (the queue's filter, search by its name)

Revision ID: e7f8a9b0c1d2
Revises: d6e7f8a9b0c1
Create Date: 2026-11-30 07:30:00
"""

from alembic import op

from consult.database.search import create_search_index, drop_search_index

revision = "e7f8a9b0c1d2"
down_revision = "d6e7f8a9b0c1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    drop_search_index(op)
    create_search_index(op, folded=True)
    op.create_index(
        "ix_application_organization", "application", ["consultation_id", "organization_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_application_organization", table_name="application")
    drop_search_index(op)
    create_search_index(op, folded=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS consult_fold(text)")
