"""Two-factor sign-in for staff: TOTP (RFC 6238, any authenticator app) and one-time
recovery codes. Required for admins (TWO_FACTOR_REQUIRED_FOR_ADMINS), optional for
reviewers."""

from __future__ import annotations

import secrets
import time

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import select, update
from werkzeug.security import check_password_hash

from consult.accounts.models import RecoveryCode, User
from consult.accounts.services import Actor, hash_secret, record_account_event
from consult.database import spend_once, transaction, utcnow
from consult.extensions import db
from consult.notifications.services import queue_email
from consult.sealing import reseal, seal, unseal
from consult.security.models import SecurityTag

ISSUER = "UNGIS consult"
RECOVERY_CODES = 10


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The enrolment QR code as inline SVG (no image request, no external service)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#1b1b1b", light="#ffffff")
    return Markup(svg)


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code this is (the current one or its neighbours), or None."""
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    step = int(now // totp.interval)
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def check_code(secret: str, code: str) -> int | None:
    """For enrolment: the time step of the code if it fits the new secret, else None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    return _matching_step(secret, code)


def _tell_the_holder(user: User, turned_on: bool, by: Actor) -> None:
    """Switching the second factor on or off is recorded and emailed to the account's
    holder (so a change they did not make does not go unnoticed)."""
    now = utcnow()
    record_account_event(
        SecurityTag.TWO_FACTOR_ENABLED if turned_on else SecurityTag.TWO_FACTOR_DISABLED, user, by
    )
    queue_email(
        key=f"user:{user.id}:two_factor:{'on' if turned_on else 'off'}:{now:%Y%m%dT%H%M%S.%f}",
        template="two_factor_changed",
        to=user.email,
        language=user.language or "en",
        context={
            "user": user,
            "turned_on": turned_on,
            "by_self": isinstance(by, User) and by.id == user.id,
            "when": now,
        },
    )


def enable(user: User, secret: str, used_step: int, *, by: Actor = None) -> list[str]:
    """Save the confirmed secret and return fresh recovery codes (shown once)."""
    codes = [
        f"{secrets.randbelow(10**5):05d}-{secrets.randbelow(10**5):05d}"
        for _ in range(RECOVERY_CODES)
    ]
    with transaction():
        user.totp_seed_sealed = seal(secret, "totp")
        user.totp_last_step = used_step  # the enrolment's code is spent
        db.session.execute(
            update(RecoveryCode).where(RecoveryCode.user_id == user.id).values(used_at=utcnow())
        )
        for code in codes:
            db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_secret(code)))
        _tell_the_holder(user, True, by)
    return codes


def disable(user: User, *, by: Actor = None) -> None:
    """Switch the second factor off (the holder, or an operator for a lost phone)."""
    with transaction():
        user.totp_seed_sealed = None
        user.totp_last_step = 0
        db.session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
            .values(used_at=utcnow())
        )
        _tell_the_holder(user, False, by)


def verify(user: User, code: str) -> str | None:
    """Check a second-factor answer: "totp" or "recovery" when accepted, else None.

    A TOTP code is accepted once (its time step must be newer than the last one used),
    so a code seen over someone's shoulder cannot be replayed; a recovery code is
    spent when used."""
    code = "".join((code or "").split())
    if not user.totp_seed_sealed or not code or len(code) > 20:
        return None
    if code.isdigit() and len(code) == 6:
        seed = unseal(user.totp_seed_sealed, "totp")
        if seed is None:  # sealed with a key no longer configured
            return None
        step = _matching_step(seed, code)
        if step is None or step <= user.totp_last_step:
            return None
        with transaction():
            # Conditional, so two requests with the same code cannot both pass.
            won = db.session.execute(
                update(User)
                .where(User.id == user.id, User.totp_last_step < step)
                .values(totp_last_step=step)
                .execution_options(synchronize_session=False)
            ).rowcount
        db.session.expire(user, ["totp_last_step"])
        return "totp" if won == 1 else None
    for row in db.session.execute(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).scalars():
        if check_password_hash(row.code_hash, code):
            with transaction():
                spent = spend_once(RecoveryCode, row.id)
            return "recovery" if spent else None
    return None


def recovery_codes_left(user: User) -> int:
    return len(
        db.session.execute(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def reseal_all() -> int:
    """Seal every TOTP seed again with the first of CONSULT_ENCRYPTION_KEYS (after a new
    key was put first); returns how many. A seed no configured key opens is left."""
    count = 0
    with transaction():
        for user in db.session.execute(
            select(User).where(User.totp_seed_sealed.is_not(None))
        ).scalars():
            if unseal(user.totp_seed_sealed, "totp") is not None:
                user.totp_seed_sealed = reseal(user.totp_seed_sealed, "totp")
                count += 1
    return count
