#!/usr/bin/env bash
# What `#[alipayhk::endpoint]` costs at compile time: `cargo check` of a crate with 20
# annotated endpoints against the same crate with the expansion written out (by
# `alipayhk-codegen expand`), both checked in the same run, alternately, sharing one target
# directory so only the crate itself is rebuilt. Prints each median and the macro's share.
#
#   scripts/expansion-cost.sh [runs]     # default 7 runs of each
set -euo pipefail

runs=${1:-7}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="$root/target/expansion-cost"

make_crate() { # name
    mkdir -p "$work/$1/src"
    cat > "$work/$1/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
alipayhk = { path = "$root/generated" }

[workspace]
TOML
}

make_crate annotated
make_crate expanded
{
    echo '//! 20 endpoints declared with the attribute.'
    echo 'use alipayhk::runtime::{EpochMillis, ResultInfo};'
    for i in $(seq 1 20); do
        cat <<RUST

/// Endpoint number $i.
#[alipayhk::endpoint(
    path = "/api/open/alipay/v1/custom/endpoint$i",
    response = Custom${i}Response,
    result_codes(
        SUCCESS(S, "Success"),
        PARAM_ILLEGAL(F, "Illegal parameters"),
        PASS_HAS_NOT_EXIST(F, "The pass does not exist"),
        UNKNOWN_EXCEPTION(U, "Unknown outcome"),
    ),
)]
#[alipayhk(exactly_one_of(user_id, open_id))]
#[alipayhk(required_when(detail, status = "UPDATE"))]
pub struct Custom${i}Request {
    /// The merchant.
    #[alipayhk(max_length = 64)]
    pub merchant_id: String,
    /// The user.
    #[alipayhk(max_length = 32)]
    pub user_id: Option<String>,
    /// The user, for this merchant.
    #[alipayhk(max_length = 32)]
    pub open_id: Option<String>,
    /// The card.
    #[alipayhk(max_length = 32)]
    pub pass_id: String,
    /// What to do.
    #[alipayhk(values(CLOSED = "Close it.", UPDATE = "Update it."))]
    pub status: Custom${i}Status,
    /// What changes.
    #[alipayhk(max_length = 32)]
    pub detail: Option<String>,
    /// Valid until.
    #[alipayhk(minimum = 0)]
    pub end_date: Option<EpochMillis>,
    /// Points.
    #[alipayhk(minimum = 0, maximum = 100000000)]
    pub points: Option<i64>,
}

/// Answer number $i.
#[alipayhk::response]
pub struct Custom${i}Response {
    /// The outcome.
    #[alipayhk(alias = "resultInfo")]
    pub result: ResultInfo,
    /// The card.
    pub pass_id: Option<String>,
}
RUST
    done
} > "$work/annotated/src/lib.rs"

cargo build -q --manifest-path "$root/Cargo.toml" -p alipayhk-codegen --release
"$CARGO_TARGET_DIR/release/alipayhk-codegen" expand "$work/annotated/src/lib.rs" > "$work/expanded/src/lib.rs"

# Dependencies (alipayhk, the proc-macro crate, …) once, outside the measurement.
for crate in annotated expanded; do
    cargo check -q --manifest-path "$work/$crate/Cargo.toml"
done

time_check() { # crate -> milliseconds
    touch "$work/$1/src/lib.rs"
    local start end
    start=$(date +%s%N)
    cargo check -q --manifest-path "$work/$1/Cargo.toml"
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

: > "$work/annotated.ms"
: > "$work/expanded.ms"
for _ in $(seq 1 "$runs"); do
    time_check annotated >> "$work/annotated.ms"
    time_check expanded >> "$work/expanded.ms"
done
annotated=$(median < "$work/annotated.ms")
expanded=$(median < "$work/expanded.ms")
lines=$(wc -l < "$work/expanded/src/lib.rs")
echo "cargo check, 20 endpoints, median of $runs runs each (same run, alternating):"
echo "  written out ($lines lines): ${expanded} ms"
echo "  annotated:                  ${annotated} ms"
echo "  the attribute's share:      $((annotated - expanded)) ms ($(awk -v a="$annotated" -v e="$expanded" 'BEGIN { printf "%.2f", a / e }')x the written-out check)"
