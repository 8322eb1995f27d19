"""Behind gunicorn. Secrets come only from the environment (CONSULT_SECRET_KEY, ...)."""

SECRET_KEY = ""  # must be set by CONSULT_SECRET_KEY; create_app refuses to start otherwise
SESSION_COOKIE_SECURE = True
REMEMBER_COOKIE_SECURE = True
PREFERRED_URL_SCHEME = "https"
