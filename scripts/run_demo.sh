#!/usr/bin/env bash
# `make run`: the web server with its mail worker, and (unless a real SMTP server is
# configured with CONSULT_MAIL_SERVER) a local SMTP sink that keeps every email.
set -u
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null' EXIT INT TERM

if [ -z "${CONSULT_MAIL_SERVER:-}" ]; then
  "$BIN/consult" mail sink &
  sleep 1
fi
"$BIN/consult" mail work &

cat <<BANNER

  consult is starting on http://$HOST:$PORT/
  Secretariat sign-in: http://$HOST:$PORT/secretariat/login (accounts printed above,
  the first time; reset with: $BIN/consult users set-password admin@ungis.example)
  Emails: printed below as "[mail] ..." and saved under instance/mailbox/;
  every email is also in the secretariat's Outbox page.

BANNER
"$BIN/consult" run --host "$HOST" --port "$PORT"
