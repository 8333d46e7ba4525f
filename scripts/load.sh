#!/usr/bin/env bash
# The load run (QUALITY.md A10 test 15): Locust, headless, 50 users of a clinical day
# (bench/locustfile.py) for 10 minutes against the rig (scripts/cluster.sh: HAProxy, two
# gunicorn processes, two workers, PostgreSQL, Redis). CSV and an HTML report are kept
# in var/load/; fails on any error. LOAD_USERS (50), LOAD_TIME (10m), RIG_PATIENTS (600).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
out="${LOAD_DIR:-var/load}"
mkdir -p "$out"
export RIG_PATIENTS="${RIG_PATIENTS:-600}" RIG_PORTAL_RATE_LIMIT=100000
port="${RIG_PORT:-21810}"
scripts/cluster.sh start
trap 'scripts/cluster.sh stop' EXIT
users="${LOAD_USERS:-50}"
# One single-use link for each simulated patient (a third of the users at most).
# shellcheck disable=SC2046
env -u DJANGO_SETTINGS_MODULE $(scripts/cluster.sh env | tr '\n' ' ') DJANGO_SETTINGS_MODULE=iptcare.settings \
  "$bin/python" bench/inside.py portal-links $((users / 3)) >"$out/links.json"
LOAD_LINKS="$out/links.json" "$bin/locust" -f bench/locustfile.py --headless \
  --host "http://127.0.0.1:$port" -u "$users" -r 5 -t "${LOAD_TIME:-10m}" \
  --csv "$out/load" --html "$out/load.html" --only-summary --exit-code-on-error 1 \
  2>&1 | tee "$out/locust.log"
status=${PIPESTATUS[0]}
"$bin/python" - "$out/load_stats.csv" <<'PY'
import csv, sys
print(f"{'page':44} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
for row in csv.DictReader(open(sys.argv[1])):
    print(f"{row['Name'][:44]:44} {row['Request Count']:>8} {row['Failure Count']:>6} "
          f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}")
PY
exit "$status"
