#!/usr/bin/env bash
# Runs every test: starts a real PostgreSQL and a real Redis on 127.0.0.1 for the notification
# store suite (installing them from Debian's packages if missing), runs
# `cargo test --workspace` with them required, and stops them again. Extra arguments go to
# cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/stores.sh install
# The console's browser test drives Chromium over WebDriver; the `notify` tests answer from a
# webhook written in Python that signs with the `cryptography` package.
missing=()
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium chromium-driver)
python3 -c 'import cryptography' >/dev/null 2>&1 || missing+=(python3 python3-cryptography)
# The official Alipay Python SDK (global-open-sdk-python) signs a payments request to the
# gateway in a test; its signature tool also needs `rsa`. Its own files are installed without
# its dependencies, which pin versions nothing here needs.
python3 -c 'import rsa' >/dev/null 2>&1 || missing+=(python3-rsa)
# The spec files are checked against spec/schema.json, the schema editors read.
python3 -c 'import jsonschema, yaml' >/dev/null 2>&1 || missing+=(python3-jsonschema python3-yaml)
sdk=target/official-sdk
if [ ! -f "$sdk/com/alipay/ams/api/tools/signature_tool.py" ]; then
  python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
fi
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -f "$sdk/com/alipay/ams/api/tools/signature_tool.py" ]; then
  pip_sdk=(python3 -m pip install -q --no-deps --target "$sdk" global-open-sdk-python==1.7.1)
  "${pip_sdk[@]}" || "${pip_sdk[@]}" --break-system-packages
fi
export ALIPAYHK_OFFICIAL_SDK="$PWD/$sdk"
python3 scripts/spec_schema.py
dir=$(mktemp -d /tmp/alipayhk-test-stores.XXXXXX)
chmod 755 "$dir"
stop() {
  bash scripts/stores.sh stop-postgres "$dir/pg"
  bash scripts/stores.sh stop-redis "$dir/redis"
  bash scripts/stores.sh stop-pgbouncer "$dir/pgbouncer"
  rm -rf "$dir"
}
trap stop EXIT
export ALIPAYHK_TEST_POSTGRES_URL
ALIPAYHK_TEST_POSTGRES_URL=$(bash scripts/stores.sh start-postgres "$dir/pg" "$(bash scripts/stores.sh free-port 23432)")
export ALIPAYHK_TEST_POSTGRES_RESTART="bash $PWD/scripts/stores.sh restart-postgres $dir/pg"
# The same server through PgBouncer in transaction mode.
export ALIPAYHK_TEST_PGBOUNCER_URL ALIPAYHK_TEST_PGBOUNCER_RESTART=$ALIPAYHK_TEST_POSTGRES_RESTART
pg_port=${ALIPAYHK_TEST_POSTGRES_URL##*:}
ALIPAYHK_TEST_PGBOUNCER_URL=$(bash scripts/stores.sh start-pgbouncer "$dir/pgbouncer" \
  "$(bash scripts/stores.sh free-port 25432)" "${pg_port%%/*}")
export ALIPAYHK_TEST_REDIS_URL
ALIPAYHK_TEST_REDIS_URL=$(bash scripts/stores.sh start-redis "$dir/redis" "$(bash scripts/stores.sh free-port 24379)")
export ALIPAYHK_TEST_REDIS_RESTART="bash $PWD/scripts/stores.sh restart-redis $dir/redis"
# A missing server fails the store suite instead of skipping it.
export ALIPAYHK_REQUIRE_STORES=1
cargo test --workspace "$@"
# A check must be able to fail: the intent-store suite must catch a PostgreSQL claim_due that
# selects due intents without locking them (two resumers then take one intent).
if ALIPAYHK_PROOF_MUTANT=claim-unlocked cargo test -q -p alipayhk-tests \
  --test intent_store_conformance -- the_postgres_intent_store >/dev/null 2>&1; then
  echo "NOT CAUGHT: the intent-store suite passed with claim_due unlocked (claim-unlocked)" >&2
  exit 1
fi
echo "mutant claim-unlocked: caught by the intent-store suite on PostgreSQL"
