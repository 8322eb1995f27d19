"""Behind gunicorn. Secrets come only from the environment (CONSULT_SECRET_KEY, ...)."""

SECRET_KEY = ""  # must be set by CONSULT_SECRET_KEY; create_app refuses to start otherwise
SESSION_COOKIE_SECURE = True
# __Host- cookies are only accepted over HTTPS, for this host and path "/".
SESSION_COOKIE_NAME = "__Host-consult"
SESSION_COOKIE_PATH = "/"
HSTS_SECONDS = 31536000
REMEMBER_COOKIE_SECURE = True
PREFERRED_URL_SCHEME = "https"
# One JSON object per log line, for the journal or a log collector.
LOG_FORMAT = "json"
