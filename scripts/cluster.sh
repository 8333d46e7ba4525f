#!/usr/bin/env bash
# The multi-process rig: IPT Care as a deployment over several machines runs it, on
# this one (docs/operations.md).
#
#   HAProxy 127.0.0.1:$RIG_PORT ──┬── gunicorn web1 127.0.0.1:$RIG_PORT+1 ─┐
#                                 └── gunicorn web2 127.0.0.1:$RIG_PORT+2 ─┼─ PostgreSQL
#   Huey worker1, worker2 (both run the periodic schedule) ───────────────┴─ Redis
#   optional PgBouncer 127.0.0.1:$RIG_PORT+3 (transaction mode) in front of PostgreSQL
#
#   scripts/cluster.sh start | stop | status | env
#   scripts/cluster.sh kill-web N | start-web N | kill-worker N | start-worker N
#   scripts/cluster.sh pgbouncer   # PgBouncer alone on $RIG_PORT+3 (make test-pgbouncer)
#
# Environment: RIG_PORT (21810), RIG_DATABASE_URL (postgres://postgres@127.0.0.1:5432/
# iptcare_rig; created when missing), RIG_REDIS_URL (redis://127.0.0.1:6379/1; flushed
# at start — give it a Redis database of its own), RIG_DIR (var/rig), RIG_PGBOUNCER=1
# to route every connection through PgBouncer, RIG_WEB_WORKERS (2 per web process),
# RIG_WEB_THREADS (4 each), RIG_PATIENTS (60, the demo clinic's size), RIG_PORTAL_RATE_LIMIT (10 an hour).
# Everything listens on 127.0.0.1 only. HAProxy and PgBouncer are Debian's packages,
# installed here when missing and possible.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin="$root/.venv/bin"
port="${RIG_PORT:-21810}"
db_url="${RIG_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/iptcare_rig}"
redis_url="${RIG_REDIS_URL:-redis://127.0.0.1:6379/1}"
dir="${RIG_DIR:-$root/var/rig}"
mkdir -p "$dir/logs" "$dir/run" "$dir/var"

app_db_url="$db_url"
if [ "${RIG_PGBOUNCER:-0}" = "1" ]; then
  # Same database, through the pooler.
  app_db_url=$(printf '%s' "$db_url" | sed -E "s#@[^/]+/#@127.0.0.1:$((port + 3))/#")
fi

rig_env() {
  cat <<EOF
IPTCARE_ENV=development
DEBUG=false
DATABASE_URL=$app_db_url
REDIS_URL=$redis_url
IPTCARE_VAR_DIR=$dir/var
IPTCARE_PGBOUNCER=${RIG_PGBOUNCER:-0}
ALLOWED_HOSTS=127.0.0.1,localhost
IPTCARE_BASE_URL=http://127.0.0.1:$port
IPTCARE_CALLBACK_PROXY_COUNT=1
IPTCARE_PORTAL_RATE_LIMIT=${RIG_PORTAL_RATE_LIMIT:-10}
EOF
}

run_env() {
  # shellcheck disable=SC2046
  env -u DJANGO_SETTINGS_MODULE $(rig_env | tr '\n' ' ') "$@"
}

spawn() {  # spawn NAME COMMAND…: in the background, its pid (not a subshell's) kept
  local name=$1
  shift
  # shellcheck disable=SC2046
  ( exec env -u DJANGO_SETTINGS_MODULE PGAPPNAME="iptcare-$name" $(rig_env | tr '\n' ' ') "$@" \
      >>"$dir/logs/$name.log" 2>&1 ) &
  echo $! >"$dir/run/$name.pid"
}

need() {  # need COMMAND DEBIAN-PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing $2 (Debian package) for the rig…"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2"; } \
      >"$dir/logs/apt-$2.log" 2>&1 || { echo "Could not install $2 (see $dir/logs/apt-$2.log)." >&2; exit 1; }
  else
    echo "The rig needs $2 (Debian package), and this user cannot install it." >&2
    exit 1
  fi
}

alive() { [ -f "$dir/run/$1.pid" ] && kill -0 "$(cat "$dir/run/$1.pid")" 2>/dev/null; }

wait_http() {  # wait_http URL SECONDS
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "$1 did not answer in $2 s" >&2; return 1; }
    sleep 0.3
  done
}

start_web() {
  local n=$1
  alive "web$n" && return 0
  spawn "web$n" "$bin/gunicorn" iptcare.wsgi --chdir "$root" \
    --bind "127.0.0.1:$((port + n))" --workers "${RIG_WEB_WORKERS:-2}" \
    --worker-class gthread --threads "${RIG_WEB_THREADS:-4}" \
    --timeout 60 --graceful-timeout 10
  wait_http "http://127.0.0.1:$((port + n))/health" 60
}

kill_web() {  # SIGKILL: the master and its workers, as a machine crash would
  local n=$1 pid
  alive "web$n" || return 0
  pid=$(cat "$dir/run/web$n.pid")
  pkill -KILL -P "$pid" 2>/dev/null || true
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/run/web$n.pid"
}

start_worker() {
  local n=$1
  alive "worker$n" && return 0
  spawn "worker$n" "$bin/iptcare" run_huey --workers 2 --worker-type thread
}

kill_worker() {
  local n=$1
  alive "worker$n" || return 0
  kill -KILL "$(cat "$dir/run/worker$n.pid")" 2>/dev/null || true
  rm -f "$dir/run/worker$n.pid"
}

start_pgbouncer() {
  need pgbouncer pgbouncer
  alive pgbouncer && return 0
  local host dbport
  host=$(printf '%s' "$db_url" | sed -E 's#^[a-z]+://([^@]*@)?([^:/]+).*#\2#')
  dbport=$(printf '%s' "$db_url" | sed -E 's#^[a-z]+://([^@]*@)?[^:/]+:?([0-9]*)/.*#\2#')
  cat >"$dir/pgbouncer.ini" <<EOF
[databases]
* = host=$host port=${dbport:-5432}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $((port + 3))
unix_socket_dir =
auth_type = trust
auth_file = $dir/pgbouncer.users
pool_mode = transaction
max_client_conn = 400
default_pool_size = 20
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = $dir/logs/pgbouncer.log
pidfile = $dir/run/pgbouncer.pid
EOF
  printf '"postgres" ""\n' >"$dir/pgbouncer.users"
  # PgBouncer refuses to run as root; Debian's package brings its own user.
  chown -R postgres "$dir/logs" "$dir/run" 2>/dev/null || true
  if [ "$(id -u)" = "0" ]; then
    chown postgres "$dir/pgbouncer.ini" "$dir/pgbouncer.users"
    su postgres -s /bin/sh -c "pgbouncer -d '$dir/pgbouncer.ini'"
  else
    pgbouncer -d "$dir/pgbouncer.ini"
  fi
  for _ in $(seq 50); do alive pgbouncer && return 0; sleep 0.1; done
  echo "PgBouncer did not start (see $dir/logs/pgbouncer.log)" >&2
  return 1
}

start_haproxy() {
  need haproxy haproxy
  alive haproxy && return 0
  cat >"$dir/haproxy.cfg" <<EOF
global
  maxconn 1024
defaults
  mode http
  timeout connect 5s
  timeout client 90s
  timeout server 90s
  # A busy process gets at most maxconn requests at once; the rest wait here, in order.
  timeout queue 60s
  timeout check 10s
  # The client's address for the application (IPTCARE_CALLBACK_PROXY_COUNT=1).
  option forwardfor
  # A request that could not reach a process is sent to the other one.
  retries 3
  option redispatch
  # One request per connection to a web process, as nginx talks to gunicorn by
  # default (deploy/nginx.conf): HAProxy keeps idle server connections for an
  # unbounded time (half closed every 5 s) and gunicorn closes them after its
  # keep-alive (2 s), so a reused one could be closed as a request went out, and
  # HAProxy then drops the client's connection (the 2 errors of the first load run).
  option http-server-close
frontend iptcare
  bind 127.0.0.1:$port
  default_backend web
backend web
  balance roundrobin
  option httpchk
  http-check send meth GET uri /health ver HTTP/1.1 hdr Host 127.0.0.1
  http-check expect status 200
  # A process is out after three failed checks two seconds apart (a crash), back
  # after one good one.
  default-server check inter 2s fall 3 rise 1 maxconn ${RIG_WEB_MAXCONN:-8}
  server web1 127.0.0.1:$((port + 1))
  server web2 127.0.0.1:$((port + 2))
EOF
  haproxy -D -f "$dir/haproxy.cfg" -p "$dir/run/haproxy.pid" >>"$dir/logs/haproxy.log" 2>&1
}

database() {  # the rig's database is its own: every start begins from a fresh one
  local name admin
  name=$(printf '%s' "$db_url" | sed -E 's#.*/([^/?]+)(\?.*)?$#\1#')
  admin=$(printf '%s' "$db_url" | sed -E "s#/[^/?]+(\?.*)?\$#/postgres#")
  psql "$admin" -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
  psql "$admin" -qc "CREATE DATABASE \"$name\"" >/dev/null
}

start() {
  stop
  rm -rf "$dir/var"
  mkdir -p "$dir/var"
  database
  [ "${RIG_PGBOUNCER:-0}" = "1" ] && start_pgbouncer
  redis-cli -u "$redis_url" FLUSHDB >/dev/null
  run_env "$bin/iptcare" migrate --noinput >"$dir/logs/migrate.log" 2>&1
  run_env "$bin/iptcare" collectstatic --noinput >/dev/null
  run_env "$bin/iptcare" demo --patients "${RIG_PATIENTS:-60}" >"$dir/logs/demo.log" 2>&1
  start_web 1
  start_web 2
  start_worker 1
  start_worker 2
  start_haproxy
  wait_http "http://127.0.0.1:$port/health" 30
  echo "The rig is up: http://127.0.0.1:$port/ (web1 :$((port + 1)), web2 :$((port + 2)))"
}

stop() {
  local name
  for name in haproxy web1 web2 worker1 worker2 pgbouncer; do
    if alive "$name"; then
      kill -TERM "$(cat "$dir/run/$name.pid")" 2>/dev/null || true
    fi
  done
  sleep 1
  for name in web1 web2 worker1 worker2; do
    if alive "$name"; then
      pkill -KILL -P "$(cat "$dir/run/$name.pid")" 2>/dev/null || true
      kill -KILL "$(cat "$dir/run/$name.pid")" 2>/dev/null || true
    fi
  done
  rm -f "$dir"/run/*.pid
}

status() {
  local name
  for name in haproxy web1 web2 worker1 worker2 pgbouncer; do
    if alive "$name"; then echo "$name up"; else echo "$name down"; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) rig_env ;;
  pgbouncer) start_pgbouncer ;;  # the pooler alone, e.g. to run the suite through it
  start-web) start_web "$2" ;;
  kill-web) kill_web "$2" ;;
  start-worker) start_worker "$2" ;;
  kill-worker) kill_worker "$2" ;;
  *) sed -n 2,18p "$0"; exit 2 ;;
esac
