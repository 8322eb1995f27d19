"""Logging for the web processes and the mail workers.

LOG_FORMAT = "text" (development) prints readable lines; "json" (production) prints one
JSON object per line -- time, level, logger, message, process, and the exception when
there is one -- for journald, Loki, Elasticsearch and friends. Private links are
redacted before any handler sees them (RedactPrivateLinks, below).
"""

from __future__ import annotations

import json
import logging
import os
import re
from datetime import UTC, datetime

from consult.links import PRIVATE_PATHS, mask_token

# The query of a secretariat address (the queue's free-text search, the outbox's
# recipient filter) holds names and email addresses: logs keep the path only.
_SECRETARIAT_QUERY = re.compile(r"(/secretariat/[^\s?\"']*)\?[^\s\"']*")
# An email address anywhere in a line (an SMTP server's refusal quotes the recipient).
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str) -> str:
    """A log line without what must not outlive the request: private links, the
    queries of secretariat pages, and email addresses (ASVS 7.1.2)."""
    return _ADDRESS.sub("[address]", _SECRETARIAT_QUERY.sub(r"\1?-", mask_token(text)))


class RedactPrivateLinks(logging.Filter):
    """Request logs (werkzeug's, gunicorn's access log) show /a/[private-link] instead
    of an applicant's token (and /w/... of a contributor's): a log file must not let
    anyone act as an applicant or a contributor."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/secretariat/" in message or any(path in message for path in PRIVATE_PATHS):
            record.msg = redact(message)
            record.args = ()
        return True


def register_log_redaction() -> None:
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactPrivateLinks) for f in logger.filters):
            logger.addFilter(RedactPrivateLinks())


TEXT_FORMAT = "%(asctime)s %(levelname)s [%(name)s] %(message)s"


class RedactingFormatter(logging.Formatter):
    """Every line the app's handlers write, private links masked: the message, the
    traceback and anything else the format puts in (the root of the redaction: a
    record from any logger -- Flask's "Exception on /a/<token>", a library's -- passes
    through a formatter of ours before it is written)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(RedactingFormatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return redact(json.dumps(entry, ensure_ascii=False))


def formatter(log_format: str) -> logging.Formatter:
    """The formatter of every handler the app configures (its own, gunicorn's)."""
    return JsonFormatter() if log_format == "json" else RedactingFormatter(TEXT_FORMAT)


def configure_logging(log_format: str, level: str = "INFO") -> None:
    """A handler on the root logger in the chosen format, unless one is there already
    (gunicorn's logconfig_dict, pytest's capture)."""
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # chatter
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(log_format))
    root.addHandler(handler)
    root.setLevel(level)


def gunicorn_logconfig(log_format: str | None = None) -> dict:
    """gunicorn's own loggers (errors, access log) in the same format, for
    deploy/gunicorn.conf.py's logconfig_dict."""
    log_format = log_format or os.environ.get("CONSULT_LOG_FORMAT", "json")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"consult": {"()": f"{__name__}.formatter", "log_format": log_format}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "consult"},
        },
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
        },
    }
