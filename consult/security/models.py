"""Security events: staff actions that are not application transitions (sign-ins,
user and role changes, settings, exports, refusals). Append-only, like the audit log."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from consult.database import utcnow
from consult.database.append_only import append_only
from consult.enums import LabelledEnum, with_labels
from consult.extensions import db


class SecurityTag(LabelledEnum):
    """What happened; `area:action`, as warehouse tags its events."""

    SIGNIN = "account:signin"
    SIGNIN_FAILED = "account:signin_failed"
    SIGNIN_THROTTLED = "account:signin_throttled"
    SIGNOUT = "account:signout"
    SESSION_EXPIRED = "account:session_expired"
    PASSWORD_CHANGED = "account:password_changed"
    TWO_FACTOR_ENABLED = "account:two_factor_enabled"
    TWO_FACTOR_DISABLED = "account:two_factor_disabled"
    TWO_FACTOR_FAILED = "account:two_factor_failed"
    RECOVERY_CODE_USED = "account:recovery_code_used"
    FORBIDDEN = "access:forbidden"
    CSRF_FAILED = "access:csrf_failed"
    USER_CREATED = "user:created"
    USER_ACTIVATED = "user:activated"
    USER_DEACTIVATED = "user:deactivated"
    USER_PASSWORD_SET = "user:password_set"
    USER_INVITED = "user:invited"
    INVITATION_ACCEPTED = "user:invitation_accepted"
    SETTINGS_CHANGED = "consultation:settings_changed"
    EMAIL_TEXT_CHANGED = "consultation:email_text_changed"
    EXPORT = "data:export"
    ERASED = "data:erased"
    PURGED = "data:purged"
    OUTBOX_RESENT = "outbox:resent"
    DECISIONS_ANNOUNCED = "review:decisions_announced"
    GROUP_EMAIL = "review:group_email"
    BADGES_PRINTED = "attendance:badges_printed"
    CONTRIBUTION_MODERATED = "contributions:moderated"
    SYNTHESIS_EXPORTED = "contributions:synthesis_exported"
    ALERT = "alert:raised"


def security_tag_label(tag: str) -> str:
    """A stored tag as people read it (an unknown, older tag as it is)."""
    try:
        return SecurityTag(tag).label
    except ValueError:
        return tag


SECURITY_TAG_LABELS = with_labels(
    SecurityTag,
    {
        SecurityTag.SIGNIN: _l("Signed in"),
        SecurityTag.SIGNIN_FAILED: _l("Sign-in failed"),
        SecurityTag.SIGNIN_THROTTLED: _l("Sign-in blocked after too many attempts"),
        SecurityTag.SIGNOUT: _l("Signed out"),
        SecurityTag.SESSION_EXPIRED: _l("Session expired"),
        SecurityTag.PASSWORD_CHANGED: _l("Password changed"),
        SecurityTag.TWO_FACTOR_ENABLED: _l("Two-factor sign-in turned on"),
        SecurityTag.TWO_FACTOR_DISABLED: _l("Two-factor sign-in turned off"),
        SecurityTag.TWO_FACTOR_FAILED: _l("Wrong two-factor code"),
        SecurityTag.RECOVERY_CODE_USED: _l("Recovery code used"),
        SecurityTag.CSRF_FAILED: _l("Form refused (missing or expired token)"),
        SecurityTag.ALERT: _l("Alert sent to the administrators"),
        SecurityTag.FORBIDDEN: _l("Access refused"),
        SecurityTag.USER_CREATED: _l("Account created"),
        SecurityTag.USER_ACTIVATED: _l("Account reactivated"),
        SecurityTag.USER_DEACTIVATED: _l("Account deactivated"),
        SecurityTag.USER_PASSWORD_SET: _l("Password set by an administrator"),
        SecurityTag.USER_INVITED: _l("Invitation sent"),
        SecurityTag.INVITATION_ACCEPTED: _l("Invitation accepted: own password set"),
        SecurityTag.SETTINGS_CHANGED: _l("Consultation settings changed"),
        SecurityTag.EMAIL_TEXT_CHANGED: _l("Email text changed"),
        SecurityTag.EXPORT: _l("Data exported"),
        SecurityTag.ERASED: _l("Personal data erased"),
        SecurityTag.PURGED: _l("Personal data purged"),
        SecurityTag.OUTBOX_RESENT: _l("Emails resent"),
        SecurityTag.DECISIONS_ANNOUNCED: _l("Decisions announced"),
        SecurityTag.GROUP_EMAIL: _l("Email to a group of applicants"),
        SecurityTag.BADGES_PRINTED: _l("Badges printed"),
        SecurityTag.CONTRIBUTION_MODERATED: _l("Contribution moderated"),
        SecurityTag.SYNTHESIS_EXPORTED: _l("Synthesis of contributions exported"),
    },
)


@append_only
class SecurityEvent(db.Model):
    __tablename__ = "security_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    tag: Mapped[str] = mapped_column(sa.String(64), index=True)
    # The staff member who acted (or tried to): their account, or the email typed at
    # sign-in. Never an applicant's address or token.
    actor_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("secretariat_user.id", ondelete="SET NULL")
    )
    actor: Mapped[str] = mapped_column(sa.String(254), default="")
    ip_address: Mapped[str] = mapped_column(sa.String(64), default="")
    # What it was about: "user 3", "consultation 1", "/secretariat/users".
    target: Mapped[str] = mapped_column(sa.String(300), default="")
    detail: Mapped[str] = mapped_column(sa.Text, default="")
