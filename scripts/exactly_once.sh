#!/usr/bin/env bash
# The exactly-once proof across processes: for each store (PostgreSQL, Redis, a shared SQLite
# file), 4 webhook server processes on that one store, a driver that plays AlipayHK with
# BILLS distinct bills (the first delivery of each to two servers at once, abandoned
# connections, re-deliveries after every answer but S), while a chaos loop kill -9s a random
# server every 1-3 s and restarts it, and the database itself is restarted once mid-run.
# The handlers write a ledger with the fencing pattern (tests/exactly-once/src/lib.rs).
#
#   scripts/exactly_once.sh                  # 2,000 bills on each of postgres, redis, sqlite
#   BILLS=300 STORES="redis" scripts/exactly_once.sh
#
# Prints one line per store, `postgres: S 2000/2000, lost 0, doubled 0, superseded N,
# kills K, T s`, and exits 1 if any store lost or doubled a bill. It installs (Debian
# packages) and starts the servers it needs, on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

BILLS=${BILLS:-2000}
STORES=${STORES:-"postgres redis sqlite"}
SERVERS=4

cargo build -q --release -p alipayhk-exactly-once
bin="$PWD/target/release"
stores="$PWD/scripts/stores.sh"
bash "$stores" install
# Two ports below the servers' for the databases.
BASE_PORT=$(( $(bash "$stores" free-port 55508 $((SERVERS + 2))) + 2 ))

work=$(mktemp -d /tmp/alipayhk-exactly-once.XXXXXX)
chmod 755 "$work"
"$bin/proof_driver" keys "$work/keys"

start_server() { # kind store ledger index
  local port=$((BASE_PORT + $4))
  RUST_LOG=${RUST_LOG:-warn} "$bin/proof_webhook_server" "$1" "$2" "$3" "$port" "$work/keys" \
    >>"$work/$1-server-$4.log" 2>&1 &
  echo $! >"$work/$1-pid-$4"
  disown $!
}

wait_for_port() {
  for _ in $(seq 1 200); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing listens on $1" >&2
  return 1
}

# Kills a random server every 1-3 s (kill -9) and starts it again at once; restarts the
# database after the second kill. Every fourth round it pauses a server instead (SIGSTOP)
# for 5 s, longer than a lease (2 s), so that its claims are taken over while its handlers still run:
# what fencing is for. Ends when $work/stop exists (or after 500 rounds).
chaos() { # kind store ledger
  local kills=0
  for round in $(seq 1 500); do
    sleep "$((1 + RANDOM % 2)).$((RANDOM % 10))"
    [ -f "$work/stop" ] && break
    local i=$((RANDOM % SERVERS))
    local pid
    pid=$(cat "$work/$1-pid-$i")
    if [ $((round % 4)) = 0 ]; then
      echo "$pid" >>"$work/$1-paused"
      kill -STOP "$pid" 2>/dev/null || true
      sleep 5
      kill -CONT "$pid" 2>/dev/null || true
      continue
    fi
    kill -9 "$pid" 2>/dev/null && echo "$pid" >>"$work/$1-kills"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
    start_server "$1" "$2" "$3" "$i"
    kills=$((kills + 1))
    if [ "$kills" = 2 ]; then
      case "$1" in
        postgres) bash "$stores" restart-postgres "$work/pg" && echo "postgres restarted" >>"$work/events" ;;
        redis) bash "$stores" restart-redis "$work/redis" && echo "redis restarted" >>"$work/events" ;;
        # No server to restart: a killed process is the whole of SQLite's crash.
      esac
    fi
  done
}

status=0
for kind in $STORES; do
  case "$kind" in
    postgres)
      url=$(bash "$stores" start-postgres "$work/pg" $((BASE_PORT - 2)))
      store=$url ledger=$url ;;
    redis)
      url=$(bash "$stores" start-redis "$work/redis" $((BASE_PORT - 1)))
      store=$url ledger=$url ;;
    sqlite)
      store="$work/notifications.db" ledger="$work/ledger.db" ;;
    *) echo "unknown store $kind" >&2; exit 2 ;;
  esac
  for i in $(seq 0 $((SERVERS - 1))); do start_server "$kind" "$store" "$ledger" "$i"; done
  ports=""
  for i in $(seq 0 $((SERVERS - 1))); do
    wait_for_port $((BASE_PORT + i))
    ports="$ports${ports:+,}$((BASE_PORT + i))"
  done
  rm -f "$work/stop"
  chaos "$kind" "$store" "$ledger" &
  chaos_pid=$!
  if ! "$bin/proof_driver" run "$kind" "$ledger" "$work/keys" "$ports" "$BILLS" \
    "$work/$kind-kills" "$work/$kind-paused" "$work/$kind-server-"; then
    status=1
  fi
  touch "$work/stop"
  wait "$chaos_pid" || true
  for i in $(seq 0 $((SERVERS - 1))); do kill -9 "$(cat "$work/$kind-pid-$i")" 2>/dev/null || true; done
  case "$kind" in
    postgres) bash "$stores" stop-postgres "$work/pg" ;;
    redis) bash "$stores" stop-redis "$work/redis" ;;
  esac
  grep -h "restarted" "$work/events" 2>/dev/null | grep "^$kind" | sed 's/^/  /' || true
done
if [ "$status" = 0 ]; then rm -rf "$work"; else echo "logs kept in $work" >&2; fi
exit "$status"
