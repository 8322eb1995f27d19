"""gunicorn for consult, behind nginx (deploy/nginx/).

Threaded workers: a request waiting on PostgreSQL or Redis holds a thread, not a whole
process, and nginx holds the slow clients (it buffers whole requests and responses),
so a worker only ever talks to nginx over a local socket. Tune with environment
variables, not by editing this file.
"""

import multiprocessing
import os

import gunicorn.http.wsgi

from consult.logs import gunicorn_logconfig

# gunicorn names itself in a Server header on every response (nginx replaces it, but
# the socket answers directly too): say nothing about the software behind.
gunicorn.http.wsgi.SERVER = "consult"

wsgi_app = "consult:create_app()"
bind = os.environ.get("GUNICORN_BIND", "unix:/run/consult/gunicorn.sock")

worker_class = "gthread"
# One process per core, several threads each: the work is mostly waiting on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 8))
# A request that takes longer than this is stuck: the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# On SIGTERM, requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 20))
keepalive = 5
# No recycling by request count: measured over `make loadtest` (about 20,000 requests
# per worker) a worker's memory grows only while its caches fill (128 -> 134 MB in the
# first 7,000 requests, then +1-3 MB), and workers recycled at 5000 +- 500 requests went
# together, freezing the site for the length of a boot (docs/decisions.md). An operator
# who sees a worker grow can set GUNICORN_MAX_REQUESTS: the jitter is then half of it,
# so that two workers are unlikely to restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 2
# The app is built once in the master and forked: a new or replaced worker (a crash, a
# timeout) serves at once instead of spending a second importing and building the app.
# Nothing holds a connection across the fork (post_fork below makes sure).
preload_app = True
# Only nginx on this machine may set X-Forwarded-*; the app trusts one hop
# (CONSULT_PROXY_FIX_X_FOR=1).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Structured logs (CONSULT_LOG_FORMAT=json by default); the access log goes through
# the private-link redaction the app installs on "gunicorn.access".
logconfig_dict = gunicorn_logconfig()
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
errorlog = "-"


def post_fork(_server, _worker):
    """Connections are the worker's own: drop any pooled database connection the
    master might hold (without closing it under the master's feet)."""
    from consult.extensions import db

    with _server.app.wsgi().app_context():
        db.engine.dispose(close=False)
