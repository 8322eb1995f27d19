"""application.submission_key: a form sent again is recognised, not doubled

Revision ID: c5d6e7f8a9b0
Revises: b4c5d6e7f8a9
Create Date: 2026-11-30 05:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c5d6e7f8a9b0"
down_revision = "b4c5d6e7f8a9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # (Not a batch rebuild: the application table carries triggers; add in place.)
    op.add_column("application", sa.Column("submission_key", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("application", "submission_key")
