#!/usr/bin/env bash
# The exactly-once proof across processes, and proof that the proof can fail.
#
# For each store and mode (PostgreSQL transactional and external, SQLite transactional, Redis
# external), 4 webhook server processes share one store; server 0 reaches the database through
# a TCP proxy. A driver plays AlipayHK with BILLS distinct bills (the first delivery of each to
# two servers at once, abandoned connections, up to 7 re-deliveries on a compressed schedule),
# while a chaos loop, every 1-3 s: kill -9s a random server and restarts it; every fourth round
# pauses one (SIGSTOP) for 5 s, past its 2 s lease; every eighth round (PostgreSQL, Redis)
# either cuts server 0 off from its database for 4 s (the proxy drops bytes, connections stay
# open) or makes its database slower than its 1 s store timeout for 4 s (bytes 1.5 s late);
# and restarts the database once. Every handler execution that reaches its effect is logged,
# unconditionally, outside every store (tests/exactly-once/src/lib.rs); the driver judges the
# logs against the faults and prints one line per store and mode.
#
# Then: a Redis that may evict must be refused, and each deliberately broken build
# (ALIPAYHK_PROOF_MUTANT: no-dedup, ignore-fence, token-restart, no-renewal,
# release-unawaited) must be caught, by the proof on PostgreSQL or by the targeted tests. Exits 0 only when every store
# holds and every mutant is caught.
#
#   scripts/exactly_once.sh                  # 2,000 bills per store and mode
#   BILLS=300 RUNS="postgres:transactional" MUTANTS="" scripts/exactly_once.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BILLS=${BILLS:-2000}
MUTANT_BILLS=${MUTANT_BILLS:-300}
RUNS=${RUNS-"postgres:transactional postgres:external sqlite:transactional redis:external"}
MUTANTS=${MUTANTS-"no-dedup ignore-fence token-restart no-renewal release-unawaited"}
SERVERS=4

cargo build -q --release -p alipayhk-exactly-once
bin="$PWD/target/release"
stores="$PWD/scripts/stores.sh"
bash "$stores" install
# Below Linux's ephemeral range (32768-60999), so no outgoing connection holds a port a
# server is about to bind: databases, proxy, servers.
BASE_PORT=$(( $(bash "$stores" free-port 21500 $((SERVERS + 4))) + 4 ))
PG_PORT=$((BASE_PORT - 4)) REDIS_PORT=$((BASE_PORT - 3)) PROXY_PORT=$((BASE_PORT - 2))
EVICTING_PORT=$((BASE_PORT - 1))

work=$(mktemp -d /tmp/alipayhk-exactly-once.XXXXXX)
chmod 755 "$work"
"$bin/proof_driver" keys "$work/keys"
now() { date +%s%N; }

# start_server RUN KIND MODE STORE_URL INDEX
start_server() {
  local port=$((BASE_PORT + $5)) url=$4
  if [ "$5" = 0 ] && [ -n "${PROXIED_URL:-}" ]; then url=$PROXIED_URL; fi
  RUST_LOG=${RUST_LOG:-warn} "$bin/proof_webhook_server" "$2" "$3" "$url" "$port" "$work/keys" "$1" \
    >>"$1/server-$5.log" 2>&1 &
  echo $! >"$1/pid-$5"
  disown $!
}

wait_for_port() {
  for _ in $(seq 1 300); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing listens on $1" >&2
  return 1
}

# chaos RUN KIND MODE STORE_URL: faults, each written to RUN/faults with its times.
chaos() {
  local run=$1 kind=$2 kills=0
  for round in $(seq 1 500); do
    sleep "$((1 + RANDOM % 2)).$((RANDOM % 10))"
    [ -f "$run/stop" ] && break
    local i=$((RANDOM % SERVERS)) pid from
    pid=$(cat "$run/pid-$i")
    if [ $((round % 4)) = 0 ]; then
      from=$(now)
      kill -STOP "$pid" 2>/dev/null || true
      sleep 5
      kill -CONT "$pid" 2>/dev/null || true
      echo "pause $pid $from $(now)" >>"$run/faults"
      continue
    fi
    if [ $((round % 8)) = 2 ] && [ "$kind" != sqlite ]; then
      # Alternately: a partition, or a store slower than store_timeout (1 s; bytes 1.5 s late).
      # Every eighth round: server 0 also takes its share of kills and pauses, and a bill
      # whose eight deliveries all meet a faulted server is lost by the schedule, not by the
      # store (the driver prints each such bill's deliveries).
      local fault=partition flag=partitioned
      if [ $((round % 16)) = 10 ]; then fault=slow flag=slow; fi
      pid=$(cat "$run/pid-0") from=$(now)
      touch "$run/$flag"
      sleep 4
      rm -f "$run/$flag"
      echo "$fault $pid $from $(now)" >>"$run/faults"
      continue
    fi
    from=$(now)
    kill -9 "$pid" 2>/dev/null && echo "kill $pid $from" >>"$run/faults"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
    start_server "$run" "$kind" "$3" "$4" "$i"
    kills=$((kills + 1))
    if [ "$kills" = 2 ] && [ "$kind" != sqlite ]; then
      from=$(now)
      case "$kind" in
        postgres) bash "$stores" restart-postgres "$work/pg" ;;
        redis) bash "$stores" restart-redis "$work/redis" ;;
      esac
      echo "restart - $from $(now)" >>"$run/faults"
    fi
  done
}

# proof KIND MODE BILLS: one run; its exit status is the driver's.
proof() {
  local kind=$1 mode=$2 bills=$3 url run upstream
  run=$(mktemp -d "$work/$kind-$mode.XXXX")
  chmod 755 "$run"
  case "$kind" in
    postgres) url=$PG_URL upstream=$PG_PORT
      PROXIED_URL="postgres://postgres@127.0.0.1:$PROXY_PORT/postgres" ;;
    redis) url=$REDIS_URL upstream=$REDIS_PORT PROXIED_URL="redis://127.0.0.1:$PROXY_PORT/" ;;
    sqlite) url="$run/store.db" PROXIED_URL="" ;;
  esac
  if [ -n "$PROXIED_URL" ]; then
    "$bin/proof_proxy" "$PROXY_PORT" "$upstream" "$run/partitioned" "$run/slow" \
      >"$run/proxy.log" 2>&1 &
    echo $! >"$run/proxy-pid"
    wait_for_port "$PROXY_PORT"
  fi
  for i in $(seq 0 $((SERVERS - 1))); do start_server "$run" "$kind" "$mode" "$url" "$i"; done
  local ports=""
  for i in $(seq 0 $((SERVERS - 1))); do
    wait_for_port $((BASE_PORT + i))
    ports="$ports${ports:+,}$((BASE_PORT + i))"
  done
  chaos "$run" "$kind" "$mode" "$url" &
  local chaos_pid=$! status=0
  "$bin/proof_driver" run "$kind" "$mode" "$url" "$work/keys" "$ports" "$bills" "$run" || status=1
  touch "$run/stop"
  wait "$chaos_pid" || true
  rm -f "$run/partitioned" "$run/slow"
  for i in $(seq 0 $((SERVERS - 1))); do kill -9 "$(cat "$run/pid-$i")" 2>/dev/null || true; done
  [ -f "$run/proxy-pid" ] && kill "$(cat "$run/proxy-pid")" 2>/dev/null || true
  sleep 0.5
  return "$status"
}

PG_URL=$(bash "$stores" start-postgres "$work/pg" "$PG_PORT")
REDIS_URL=$(bash "$stores" start-redis "$work/redis" "$REDIS_PORT")
cleanup() {
  bash "$stores" stop-postgres "$work/pg"
  bash "$stores" stop-redis "$work/redis"
  redis-cli -p "$EVICTING_PORT" shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT

status=0
for entry in $RUNS; do
  proof "${entry%%:*}" "${entry##*:}" "$BILLS" || status=1
done

# A Redis that may evict records (as managed Redis does by default with keys that have a
# TTL) must be refused at start, naming the setting.
redis-server --port "$EVICTING_PORT" --bind 127.0.0.1 --dir "$work" --daemonize yes \
  --save "" --appendonly yes --appendfsync always --maxmemory-policy volatile-lru \
  --logfile "$work/evicting.log" --dbfilename evicting.rdb --appenddirname evicting-aof
for _ in $(seq 1 50); do redis-cli -p "$EVICTING_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
mkdir -p "$work/evicting"
if timeout 20 "$bin/proof_webhook_server" redis external "redis://127.0.0.1:$EVICTING_PORT/" \
    "$BASE_PORT" "$work/keys" "$work/evicting" >"$work/evicting/server.log" 2>&1; then
  echo "redis evicting: accepted (it must be refused)"; status=1
elif grep -q "maxmemory-policy" "$work/evicting/server.log"; then
  echo "redis evicting: refused ($(grep -o "maxmemory-policy[^,]*, found: [^,]*" "$work/evicting/server.log" | head -1))"
else
  echo "redis evicting: failed without naming the setting:"; cat "$work/evicting/server.log"; status=1
fi

# Each mutant must be caught: by the proof on PostgreSQL in either mode, or by the targeted
# tests (the store contract's claim, fencing and lost-record checks, the racing-instance and partition
# tests, the stopped handler that blocks its thread). A test counts only if it passes on the
# sound build in the same run: a check that fails anyway catches nothing.
if [ -n "$MUTANTS" ]; then
  unset ALIPAYHK_REQUIRE_STORES ALIPAYHK_TEST_PGBOUNCER_URL ALIPAYHK_TEST_PGBOUNCER_RESTART
  export ALIPAYHK_TEST_POSTGRES_URL=$PG_URL ALIPAYHK_TEST_REDIS_URL=$REDIS_URL
  export ALIPAYHK_TEST_POSTGRES_RESTART="bash $stores restart-postgres $work/pg"
  export ALIPAYHK_TEST_REDIS_RESTART="bash $stores restart-redis $work/redis"
  targeted=(
    "store_conformance the_postgres_store_keeps_the_contract"
    "webhooks_effects postgres_writes_commit_with_the_record_once_and_roll_back_without_s"
    "webhooks_effects an_instance_partitioned_from_postgres_mid_handler_never_doubles_its_effect"
    "webhooks_exactly_once a_stopped_handler_is_awaited_before_its_claim_is_released"
  )
  targeted_test() { # MUTANT-or-empty BINARY NAME
    ALIPAYHK_PROOF_MUTANT=$1 cargo test -q -p alipayhk-tests --test "$2" -- --exact "$3" \
      >"$work/mutant-${1:-sound}-$3.txt" 2>&1
  }
  for entry in "${targeted[@]}"; do
    if ! targeted_test "" $entry; then
      echo "  sound build: ${entry#* } fails; it cannot judge mutants"; status=1
    fi
  done
  caught=0 total=0
  for mutant in $MUTANTS; do
    total=$((total + 1)) by=""
    for mode in transactional external; do
      if ! ALIPAYHK_PROOF_MUTANT=$mutant proof postgres "$mode" "$MUTANT_BILLS" >"$work/mutant-$mutant-$mode.txt" 2>&1; then
        by="$by proof:$mode"
      fi
    done
    for entry in "${targeted[@]}"; do
      if ! targeted_test "$mutant" $entry; then by="$by test:${entry#* }"; fi
    done
    if [ -n "$by" ]; then
      caught=$((caught + 1))
      echo "  mutant $mutant: caught by$by"
      grep -h "^postgres" "$work/mutant-$mutant-transactional.txt" "$work/mutant-$mutant-external.txt" \
        | sed 's/^/    /' || true
    else
      echo "  mutant $mutant: NOT caught"
    fi
  done
  echo "mutants: $caught/$total caught"
  [ "$caught" = "$total" ] || status=1
fi

if [ "$status" = 0 ]; then rm -rf "$work"; else echo "logs kept in $work" >&2; fi
exit "$status"
