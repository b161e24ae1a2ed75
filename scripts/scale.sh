#!/usr/bin/env bash
# Scale benchmark (issue 14 A): generates synthetic specs of N family-shaped endpoints
# (scripts/scale_spec.py) and reports, for each N, the release generator's time, the output's
# lines per endpoint, and `cargo check` of the generated crate (for N <= CHECK_MAX, default 100).
# Not part of `cargo test`. Usage: bash scripts/scale.sh [N ...]   (default: 10 100 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-10 100 1000}")
read -r -a sizes <<< "${sizes[*]}"
check_max=${CHECK_MAX:-100}
cargo build -q --release -p alipayhk-codegen
bin=target/release/alipayhk-codegen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "| endpoints | generate (release) | files | lines | lines per endpoint | cargo check after a touch | per endpoint |"
echo "|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  spec="$work/spec-$n"
  crate="$work/crate-$n"
  python3 scripts/scale_spec.py "$n" "$spec"
  mkdir -p "$crate/src"
  # Best of three: the machine's noise, not the generator's.
  best=""
  for _ in 1 2 3; do
    start=$(date +%s.%N)
    "$bin" generate --spec "$spec" --out "$crate/src" > /dev/null
    took=$(echo "$(date +%s.%N) - $start" | bc)
    if [ -z "$best" ] || [ "$(echo "$took < $best" | bc)" = 1 ]; then best=$took; fi
  done
  files=$(ls "$crate/src" | wc -l)
  lines=$(cat "$crate/src"/*.rs | wc -l)
  check="not run"
  per="-"
  if [ "$n" -le "$check_max" ]; then
    cat > "$crate/Cargo.toml" <<TOML
[package]
name = "scale"
version = "0.0.0"
edition = "2024"
[dependencies]
alipayhk-runtime = { path = "$PWD/runtime" }
serde = { version = "1", features = ["derive"] }
[features]
server = ["alipayhk-runtime/server"]
macros = []
client = []
[workspace]
TOML
    cp Cargo.lock "$crate/"
    CARGO_TARGET_DIR="$work/target" cargo check -q --manifest-path "$crate/Cargo.toml" 2> "$work/check.log" || { cat "$work/check.log"; exit 1; }
    touch "$crate/src/lib.rs"
    start=$(date +%s.%N)
    CARGO_TARGET_DIR="$work/target" cargo check -q --manifest-path "$crate/Cargo.toml"
    check=$(echo "$(date +%s.%N) - $start" | bc)
    per=$(printf "%.3f s" "$(echo "$check / $n" | bc -l)")
    check=$(printf "%.1f s" "$check")
  fi
  printf "| %d | %.2f s | %d | %d | %d | %s | %s |\n" "$n" "$best" "$files" "$lines" "$((lines / n))" "$check" "$per"
done
