"""pytest. The database URI is given by tests/conftest.py."""

TESTING = True
SECRET_KEY = "testing-secret"
RATELIMIT_ENABLED = False
PUBLIC_URL = "http://consult.test"
