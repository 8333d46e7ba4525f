#!/usr/bin/env bash
# Run IPT Care on this machine: SQLite, the demo clinic, http://127.0.0.1:$PORT,
# with the background-job worker beside the web server.
set -euo pipefail
cd "$(dirname "$0")/.."
export IPTCARE_ENV="${IPTCARE_ENV:-development}"
port="${PORT:-8000}"
bin=.venv/bin
"$bin/iptcare" migrate --noinput >/dev/null
"$bin/iptcare" collectstatic --noinput >/dev/null
"$bin/iptcare" demo --if-empty
"$bin/iptcare" run_huey --quiet >var/huey.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "IPT Care is running at http://127.0.0.1:$port/  (Ctrl-C stops it)"
echo "A demo patient's portal link (works once):"
IPTCARE_BASE_URL="http://127.0.0.1:$port" "$bin/iptcare" portal_link --demo || true
exec_status=0
"$bin/iptcare" runserver "127.0.0.1:$port" --noreload || exec_status=$?
exit $exec_status
