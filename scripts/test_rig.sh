#!/usr/bin/env bash
# The rig's tests (pytest -m rig): several processes over PostgreSQL and Redis, crashes,
# backup and restore. Not part of the everyday `make test`; CI runs both (.ci/run).
#
# RIG_DATABASE_URL, RIG_REDIS_URL, RIG_PORT: see scripts/cluster.sh. The tests start
# the rig themselves (from a fresh database) and stop it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
export IPTCARE_ENV=test
# One process: the rig is one set of servers, and its tests take turns with it.
"$bin/python" -m pytest -n 0 -m rig "$@"
