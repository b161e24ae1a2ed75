#!/usr/bin/env bash
# Bounded soak of the alipayhk-gateway binary on 127.0.0.1 (docs/performance.md):
# 20,000 idle connections (two holder processes of 10,000: the descriptor limit here is
# 20,000 per process) are opened against the gateway, then 2,000 signed calls are made,
# 64 in flight, and a slow-header connection (one byte a second) is timed. Every loop is
# bounded; the whole run takes about a minute. Nothing leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

IDLE_PER_HOLDER=${IDLE_PER_HOLDER:-10000}
REQUESTS=${REQUESTS:-2000}
IN_FLIGHT=${IN_FLIGHT:-64}

cargo build -q --release --bin alipayhk-gateway --example soak
soak=target/release/examples/soak
dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

target/release/alipayhk-gateway --port 0 --key-dir "$dir/keys" > "$dir/gateway.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  grep -q '^listening: ' "$dir/gateway.out" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/^listening: //p' "$dir/gateway.out")
client_id=$(sed -n 's/^client id: //p' "$dir/gateway.out")
addr=${url#http://}
echo "gateway: $url (pid ${pids[0]}, fd limit $(ulimit -n))"

echo "== baseline: no idle connections"
"$soak" probe "$url" "$dir/keys" "$client_id" "$REQUESTS" "$IN_FLIGHT"

echo "== under $((2 * IDLE_PER_HOLDER)) idle connections"

for holder in 1 2; do
  mkfifo "$dir/hold$holder.in"
  "$soak" hold "$addr" "$IDLE_PER_HOLDER" < "$dir/hold$holder.in" > "$dir/hold$holder.out" &
  pids+=($!)
  exec {fd}> "$dir/hold$holder.in"
  eval "hold${holder}_fd=$fd"
done
for holder in 1 2; do
  for _ in $(seq 1 600); do
    grep -q '^held ' "$dir/hold$holder.out" 2>/dev/null && break
    sleep 0.1
  done
  echo "holder $holder: $(head -1 "$dir/hold$holder.out")"
done
echo "gateway descriptors in use: $(ls /proc/"${pids[0]}"/fd | wc -l)"

"$soak" probe "$url" "$dir/keys" "$client_id" "$REQUESTS" "$IN_FLIGHT"

for holder in 1 2; do
  fd_var="hold${holder}_fd"
  echo >&"${!fd_var}"
done
wait "${pids[1]}" "${pids[2]}"
for holder in 1 2; do
  echo "holder $holder: $(tail -1 "$dir/hold$holder.out")"
done
echo "gateway still running: $(kill -0 "${pids[0]}" && echo yes)"
