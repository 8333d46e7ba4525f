#!/usr/bin/env bash
# Run IPT Care on this machine as a deployment runs it: gunicorn serving the demo clinic
# on SQLite (WAL) at http://127.0.0.1:$PORT, with the background-job worker beside it.
# `make dev` serves the same with Django's auto-reloading development server instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export IPTCARE_ENV="${IPTCARE_ENV:-development}"
export PORT="${PORT:-8000}"
# Links printed here, sent in messages and drawn as QR codes name the address served.
export IPTCARE_BASE_URL="${IPTCARE_BASE_URL:-http://127.0.0.1:$PORT}"
bin=.venv/bin
var="${IPTCARE_VAR_DIR:-var}"
mkdir -p "$var"
"$bin/iptcare" migrate --noinput >/dev/null
"$bin/iptcare" collectstatic --noinput >/dev/null
"$bin/iptcare" demo --if-empty

if [ "${IPTCARE_DEV_SERVER:-}" = "1" ]; then
  server=("$bin/iptcare" runserver "127.0.0.1:$PORT")
else
  # Three sync workers: a SQLite WAL database has one writer at a time, and each
  # writing transaction queues for it (settings.py: IMMEDIATE, 20 s timeout).
  server=("$bin/gunicorn" iptcare.wsgi -c python:iptcare.gunicorn_conf --bind "127.0.0.1:$PORT"
          --workers "${WEB_CONCURRENCY:-3}" --timeout 60 --graceful-timeout 20)
fi

"$bin/iptcare" run_huey --quiet >"$var/huey.log" 2>&1 &
worker=$!
"${server[@]}" &
server=$!
# Ctrl-C, or a TERM from a supervisor or a test, stops both processes.
trap 'kill "$worker" "$server" 2>/dev/null || true' EXIT INT TERM
echo "IPT Care is running at http://127.0.0.1:$PORT/  (Ctrl-C stops it)"
echo "A demo patient's portal link (works once):"
"$bin/iptcare" portal_link --demo || true
wait "$server"
