#!/usr/bin/env bash
# Starts, restarts and stops the real PostgreSQL and Redis servers the store tests and
# scripts/exactly_once.sh run against, each in a directory of its own on 127.0.0.1.
#
#   scripts/stores.sh install                  # Debian packages, if missing
#   scripts/stores.sh start-postgres DIR PORT  # initdb on first use; prints the URL
#   scripts/stores.sh restart-postgres DIR     # an immediate (crash-like) restart
#   scripts/stores.sh stop-postgres DIR
#   scripts/stores.sh start-redis DIR PORT     # appendonly, appendfsync always; prints the URL
#   scripts/stores.sh restart-redis DIR        # kill -9, then start on the same files
#   scripts/stores.sh stop-redis DIR
#   scripts/stores.sh start-pgbouncer DIR PORT PG_PORT  # transaction pooling; prints the URL
#   scripts/stores.sh stop-pgbouncer DIR
#   scripts/stores.sh free-port FROM [COUNT]   # the first of COUNT free ports from FROM
#
# PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
set -euo pipefail

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$dir" ]; then
    echo "PostgreSQL is not installed (scripts/stores.sh install)" >&2
    exit 1
  fi
  echo "$dir"
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cmd=${1:-}
case "$cmd" in
  install)
    missing=()
    ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    command -v pgbouncer >/dev/null 2>&1 || missing+=(pgbouncer)
    if [ ${#missing[@]} -gt 0 ]; then
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    # The packages start their own servers on the default ports; the tests use their own.
    if command -v pgbouncer >/dev/null 2>&1; then
      (service pgbouncer stop || pkill -x pgbouncer) >/dev/null 2>&1 || true
    fi
    if command -v pg_ctlcluster >/dev/null 2>&1; then
      for cluster in $(pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2}'); do
        pg_ctlcluster "${cluster%/*}" "${cluster#*/}" stop >/dev/null 2>&1 || true
      done
    fi
    ;;
  start-postgres)
    dir=$2 port=$3 bin=$(pg_bin)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    chmod 700 "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_postgres "$bin/initdb" -D "$dir" -A trust -U postgres --no-sync >/dev/null
    fi
    as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=on" \
      start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  restart-postgres)
    dir=$2 bin=$(pg_bin)
    # Immediate mode is a crash as far as the database is concerned: it recovers from WAL.
    as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 -m immediate restart >/dev/null
    ;;
  stop-postgres)
    dir=$2 bin=$(pg_bin)
    as_postgres "$bin/pg_ctl" -D "$dir" -w -t 60 -m fast stop >/dev/null 2>&1 || true
    ;;
  start-redis)
    dir=$2 port=$3
    mkdir -p "$dir"
    echo "$port" >"$dir/port"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save "" \
      --appendonly yes --appendfsync always --maxmemory-policy noeviction
    for _ in $(seq 1 100); do
      redis-cli -p "$port" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
    redis-cli -p "$port" ping >/dev/null
    echo "redis://127.0.0.1:$port/"
    ;;
  restart-redis)
    dir=$2 port=$(cat "$2/port")
    pid=$(cat "$dir/redis.pid")
    # A crash: every acknowledged write is in the append-only file (appendfsync always).
    kill -9 "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    rm -f "$dir/redis.pid"
    "$0" start-redis "$dir" "$port" >/dev/null
    ;;
  stop-redis)
    dir=$2
    if [ -f "$dir/port" ]; then redis-cli -p "$(cat "$dir/port")" shutdown nosave >/dev/null 2>&1 || true; fi
    ;;
  start-pgbouncer)
    # PgBouncer in transaction mode, the pooling that breaks named prepared statements and
    # session state: PostgresStore must work through it.
    dir=$2 port=$3 pg_port=$4
    mkdir -p "$dir"
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
postgres = host=127.0.0.1 port=$pg_port dbname=postgres user=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/users.txt
pool_mode = transaction
max_client_conn = 400
default_pool_size = 20
pidfile = $dir/pgbouncer.pid
logfile = $dir/pgbouncer.log
INI
    echo '"postgres" ""' >"$dir/users.txt"
    if [ "$(id -u)" = 0 ]; then chown -R postgres: "$dir"; fi
    as_postgres pgbouncer -d "$dir/pgbouncer.ini"
    for _ in $(seq 1 100); do
      (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      sleep 0.05
    done
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop-pgbouncer)
    dir=$2
    if [ -f "$dir/pgbouncer.pid" ]; then kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true; fi
    ;;
  free-port)
    from=$2 count=${3:-1}
    for base in $(seq "$from" 10 $((from + 2000))); do
      taken=0
      for port in $(seq "$base" $((base + count - 1))); do
        if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then taken=1; break; fi
      done
      if [ "$taken" = 0 ]; then echo "$base"; exit 0; fi
    done
    echo "no $count free ports from $from" >&2
    exit 1
    ;;
  *)
    sed -n '2,16p' "$0" >&2
    exit 2
    ;;
esac
