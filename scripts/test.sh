#!/usr/bin/env bash
# The whole test suite: on SQLite, then on PostgreSQL, with browser tests in Chromium.
#
# PostgreSQL: TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).
# When it cannot be reached the PostgreSQL pass is skipped with a reason, except under
# CI=true, where it must run. Chromium: Debian's package, installed here when missing
# and possible (root with apt-get); otherwise the browser tests skip and say why.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
export IPTCARE_ENV=test

if [ ! -x "${IPTCARE_CHROMIUM:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Chromium (Debian package) for the browser tests…"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/tmp/iptcare-chromium-install.log 2>&1; then
      echo "Could not install Chromium (see /tmp/iptcare-chromium-install.log); browser tests will be skipped."
    fi
  else
    echo "Chromium is not installed and this user cannot install it: browser tests will be skipped."
  fi
fi

workers="${PYTEST_WORKERS:-2}"
# No test takes more than a few minutes (the browser walks about 80 s): one that hangs
# fails with every thread's stack, and the suite goes on.
timeout="--timeout=${PYTEST_TIMEOUT:-600}"
echo "== Test suite on SQLite =="
"$bin/python" -m pytest -n "$workers" "$timeout" "$@"

pg_url="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
if "$bin/python" - "$pg_url" <<'PY' >/dev/null 2>&1
import sys, psycopg
psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://", 1), connect_timeout=3).close()
PY
then
  echo "== Test suite on PostgreSQL =="
  DATABASE_URL="$pg_url" "$bin/python" -m pytest -n "$workers" "$timeout" "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL at $pg_url is not reachable, and CI must test on it." >&2
  exit 1
else
  echo "PostgreSQL at $pg_url is not reachable: the PostgreSQL pass was skipped."
fi
