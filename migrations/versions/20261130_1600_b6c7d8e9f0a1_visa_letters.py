"""Letters of invitation for visas, and the letterhead settings

Revision ID: b6c7d8e9f0a1
Revises: a5b6c7d8e9f0
Create Date: 2026-11-30 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b6c7d8e9f0a1"
down_revision = "a5b6c7d8e9f0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "visa_letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("passport_name", sa.String(length=200), nullable=False),
        sa.Column("passport_number", sa.String(length=40), nullable=False),
        sa.Column("nationality", sa.String(length=2), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("consulate", sa.String(length=300), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "requested", "issued", "sent", name="visaletterstate", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("purged_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_visa_letter_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_visa_letter_consultation_id_consultation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["secretariat_user.id"],
            name=op.f("fk_visa_letter_issued_by_id_secretariat_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visa_letter")),
        sa.UniqueConstraint("application_id", name=op.f("uq_visa_letter_application_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_visa_letter_reference")),
    )
    op.create_index(op.f("ix_visa_letter_consultation_id"), "visa_letter", ["consultation_id"])
    op.create_table(
        "letter_settings",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("signatory", sa.String(length=200), nullable=False),
        sa.Column("signatory_title", sa.String(length=300), nullable=False),
        sa.Column("letterhead", sa.Text(), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_letter_settings_consultation_id_consultation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consultation_id", name=op.f("pk_letter_settings")),
    )


def downgrade() -> None:
    op.drop_table("letter_settings")
    op.drop_index(op.f("ix_visa_letter_consultation_id"), table_name="visa_letter")
    op.drop_table("visa_letter")
