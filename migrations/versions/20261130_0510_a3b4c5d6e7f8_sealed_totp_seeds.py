"""Sealed TOTP seeds: totp_secret (plain) becomes totp_seed_sealed (CONSULT_ENCRYPTION_KEYS)

Runs inside the app (consult db upgrade), whose ENCRYPTION_KEYS seal the existing seeds.

Revision ID: a3b4c5d6e7f8
Revises: f2a3b4c5d6e7
Create Date: 2026-11-30 05:10:00
"""

import sqlalchemy as sa
from alembic import op

from consult.sealing import seal, unseal

revision = "a3b4c5d6e7f8"
down_revision = "f2a3b4c5d6e7"
branch_labels = None
depends_on = None

users = sa.table(
    "secretariat_user",
    sa.column("id", sa.Integer),
    sa.column("totp_secret", sa.String),
    sa.column("totp_seed_sealed", sa.Text),
)


def upgrade() -> None:
    # Column by column (no batch rebuild of a table others reference: see e1f2a3b4c5d6).
    op.add_column("secretariat_user", sa.Column("totp_seed_sealed", sa.Text(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))
    ).all()
    for user_id, secret in rows:
        bind.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(totp_seed_sealed=seal(secret, "totp"))
        )
    op.drop_column("secretariat_user", "totp_secret")


def downgrade() -> None:
    op.add_column("secretariat_user", sa.Column("totp_secret", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(users.c.id, users.c.totp_seed_sealed).where(users.c.totp_seed_sealed.is_not(None))
    ).all()
    for user_id, sealed in rows:
        bind.execute(
            users.update().where(users.c.id == user_id).values(totp_secret=unseal(sealed, "totp"))
        )
    op.drop_column("secretariat_user", "totp_seed_sealed")
