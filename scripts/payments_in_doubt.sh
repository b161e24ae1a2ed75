#!/usr/bin/env bash
# The payments simulation (tests/tests/payments_simulation.rs): 2,000 payments under random
# faults and random kills of the merchant's resolvers, judged against the gateway's ledger;
# then each deliberately broken resolver, which the simulation must catch (a check that has
# never failed is not evidence). The mutants run with half the resolvers killed, so that a
# broken crash path is met often. Debug build: the one `scripts/test.sh` already made. Exits
# non-zero when the clean run fails or a mutant passes.
set -euo pipefail
cd "$(dirname "$0")/.."

PAYMENTS=${PAYMENTS:-2000}
MUTANT_PAYMENTS=${MUTANT_PAYMENTS:-400}
MUTANTS=${MUTANTS-"write-after-send unknown-is-failure no-cancel"}

run() {
  cargo test -q -p alipayhk-tests --test payments_simulation -- --nocapture 2>&1
}

cargo test -q -p alipayhk-tests --test payments_simulation --no-run
echo "== clean: $PAYMENTS payments"
if ! out=$(ALIPAYHK_SIM_PAYMENTS=$PAYMENTS run); then
  echo "$out" | tail -40
  echo "the simulation failed on the shipped resolver" >&2
  exit 1
fi
echo "$out" | grep -m2 -E '^(payments|seed) '
echo "== clean, half the resolvers killed: $MUTANT_PAYMENTS payments"
if ! out=$(ALIPAYHK_SIM_KILL_PERCENT=50 ALIPAYHK_SIM_PAYMENTS=$MUTANT_PAYMENTS run); then
  echo "$out" | tail -40
  echo "the simulation failed on the shipped resolver" >&2
  exit 1
fi
echo "$out" | grep -m2 -E '^(payments|seed) '

caught=0
total=0
for mutant in $MUTANTS; do
  total=$((total + 1))
  echo "== mutant $mutant: $MUTANT_PAYMENTS payments"
  if out=$(ALIPAYHK_PROOF_MUTANT=$mutant ALIPAYHK_SIM_KILL_PERCENT=50 \
    ALIPAYHK_SIM_PAYMENTS=$MUTANT_PAYMENTS run); then
    echo "$out" | grep -m2 -E '^(payments|seed) ' || true
    echo "NOT CAUGHT: the simulation passed with the broken resolver $mutant" >&2
  else
    caught=$((caught + 1))
    echo "$out" | grep -m2 -E '^(payments|seed) ' || true
    echo "$out" | grep -E '^order [0-9]+:' | head -3 || true
  fi
done
# The `reached` rule (switchStatus read with templateDetail) and `settles` (notifyPayment
# settling a pending pay) are not in the simulation: their own tests must catch their mutants.
for pair in blind-resend:templates_in_doubt notification-ignored:payments_notified; do
  mutant=${pair%%:*}
  test=${pair#*:}
  total=$((total + 1))
  echo "== mutant $mutant: tests/tests/$test.rs"
  if ALIPAYHK_PROOF_MUTANT=$mutant cargo test -q -p alipayhk-tests --test "$test" >/tmp/mutant.$$ 2>&1; then
    echo "NOT CAUGHT: $test passed with the broken resolver $mutant" >&2
  else
    caught=$((caught + 1))
    grep -E '^test result' /tmp/mutant.$$ || true
  fi
  rm -f /tmp/mutant.$$
done
echo "mutants: $caught/$total caught"
[ "$caught" -eq "$total" ]
