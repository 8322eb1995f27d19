"""Secrets the app keeps and must be able to read back, sealed: encrypted and
authenticated (Fernet: AES-128-CBC with HMAC-SHA256) with keys from the environment,
never from the database. Used for staff's TOTP seeds (ASVS 2.8.2) and for what the app
keeps in the client-side session cookie (an applicant's address on the thank-you page).

CONSULT_ENCRYPTION_KEYS is a list of keys (any random strings of 32 bytes or more):
the first seals, every one unseals, so a key is rotated by putting a new one first,
running `consult users reseal` (which seals every TOTP seed again with it) and then
dropping the old one. Development keeps a key in instance/encryption_key; tests use a
fixed one; production refuses to start without the setting (docs/security.md).
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

MIN_KEY_BYTES = 32


def _fernet_key(key: str, purpose: str) -> bytes:
    """A Fernet key for one purpose, derived from a configured key (HKDF-SHA256): the
    session's and the seeds' keys differ even when one setting serves both."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"consult {purpose}".encode()
    ).derive(key.encode())
    return base64.urlsafe_b64encode(derived)


def _box(purpose: str) -> MultiFernet:
    if purpose == "session":
        keys = [current_app.config["SECRET_KEY"]]
    else:
        keys = list(current_app.config.get("ENCRYPTION_KEYS") or [])
        if not keys:
            raise RuntimeError("CONSULT_ENCRYPTION_KEYS must be set to seal secrets.")
    return MultiFernet([Fernet(_fernet_key(key, purpose)) for key in keys])


def seal(text: str, purpose: str) -> str:
    """`text` sealed with the first key for `purpose` ("totp", "session")."""
    return _box(purpose).encrypt(text.encode()).decode()


def unseal(token: str, purpose: str) -> str | None:
    """The text, or None when no configured key opens it (tampered, or sealed with a
    key that was dropped)."""
    try:
        return _box(purpose).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def reseal(token: str, purpose: str) -> str:
    """The same text sealed with the first key (key rotation)."""
    return _box(purpose).rotate(token.encode()).decode()


def is_sealed(value: str) -> bool:
    """Whether a stored value is a sealed token (Fernet tokens start with version 0x80)."""
    return value.startswith("gAAAAA")
