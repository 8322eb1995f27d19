"""pytest. The database URI is given by tests/conftest.py."""

TESTING = True
SECRET_KEY = "testing-secret"
RATELIMIT_ENABLED = False
PUBLIC_URL = "http://consult.test"
MAIL_SUPPRESS_SEND = False  # tests send to a real SMTP server (aiosmtpd) on localhost
# Most tests sign admins in with a password only; tests/accounts/test_two_factor.py
# turns the requirement on and goes through the whole second step.
TWO_FACTOR_REQUIRED_FOR_ADMINS = False
ENCRYPTION_KEYS = ["testing-encryption-key-0123456789abcdefghij"]
PASSWORD_PEPPERS = ["testing-password-pepper-0123456789abcdefg"]
# Hashing at production strength costs a quarter of a second per password: the suite
# makes thousands. tests/test_security_doc.py checks that every
# other environment keeps the strength docs/security.md names.
PASSWORD_HASH_METHOD = "scrypt:256:8:1"
