"""initial schema: consultations, offers, categories, applications, audit log, outbox

The audit log is append-only in the database too: triggers refuse UPDATE and DELETE.

Revision ID: a1bdd0ca7204
Revises:
Create Date: 2026-11-29 00:45:34.854442
"""

import sqlalchemy as sa
from alembic import op

from consult.database.triggers import create_audit_triggers, drop_audit_triggers

revision = "a1bdd0ca7204"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("applications_open_at", sa.DateTime(), nullable=False),
        sa.Column("applications_close_at", sa.DateTime(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "open",
                "closed",
                "archived",
                name="consultationstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reference_prefix", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "applications_close_at > applications_open_at",
            name=op.f("ck_consultation_window_in_order"),
        ),
        sa.CheckConstraint("ends_at >= starts_at", name=op.f("ck_consultation_dates_in_order")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation")),
        sa.UniqueConstraint("slug", name=op.f("uq_consultation_slug")),
    )
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_state"), ["state"], unique=False)

    op.create_table(
        "organization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("acronym", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization")),
        sa.UniqueConstraint("acronym", name=op.f("uq_organization_acronym")),
    )
    op.create_table(
        "stakeholder_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("uses_organization_list", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stakeholder_category")),
        sa.UniqueConstraint("code", name=op.f("uq_stakeholder_category_code")),
    )
    op.create_table(
        "consultation_category",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["stakeholder_category.id"],
            name=op.f("fk_consultation_category_category_id_stakeholder_category"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_consultation_category_consultation_id_consultation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "consultation_id", "category_id", name=op.f("pk_consultation_category")
        ),
    )
    op.create_table(
        "role_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("keynote", "panelist", "attendee", name="role", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("confirm_by", sa.DateTime(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("last_reference_number", sa.Integer(), nullable=False),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_role_offer_capacity_not_negative")),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_role_offer_consultation_id_consultation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_offer")),
        sa.UniqueConstraint(
            "consultation_id", "role", name=op.f("uq_role_offer_consultation_id_role")
        ),
    )
    op.create_table(
        "application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("keynote", "panelist", "attendee", name="role", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "submitted",
                "under_review",
                "accepted",
                "waitlisted",
                "confirmed",
                "declined",
                "rejected",
                "withdrawn",
                name="applicationstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("organization_name", sa.String(length=200), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("gender", sa.String(length=32), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("accessibility_needs", sa.Text(), nullable=False),
        sa.Column("list_publicly", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("email_verified_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["stakeholder_category.id"],
            name=op.f("fk_application_category_id_stakeholder_category"),
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id", "role"],
            ["role_offer.consultation_id", "role_offer.role"],
            name=op.f("fk_application_consultation_id_role_offer"),
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_application_consultation_id_consultation"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_application_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
        sa.UniqueConstraint("reference", name=op.f("uq_application_reference")),
    )
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.create_index(
            "ix_application_consultation_state", ["consultation_id", "role", "state"], unique=False
        )
        batch_op.create_index(
            "uq_application_live_email",
            ["consultation_id", "role", "email"],
            unique=True,
            sqlite_where=sa.text("state NOT IN ('withdrawn', 'rejected', 'declined')"),
            postgresql_where=sa.text("state NOT IN ('withdrawn', 'rejected', 'declined')"),
        )

    op.create_table(
        "access_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_access_token_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_access_token_token_hash")),
    )
    with op.batch_alter_table("access_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_access_token_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column(
            "from_state",
            sa.Enum(
                "submitted",
                "under_review",
                "accepted",
                "waitlisted",
                "confirmed",
                "declined",
                "rejected",
                "withdrawn",
                name="applicationstate",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_state",
            sa.Enum(
                "submitted",
                "under_review",
                "accepted",
                "waitlisted",
                "confirmed",
                "declined",
                "rejected",
                "withdrawn",
                name="applicationstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_audit_event_application_id_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_event_application_id"), ["application_id"], unique=False
        )
    create_audit_triggers(op)

    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "sending",
                "sent",
                "failed",
                name="outboxstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_outbox_message_application_id_application"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_message_idempotency_key")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_message_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index("ix_outbox_message_due", ["state", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_message_due")
        batch_op.drop_index(batch_op.f("ix_outbox_message_application_id"))

    op.drop_table("outbox_message")
    drop_audit_triggers(op)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_application_id"))

    op.drop_table("audit_event")
    with op.batch_alter_table("access_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_token_application_id"))

    op.drop_table("access_token")
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_application_live_email",
            sqlite_where=sa.text("state NOT IN ('withdrawn', 'rejected', 'declined')"),
            postgresql_where=sa.text("state NOT IN ('withdrawn', 'rejected', 'declined')"),
        )
        batch_op.drop_index("ix_application_consultation_state")

    op.drop_table("application")
    op.drop_table("role_offer")
    op.drop_table("consultation_category")
    op.drop_table("stakeholder_category")
    op.drop_table("organization")
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_state"))

    op.drop_table("consultation")
