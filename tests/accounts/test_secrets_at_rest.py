"""What a copy of the database alone gives an attacker: no one's TOTP seed (sealed with
CONSULT_ENCRYPTION_KEYS) and no password hash that can be tried offline (HMAC pepper
from CONSULT_PASSWORD_PEPPERS); both keys rotate without locking anyone out."""

from __future__ import annotations

import time

import pyotp
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from consult.accounts import two_factor
from consult.accounts.services import authenticate, hash_password
from consult.database.migrate import downgrade, upgrade
from consult.extensions import db
from tests.conftest import make_app

PASSWORD = "correct horse battery"  # (tests/factories.make_user's)


def _enrol(user) -> str:
    secret = two_factor.new_secret()
    two_factor.enable(user, secret, two_factor.check_code(secret, pyotp.TOTP(secret).now()))
    return secret


def test_a_totp_seed_is_sealed_in_the_database(app, ctx, reviewer):
    secret = _enrol(reviewer)
    stored = db.session.execute(sa.text("SELECT totp_seed_sealed FROM secretariat_user")).scalar()
    assert secret not in stored and stored.startswith("gAAAAA")
    code = pyotp.TOTP(secret).at(time.time() + 30)  # (the enrolment spent the current one)
    # Another installation's key opens nothing.
    app.config["ENCRYPTION_KEYS"] = ["another-installations-key-0123456789abcdef"]
    assert two_factor.verify(reviewer, code) is None


def test_a_new_encryption_key_is_rotated_in_with_reseal(app, ctx, reviewer):
    secret = _enrol(reviewer)
    old = app.config["ENCRYPTION_KEYS"][0]
    app.config["ENCRYPTION_KEYS"] = ["the-new-key-0123456789abcdefghijklmnop", old]
    result = app.test_cli_runner().invoke(args=["users", "reseal"])
    assert "Sealed 1 TOTP seed with" in result.output
    app.config["ENCRYPTION_KEYS"] = ["the-new-key-0123456789abcdefghijklmnop"]  # old dropped
    db.session.refresh(reviewer)
    assert two_factor.verify(reviewer, pyotp.TOTP(secret).at(time.time() + 30)) == "totp"


def test_a_password_hash_needs_the_pepper(app, ctx, reviewer):
    stored = reviewer.password_hash
    assert stored.startswith("pepper:")
    # Without the pepper the hash is of an HMAC, not of the password: a dictionary
    # attack on the stolen column alone finds nothing.
    from werkzeug.security import check_password_hash

    assert not check_password_hash(stored.partition("$")[2], PASSWORD)
    app.config["PASSWORD_PEPPERS"] = ["an-attackers-guess-0123456789abcdefghij"]
    assert authenticate(reviewer.email, PASSWORD) is None


def test_pepper_rotation_and_hashes_from_before_the_pepper(app, ctx, reviewer):
    # A hash from before the pepper still signs in, and is peppered on the way.
    reviewer.password_hash = generate_password_hash(PASSWORD, method="scrypt:256:8:1")
    db.session.commit()
    assert authenticate(reviewer.email, PASSWORD) == reviewer
    assert reviewer.password_hash.startswith("pepper:")
    # A new pepper put first: the old hash still signs in and is made again with it.
    old_hash = reviewer.password_hash
    app.config["PASSWORD_PEPPERS"] = ["the-new-pepper-0123456789abcdefghijklmn"] + app.config[
        "PASSWORD_PEPPERS"
    ]
    assert authenticate(reviewer.email, PASSWORD) == reviewer
    assert reviewer.password_hash != old_hash
    app.config["PASSWORD_PEPPERS"] = app.config["PASSWORD_PEPPERS"][:1]  # old one dropped
    assert authenticate(reviewer.email, PASSWORD) == reviewer
    assert hash_password(PASSWORD) != hash_password(PASSWORD)  # salted


def test_the_migration_seals_seeds_stored_in_plain(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'seeds.db'}")
    with app.app_context():
        upgrade("f2a3b4c5d6e7")  # before the seeds were sealed
        db.session.execute(
            sa.text(
                "INSERT INTO secretariat_user (email, name, role, password_hash, active, "
                "created_at, must_change_password, totp_secret, totp_last_step, language) "
                "VALUES ('old@ungis.example', 'Old', 'admin', 'x', 1, '2026-01-01', 0, "
                "'JBSWY3DPEHPK3PXP', 0, '')"
            )
        )
        db.session.commit()
        upgrade()
        sealed = db.session.execute(sa.text("SELECT totp_seed_sealed FROM secretariat_user"))
        value = sealed.scalar()
        assert value.startswith("gAAAAA") and "JBSWY3DPEHPK3PXP" not in value
        downgrade("f2a3b4c5d6e7")
        plain = db.session.execute(sa.text("SELECT totp_secret FROM secretariat_user")).scalar()
        assert plain == "JBSWY3DPEHPK3PXP"
        db.session.remove()
        db.engine.dispose()
