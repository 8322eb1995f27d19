"""pytest. The database URI is given by tests/conftest.py."""

TESTING = True
SECRET_KEY = "testing-secret"
RATELIMIT_ENABLED = False
PUBLIC_URL = "http://consult.test"
MAIL_SUPPRESS_SEND = False  # tests send to a real SMTP server (aiosmtpd) on localhost
