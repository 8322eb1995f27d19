"""The deployment files keep private links out of logs that cannot be redacted."""

from __future__ import annotations

import re
from pathlib import Path

NGINX = Path(__file__).resolve().parents[2] / "deploy" / "nginx"
SITES = ["consult.conf", "compose.conf", "local.conf.in"]


def test_nginx_error_logs_never_take_the_level_that_writes_request_lines():
    """Upstream errors ('error' level) write the request line, /a/<token> included;
    every error log of ours is at 'crit', and every site names one."""
    for name in SITES:
        text = (NGINX / name).read_text()
        levels = re.findall(r"^\s*error_log\s+\S+\s+(\w+);", text, re.M)
        assert levels and set(levels) == {"crit"}, name
    for name in ["consult.conf", "compose.conf"]:
        servers = (NGINX / name).read_text().split("server {")[1:]
        assert all("error_log" in server for server in servers), name


def test_gunicorn_does_not_name_itself(monkeypatch):
    """The Server header gunicorn sends on every response says nothing about it."""
    import runpy

    import gunicorn.http.wsgi

    monkeypatch.setattr(gunicorn.http.wsgi, "SERVER", "gunicorn")
    runpy.run_path(str(NGINX.parent / "gunicorn.conf.py"))
    assert "gunicorn" not in gunicorn.http.wsgi.SERVER.lower()
