//! The simulation behind "no payment left in doubt": many payments on the local gateway under
//! random faults (answered `U` after or without paying, timed out or dropped after paying,
//! processing for a while or for too long, every call about it unanswered), while the
//! merchant's resolvers are killed at random points; a resumer, as a restarted process would,
//! takes over what they left; and the gateway's `notifyPayment` for each payment it makes
//! reaches the merchant's webhook, which settles the pending payment from it (`settle_from`)
//! whatever its resolver is doing. The merchant's order logic is what a shop does: paid ships,
//! failed or cancelled asks the user to pay once more, with a new `paymentRequestId`.
//!
//! Checked against the gateway's own record of every payment, after waiting out every
//! processing payment: each order paid at most once; what the merchant was told matches what
//! the gateway did; nothing left unknown. Prints
//! `payments N: paid P, cancelled C, unknown U, paid twice D, kills K`.
//!
//! `ALIPAYHK_SIM_PAYMENTS` (default 300), `ALIPAYHK_SIM_KILL_PERCENT` (default 15: the share
//! of attempts whose resolver is killed), `ALIPAYHK_SIM_SEED`; `scripts/payments_in_doubt.sh`
//! runs 2,000, and each deliberately broken resolver (`ALIPAYHK_PROOF_MUTANT`), which this
//! must catch.

#[path = "payments_simulation/driver.rs"]
mod driver;
#[path = "support/mod.rs"]
mod support;

use driver::{Simulation, Tally};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_payment_is_left_in_doubt_under_faults_and_kills() {
    let payments = std::env::var("ALIPAYHK_SIM_PAYMENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let seed = std::env::var("ALIPAYHK_SIM_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    let kill_percent = std::env::var("ALIPAYHK_SIM_KILL_PERCENT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(15);
    let tally: Tally = Simulation::new(payments, seed, kill_percent)
        .await
        .run()
        .await;
    println!("{tally}");
    println!("seed {seed} (ALIPAYHK_SIM_SEED={seed} reproduces the faults and kills' choices)");
    assert!(tally.is_clean(), "{tally}\n{}", tally.problems.join("\n"));
}
