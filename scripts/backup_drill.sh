#!/usr/bin/env bash
# The backup-and-restore drill (docs/operations.md): a demo clinic of $PATIENTS patients
# is backed up, restored into a fresh database, migrated, checked table by table
# against the backup's manifest and its audit chain verified; the times are printed.
#
#   scripts/backup_drill.sh postgres   # DRILL_DATABASE_URL (…/iptcare_drill): uses
#                                      # <name>_source and <name>_restored, recreated
#   scripts/backup_drill.sh sqlite     # files in DRILL_DIR (var/drill)
#
# PATIENTS (default 200); the benchmark's scale is PATIENTS=20000.
set -euo pipefail
cd "$(dirname "$0")/.."
engine="${1:-postgres}"
patients="${PATIENTS:-200}"
dir="${DRILL_DIR:-$(pwd)/var/drill}"
iptcare=.venv/bin/iptcare
rm -rf "$dir" && mkdir -p "$dir/var"
export IPTCARE_ENV=development IPTCARE_VAR_DIR="$dir/var"
unset DJANGO_SETTINGS_MODULE

if [ "$engine" = "postgres" ]; then
  base="${DRILL_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/iptcare_drill}"
  admin=$(printf '%s' "$base" | sed -E "s#/[^/?]+(\?.*)?\$#/postgres#")
  name=$(printf '%s' "$base" | sed -E 's#.*/([^/?]+)(\?.*)?$#\1#')
  source_url="${base%/*}/${name}_source"
  restored_url="${base%/*}/${name}_restored"
  export PGOPTIONS="-c client_min_messages=warning"
  for db in "${name}_source" "${name}_restored"; do
    psql "$admin" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
    psql "$admin" -qc "CREATE DATABASE \"$db\"" >/dev/null
  done
else
  source_url="sqlite:///$dir/source.sqlite3"
  restored_url="sqlite:///$dir/restored.sqlite3"
fi

clock() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

DATABASE_URL="$source_url" "$iptcare" migrate --noinput >/dev/null
t=$(clock)
DATABASE_URL="$source_url" "$iptcare" demo --patients "$patients" >/dev/null
load_s=$(since "$t")
t=$(clock)
DATABASE_URL="$source_url" "$iptcare" backup "$dir/backup" >"$dir/backup.json"
backup_s=$(since "$t")
t=$(clock)
DATABASE_URL="$restored_url" "$iptcare" restore "$dir/backup" >"$dir/restore.json"
restore_s=$(since "$t")
t=$(clock)
DATABASE_URL="$restored_url" "$iptcare" migrate --noinput >/dev/null
DATABASE_URL="$restored_url" "$iptcare" migrate --check >/dev/null
migrate_s=$(since "$t")
t=$(clock)
audit=$(DATABASE_URL="$restored_url" "$iptcare" audit_verify)
verify_s=$(since "$t")
size=$(du -sh "$dir/backup" | cut -f1)
rows=$(.venv/bin/python -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows"])' "$dir/backup.json")
load=$(.venv/bin/python -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$dir/restore.json")
echo "drill $engine: $patients patients, $rows rows, backup $size"
echo "  demo load ${load_s} s; backup ${backup_s} s; restore and verify ${restore_s} s (load alone ${load} s); migrate ${migrate_s} s; audit chain ${verify_s} s"
echo "  $audit"
echo "  every table matched the manifest (row counts and checksums)"
