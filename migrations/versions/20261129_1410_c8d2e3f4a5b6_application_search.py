"""application search: pg_trgm GIN index (PostgreSQL), FTS5 trigram table (SQLite)

Revision ID: c8d2e3f4a5b6
Revises: b7c1d2e3f4a5
Create Date: 2026-11-29 14:10:00
"""

from alembic import op

from consult.database.search import create_search_index, drop_search_index

revision = "c8d2e3f4a5b6"
down_revision = "b7c1d2e3f4a5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_search_index(op)


def downgrade() -> None:
    drop_search_index(op)
