#!/usr/bin/env bash
# The suite's database-heavy apps through PgBouncer in transaction mode (Debian's
# pgbouncer, started by scripts/cluster.sh on $RIG_PORT+3), with IPTCARE_PGBOUNCER on:
# what a deployment behind a pooler runs (docs/deployment.md).
#
# TEST_POSTGRES_URL names the server and the test database's base name, as for make test.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
export IPTCARE_ENV=test
pg_url="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
port="${RIG_PORT:-21810}"
# A directory of its own, so the rig's start and stop leave this PgBouncer alone.
export RIG_DIR="${PGBOUNCER_DIR:-$(pwd)/var/pgbouncer}"
RIG_DATABASE_URL="$pg_url" scripts/cluster.sh pgbouncer
trap 'kill "$(cat "$RIG_DIR/run/pgbouncer.pid")" 2>/dev/null || true' EXIT
pooled=$(printf '%s' "$pg_url" | sed -E "s#@[^/]+/#@127.0.0.1:$((port + 3))/#")
name=$(printf '%s' "$pg_url" | sed -E 's#.*/([^/?]+)(\?.*)?$#\1#')
admin=$(printf '%s' "$pg_url" | sed -E "s#/[^/?]+(\?.*)?\$#/postgres#")
drop_test_databases() {
  # PgBouncer keeps server connections to a test database open for a while, so a test
  # run cannot drop it through the pooler; it is dropped here, on the server itself.
  local db
  for db in $(psql "$admin" -tAc "SELECT datname FROM pg_database WHERE datname LIKE 'test_${name}%'"); do
    psql "$admin" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
  done
}
drop_test_databases
apps="${PGBOUNCER_APPS:-accounts audit portal alerts scheduling measures}"
status=0
# shellcheck disable=SC2086
DATABASE_URL="$pooled" IPTCARE_PGBOUNCER=true "$bin/python" -m pytest -n "${PYTEST_WORKERS:-2}" \
  -p no:warnings $apps "$@" || status=$?
drop_test_databases
exit $status
