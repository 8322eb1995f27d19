"""Settings shared by every environment. Each key can be overridden by a
CONSULT_<KEY> environment variable (see consult.create_app)."""

# Signs sessions and CSRF tokens. Production takes it from CONSULT_SECRET_KEY only;
# development generates one into instance/secret_key on first start (never a constant:
# the app refuses a known development key whenever debug is off).
SECRET_KEY = ""
SECRET_KEY_FROM_INSTANCE = False

# Filled in by create_app when empty: sqlite:///<instance>/consult.db
SQLALCHEMY_DATABASE_URI = ""
# hide_parameters: a database error in the log shows the statement, never the values
# (applicants' names and addresses; ASVS 7.1.2).
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

# Request bodies: the app refuses more than nginx would pass (1 MB; the largest form is a
# few kilobytes), so a body that reaches it another way is refused too (413).
MAX_CONTENT_LENGTH = 1024 * 1024

# Absolute base for links in emails (the status link, later the confirmation link).
PUBLIC_URL = "http://127.0.0.1:5000"

# Languages offered to people; the first is the default.
LANGUAGES = ["en", "fr", "es", "ar", "zh", "ru"]
BABEL_DEFAULT_LOCALE = "en"
BABEL_DEFAULT_TIMEZONE = "Europe/Zurich"

WTF_CSRF_TIME_LIMIT = 4 * 3600  # long forms (abstracts) take a while to write
# Flask-WTF's extra check that an HTTPS POST carries a same-site Referer would refuse
# every form: pages send "Referrer-Policy: no-referrer" (private links carry tokens).
# The CSRF token, the __Host- session cookie (SameSite=Lax) and HSTS do that job.
WTF_CSRF_SSL_STRICT = False

# Flask-Limiter: memory is fine for one process; use redis://127.0.0.1:6379 with several.
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = True
# Redis down or slow degrades, never fails a request: short timeouts, then counting in
# the process's memory for a while (consult/ratelimits.py), said in the log and /readyz.
RATELIMIT_STORAGE_OPTIONS = {"socket_timeout": 0.3, "socket_connect_timeout": 0.3}
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
RATELIMIT_SWALLOW_ERRORS = True
# Applications accepted (the form was valid) per client address -- generous: a ministry
# or a UN office sends many from one shared address -- and per email address. A form
# that is refused for a mistake does not count. Every POST of the form, valid or not,
# counts towards APPLY_POST_RATE_LIMIT (a flood, not a person).
APPLY_RATE_LIMIT = "30 per minute;300 per hour"
APPLY_EMAIL_RATE_LIMIT = "5 per hour"
APPLY_POST_RATE_LIMIT = "120 per minute"
# Sign-in attempts, counted before the password is checked: per client address and
# email (cleared by a successful sign-in), and per client address whatever the email.
LOGIN_RATE_LIMIT = "5 per 15 minutes"
LOGIN_ADDRESS_RATE_LIMIT = "30 per 15 minutes"
# ... and per account, from any address: a guess spread over many addresses is slowed
# to this pace (never a lock-out: the count moves on with the window).
LOGIN_ACCOUNT_RATE_LIMIT = "10 per 15 minutes"
# Admins are alerted (security log + email, at most once an hour per subject) when an
# account sees this many failed sign-ins in an hour, one address this many refused
# requests (4xx, 429) in 10 minutes, or one person this many exports in an hour.
ALERT_SIGN_IN_FAILURES = 20
ALERT_CLIENT_ERRORS = 200
ALERT_EXPORTS = 10
# Behind N reverse proxies (nginx: 1), trust the last N X-Forwarded-For/-Proto/-Host
# entries for the client's address and scheme. 0: use the connection's address.
PROXY_FIX_X_FOR = 0

# Staff sessions end after this long without a request, and this long after sign-in.
STAFF_IDLE_MINUTES = 30
# Erasing, exporting applications and creating accounts ask for the password again when
# it was last given more than this long ago in the session.
STEP_UP_MINUTES = 15
STAFF_MAX_HOURS = 12
# Admins must sign in with a second factor (TOTP); reviewers may.
TWO_FACTOR_REQUIRED_FOR_ADMINS = True
# Strict-Transport-Security max-age in seconds (production: one year); 0 sends none.
HSTS_SECONDS = 0
# "text": readable lines; "json": one JSON object per line (production; see consult/logs.py).
LOG_FORMAT = "text"

MAIL_SERVER = "127.0.0.1"
MAIL_PORT = 8025
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "UNGIS secretariat <ungis-consult@localhost>"
MAIL_TIMEOUT = 10
# The right-hand side of every Message-ID the worker gives (stable per outbox row).
MAIL_MESSAGE_ID_DOMAIN = "consult.localhost"
# The worker, as mail servers do: a temporary failure (4xx) is retried after 30 s,
# 1 min, 2 min, ... up to 1 h, until the message's lifetime (3 days) runs out; a
# permanent one (5xx) fails at once. While the server cannot be reached at all,
# messages are not charged an attempt and the worker waits longer between tries, up to
# MAIL_SERVER_BACKOFF_MAX_SECONDS (short: a probe is one connection attempt, and mail
# resumes within seconds of the server's return). A claimed message whose worker died
# is reclaimed once its heartbeat is MAIL_WORKER_STALE_SECONDS old (a live worker beats
# every few seconds from its own thread, however slow the server), or after the lease.
MAIL_LIFETIME_HOURS = 72
MAIL_SERVER_BACKOFF_MAX_SECONDS = 5
MAIL_WORKER_STALE_SECONDS = 20
MAIL_RETRY_BASE_SECONDS = 30
MAIL_RETRY_MAX_SECONDS = 3600
MAIL_LEASE_SECONDS = 120
# Admins are warned (review queue, outbox) when a due email has waited longer than this.
MAIL_LAG_WARNING_SECONDS = 300

# A confirmed speaker hears of programme changes (session, time, room) in one email per
# batch of edits: the notice waits this long after the last change before it is sent.
PROGRAMME_NOTICE_DELAY_SECONDS = 300

# Applications per page in the review queue.
QUEUE_PAGE_SIZE = 50

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"

# Seal what the app must read back (TOTP seeds) and key the password hashes: lists from
# CONSULT_ENCRYPTION_KEYS and CONSULT_PASSWORD_PEPPERS (JSON lists or comma-separated),
# the first used, all accepted (rotation: docs/security.md). Development makes them
# under instance/; production refuses to start without them.
ENCRYPTION_KEYS: list[str] = []
PASSWORD_PEPPERS: list[str] = []
# How passwords and recovery codes are hashed (werkzeug's method string): scrypt with
# N=2**15, r=8, p=1, the parameters docs/security.md names. Only the test suite lowers
# it (config/testing.py); a stored hash names its own parameters, so a change here
# applies to hashes made from then on and every older hash still checks.
PASSWORD_HASH_METHOD = "scrypt:32768:8:1"

# A private link that is not an application's latest stops working after this many days
# without use (the latest always works until the retention date). docs/security.md.
LINK_IDLE_DAYS = 60

# Written contributions' attachments (consult/contributions/files.py): where they are
# stored (empty: <instance>/contribution-files; never a directory the web server
# serves), how large one may be, how many a contribution may have, and the operator's
# virus scanner ("clamdscan --no-summary --fdpass -": the file on standard input).
CONTRIBUTION_FILES_DIR = ""
CONTRIBUTION_FILE_MAX_BYTES = 10 * 1024 * 1024
CONTRIBUTION_FILES_MAX = 3
SCAN_COMMAND = ""
