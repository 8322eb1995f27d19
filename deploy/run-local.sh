#!/usr/bin/env bash
# The production stack on one machine, from this checkout (`make stack`):
#   nginx (TLS on 127.0.0.1:$STACK_PORT, self-signed) -> gunicorn (threaded, unix socket)
#   -> PostgreSQL; Redis for the rate limiter; two mail workers; a local SMTP sink
#   (unless CONSULT_MAIL_SERVER is set); the reminder/purge schedule every hour.
# It runs in the foreground; Ctrl-C or SIGTERM stops everything cleanly (nginx first);
# a mail worker or the sink that crashes is started again. Logs are appended.
#
#   STACK_PORT         HTTPS port (default 8443)
#   STACK_DIR          state: config, certificate, logs, socket (default instance/stack)
#   STACK_DATABASE_URL PostgreSQL database, created if missing
#                      (default postgresql+psycopg://postgres@127.0.0.1:5432/consult_stack)
#   STACK_REDIS_URL    default redis://127.0.0.1:6379/1
#   STACK_SMTP_PORT    the sink's port (default 8026)
#   STACK_SEED=0       do not create the demo consultation and accounts
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN="$ROOT/.venv/bin"
PORT=${STACK_PORT:-8443}
DIR=$(mkdir -p "${STACK_DIR:-instance/stack}" && cd "${STACK_DIR:-instance/stack}" && pwd)
DATABASE_URL=${STACK_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/consult_stack}
REDIS_URL=${STACK_REDIS_URL:-redis://127.0.0.1:6379/1}
SMTP_PORT=${STACK_SMTP_PORT:-8026}
NGINX=${NGINX:-/usr/sbin/nginx}

say() { printf '[stack] %s\n' "$*"; }
die() { say "$*" >&2; exit 1; }

[ -x "$BIN/gunicorn" ] || die "No virtual environment: run 'make stack' (it installs one)."
if [ ! -x "$NGINX" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "Installing Debian's nginx ..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null \
      || { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
           && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
  else
    die "nginx is not installed (sudo apt-get install nginx)."
  fi
fi

# The database: created on first use (PostgreSQL must be running).
DB_NAME=${DATABASE_URL##*/}
PG_URL=${DATABASE_URL/postgresql+psycopg:/postgresql:}
PG_ADMIN_URL=${PG_URL%/*}/postgres
psql -q "$PG_ADMIN_URL" -c "select 1" >/dev/null 2>&1 || die "PostgreSQL does not answer at ${PG_URL%/*}."
if [ -z "$(psql -tA "$PG_ADMIN_URL" -c "select 1 from pg_database where datname = '$DB_NAME'")" ]; then
  say "Creating database $DB_NAME"
  psql -q "$PG_ADMIN_URL" -c "create database \"$DB_NAME\""
fi

# A self-signed certificate for localhost, and a secret key, both made once.
mkdir -p "$DIR/logs" "$DIR/nginx-temp" "$DIR/mailbox"
if [ ! -f "$DIR/tls.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$DIR/tls.key" -out "$DIR/tls.crt" 2>/dev/null
fi
for secret in secret_key encryption_key password_pepper; do
  [ -f "$DIR/$secret" ] || (umask 077; "$BIN/python" -c 'import secrets; print(secrets.token_hex(32))' > "$DIR/$secret")
done

export CONSULT_ENV=production
export CONSULT_SECRET_KEY; CONSULT_SECRET_KEY=$(cat "$DIR/secret_key")
export CONSULT_ENCRYPTION_KEYS; CONSULT_ENCRYPTION_KEYS=$(cat "$DIR/encryption_key")
export CONSULT_PASSWORD_PEPPERS; CONSULT_PASSWORD_PEPPERS=$(cat "$DIR/password_pepper")
export CONSULT_SQLALCHEMY_DATABASE_URI="$DATABASE_URL"
export CONSULT_RATELIMIT_STORAGE_URI="$REDIS_URL"
export CONSULT_PUBLIC_URL="https://localhost:$PORT"
export CONSULT_PROXY_FIX_X_FOR=1
export CONSULT_INSTANCE_PATH="$DIR"
export CONSULT_MAIL_MESSAGE_ID_DOMAIN=localhost
if [ -z "${CONSULT_MAIL_SERVER:-}" ]; then
  export CONSULT_MAIL_SERVER=127.0.0.1 CONSULT_MAIL_PORT="$SMTP_PORT"
  START_SINK=1
fi
export GUNICORN_BIND="unix:$DIR/gunicorn.sock"

"$BIN/consult" db upgrade
if [ "${STACK_SEED:-1}" = 1 ]; then
  "$BIN/consult" demo seed
fi

sed -e "s#@DIR@#$DIR#g" -e "s#@ROOT@#$ROOT#g" -e "s#@PORT@#$PORT#g" \
  -e "s#@USER@#$(id -un)#g" \
  deploy/nginx/local.conf.in > "$DIR/nginx.conf"
"$NGINX" -t -q -p "$DIR" -c "$DIR/nginx.conf" -e "$DIR/logs/error.log"

# Logs are appended, never overwritten (the evidence of the last run stays); one over
# 10 MB is rotated at start, three generations kept.
for log in "$DIR"/logs/*.log; do
  [ -f "$log" ] || continue
  if [ "$(stat -c %s "$log")" -gt 10485760 ]; then
    for n in 2 1; do [ -f "$log.$n" ] && mv "$log.$n" "$log.$((n + 1))"; done
    mv "$log" "$log.1"
  fi
done

# Job control: every part runs in its own process group, so the terminal's Ctrl-C
# (SIGINT to the foreground group) reaches this script only, which stops the parts in
# order -- nginx first, letting the requests in hand finish -- as it does on SIGTERM.
set -m
PIDS=()
STOPPING=0
stop() {
  trap - INT TERM
  STOPPING=1
  say "Stopping ..."
  # nginx first (it finishes the requests in hand), then the app and the workers.
  [ -n "${NGINX_PID:-}" ] && kill -QUIT "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" || true
  kill -TERM "${PIDS[@]}" 2>/dev/null || true
  wait
  say "Stopped."
  exit 0
}
trap stop INT TERM

# A part that exits on its own (a crash) is started again, waiting 1, 2, 4 ... 60 s,
# and the stack says so; SIGTERM stops the part and its keeper.
supervise() {
  local name=$1 log=$2
  shift 2
  (
    child=""
    trap 'trap - TERM; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait; exit 0' TERM
    delay=1
    while true; do
      "$@" >> "$log" 2>&1 &
      child=$!
      wait "$child" && status=0 || status=$?
      say "$name exited (status $status); starting it again in ${delay}s"
      sleep "$delay" & wait $! || true
      delay=$((delay * 2 > 60 ? 60 : delay * 2))
    done
  ) &
  PIDS+=($!)
}

if [ -n "${START_SINK:-}" ]; then
  supervise "the SMTP sink" "$DIR/logs/sink.log" "$BIN/consult" mail sink --port "$SMTP_PORT"
fi
"$BIN/gunicorn" -c deploy/gunicorn.conf.py 2>> "$DIR/logs/gunicorn.log" &
PIDS+=($!)
for n in 1 2; do
  supervise "mail worker $n" "$DIR/logs/mail-worker-$n.log" "$BIN/consult" mail work
done
# The schedule systemd's timers keep in production (deploy/systemd/*.timer).
( trap 'kill $SLEEPER 2>/dev/null; wait $SLEEPER 2>/dev/null; exit 0' TERM
  while true; do
    "$BIN/consult" mail remind && "$BIN/consult" data purge
    sleep 3600 & SLEEPER=$!
    wait $SLEEPER
  done ) >> "$DIR/logs/schedule.log" 2>&1 &
PIDS+=($!)
"$NGINX" -p "$DIR" -c "$DIR/nginx.conf" -e "$DIR/logs/error.log" -g "daemon off;" &
NGINX_PID=$!

for _ in $(seq 1 100); do
  if curl -sfk -o /dev/null "https://127.0.0.1:$PORT/readyz"; then
    say "Ready: https://localhost:$PORT/ (self-signed certificate)"
    say "Sign in at https://localhost:$PORT/secretariat/login (accounts printed above, the first time)"
    say "Logs in $DIR/logs; emails in $DIR/mailbox. Ctrl-C stops the stack."
    break
  fi
  sleep 0.2
done
wait
