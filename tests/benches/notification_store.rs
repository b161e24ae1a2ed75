//! What one notification costs the in-memory store as it fills: claim + complete of a new key
//! with 1,000, 20,000 and 100,000 records held, as a ratio to the 1,000-record cost measured
//! in the same run. The store used to scan every record per claim (0.6 ms at 20k, 4 ms at
//! 100k); with its time-ordered index the cost should stay flat.
//!
//! `cargo bench -p alipayhk-tests --bench notification_store`

use std::time::{Duration, Instant};

use alipayhk_runtime::notifications::{Claim, InMemoryStore, NotificationKey, NotificationStore};

fn key(n: u64) -> NotificationKey {
    NotificationKey::new(
        "BENCH_CLIENT",
        "pointsBillNotify",
        &[&format!("BILL-{n:012}")],
    )
}

async fn handle(store: &InMemoryStore, n: u64) {
    let Ok(Claim::New(claim)) = store.claim(&key(n)).await else {
        panic!("a new key is claimable");
    };
    let answer = br#"{"result":{"resultCode":"SUCCESS","resultStatus":"S"}}"#.to_vec();
    store.complete(&key(n), claim, answer).await.unwrap();
}

/// Median time per notification over 7 rounds of 2,000, with `held` records already stored.
async fn per_notification(held: u64) -> Duration {
    let store = InMemoryStore::default().with_capacity(200_000);
    for n in 0..held {
        handle(&store, n).await;
    }
    let mut next = held;
    let mut rounds = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        for _ in 0..2_000 {
            handle(&store, next).await;
            next += 1;
        }
        rounds.push(started.elapsed() / 2_000);
    }
    rounds.sort();
    rounds[3]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let baseline = runtime.block_on(per_notification(1_000));
    println!("| records held | claim + complete | ratio |");
    println!("|---|---|---|");
    println!(
        "| 1,000 | {:.2} µs | baseline |",
        baseline.as_secs_f64() * 1e6
    );
    for held in [20_000, 100_000] {
        let cost = runtime.block_on(per_notification(held));
        println!(
            "| {held} | {:.2} µs | {:.2}× |",
            cost.as_secs_f64() * 1e6,
            cost.as_secs_f64() / baseline.as_secs_f64()
        );
    }
}
