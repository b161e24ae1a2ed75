//! No captured delivery of a notification can make its handler succeed twice, at any time:
//! a property over AlipayHK's re-delivery schedule, lost deliveries and lost answers, clock
//! skew between AlipayHK and us, and an attacker who replays any captured delivery at any
//! later time, on a simulated clock (tokio's paused time for the store, the same instant as
//! wall time for the `Request-Time` check).
//!
//! Two guarantees, two properties:
//!
//! - for **any** maximum age, and any retention that covers AlipayHK's retry span, a replay
//!   of a delivery that reached our server never runs the handler again: the router caps the
//!   age at `retention - max_skew` (`accepted_age`), and each use of a record extends it;
//! - with the **default** retention (50 h) and maximum age (25 h), not even a delivery that
//!   never reached us (lost in transit, captured on the way) can be replayed after its
//!   record is gone.

#![cfg(feature = "server")]

use std::time::Duration;

use alipayhk_runtime::notifications::{
    ALIPAYHK_RETRY_SPAN, Claim, DEFAULT_RETENTION, InMemoryStore, NotificationKey,
    NotificationStore, accepted_age,
};
use alipayhk_runtime::request_time::Freshness;
use alipayhk_runtime::{EpochMillis, wire};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// AlipayHK's deliveries of one notification, in minutes after the first.
const SCHEDULE_MIN: [u64; 8] = [0, 2, 12, 22, 82, 202, 562, 1462];
const MINUTE: u64 = 60_000;
/// Our wall clock at the simulation's start.
const EPOCH_MS: i64 = 1_800_000_000_000;

#[derive(Debug, Clone)]
struct Case {
    retention_min: u64,
    max_age_min: u64,
    /// AlipayHK's clock minus ours, within the allowed skew.
    alipayhk_offset_ms: i64,
    /// Whether a re-delivery keeps the first delivery's `Request-Time` (unknown which
    /// AlipayHK does, so both).
    keeps_first_time: bool,
    /// Per scheduled delivery: lost on the way to us, its answer lost on the way back,
    /// transit time.
    deliveries: Vec<(bool, bool, u64)>,
    /// The handler's answers to its runs: `true` is `S`.
    handler_succeeds: Vec<bool>,
    /// Replays: which delivery, how long after it was sent (minutes).
    replays: Vec<(usize, u64)>,
}

fn case(default_config: bool) -> impl Strategy<Value = Case> {
    let (retention, max_age) = if default_config {
        (
            Just(DEFAULT_RETENTION.as_secs() / 60).boxed(),
            Just(Freshness::default().max_age.as_secs() / 60).boxed(),
        )
    } else {
        // Any maximum age, and any retention that covers AlipayHK's own re-deliveries (the
        // last is 1,462 min after the first, plus up to a minute in transit).
        ((1464u64..6000).boxed(), (1u64..6000).boxed())
    };
    (
        retention,
        max_age,
        -300_000i64..300_000,
        any::<bool>(),
        proptest::collection::vec((any::<bool>(), any::<bool>(), 0u64..60_000), 8),
        proptest::collection::vec(any::<bool>(), 1..6),
        proptest::collection::vec((0usize..8, 0u64..6000), 0..12),
    )
        .prop_map(
            |(retention_min, max_age_min, offset, keeps, deliveries, handler, replays)| Case {
                retention_min,
                max_age_min,
                alipayhk_offset_ms: offset,
                keeps_first_time: keeps,
                deliveries,
                handler_succeeds: handler,
                replays,
            },
        )
}

/// An arrival at our server: when (ms after the start), its `Request-Time`, and whether it
/// is one of AlipayHK's own deliveries (by index) whose answer AlipayHK reads.
#[derive(Debug, Clone, Copy)]
struct Arrival {
    at: u64,
    request_time: i64,
    scheduled: Option<usize>,
}

/// Runs one case; the number of handler runs that answered `S`.
async fn run(case: &Case, replay_lost_deliveries: bool) -> usize {
    let retention = Duration::from_secs(case.retention_min * 60);
    let store = InMemoryStore::with_retention(retention);
    let mut freshness = Freshness {
        max_age: Duration::from_secs(case.max_age_min * 60),
        ..Freshness::default()
    };
    freshness.max_age = accepted_age(freshness, retention);
    let key = NotificationKey::new("TEST_CLIENT", "pointsBillNotify", &["B-1"]);
    let sent_at = |i: usize| SCHEDULE_MIN[i] * MINUTE;
    let signed_at = |i: usize| {
        let i = if case.keeps_first_time { 0 } else { i };
        EPOCH_MS + sent_at(i) as i64 + case.alipayhk_offset_ms
    };
    // AlipayHK's deliveries happen one after another until an `S` reaches it; replays are
    // known up front, but only of deliveries that were sent by then.
    let mut arrivals: Vec<Arrival> = Vec::new();
    let mut next_scheduled = Some(0usize);
    let mut now = 0u64;
    let mut successes = 0;
    let mut handler_runs = 0usize;
    loop {
        if let Some(i) = next_scheduled.take() {
            let (lost, _, transit) = case.deliveries[i];
            if !lost {
                arrivals.push(Arrival {
                    at: sent_at(i) + transit,
                    request_time: signed_at(i),
                    scheduled: Some(i),
                });
            } else if i + 1 < SCHEDULE_MIN.len() {
                next_scheduled = Some(i + 1);
            }
            for &(which, after_min) in &case.replays {
                let (lost, ..) = case.deliveries[which];
                if which == i && (replay_lost_deliveries || !lost) {
                    arrivals.push(Arrival {
                        at: sent_at(i) + after_min * MINUTE,
                        request_time: signed_at(i),
                        scheduled: None,
                    });
                }
            }
            continue;
        }
        arrivals.sort_by_key(|a| a.at);
        let Some(arrival) = (!arrivals.is_empty()).then(|| arrivals.remove(0)) else {
            break;
        };
        tokio::time::advance(Duration::from_millis(arrival.at - now)).await;
        now = arrival.at;
        let wall = std::time::SystemTime::from(EpochMillis::from(EPOCH_MS + now as i64));
        let time = arrival.request_time.to_string();
        let answered_s = if freshness.check(wire::REQUEST_TIME, &time, wall).is_err() {
            false // refused by its age: answered U
        } else {
            match store.claim(&key).await.unwrap() {
                Claim::Answered(_) => true,
                Claim::InProgress => false,
                Claim::New(token) => {
                    let succeeds =
                        case.handler_succeeds[handler_runs % case.handler_succeeds.len()];
                    handler_runs += 1;
                    if succeeds {
                        successes += 1;
                        store.complete(&key, token, b"S".to_vec()).await.unwrap();
                    } else {
                        store.release(&key, token).await.unwrap();
                    }
                    succeeds
                }
            }
        };
        if let Some(i) = arrival.scheduled {
            let (_, answer_lost, _) = case.deliveries[i];
            if (!answered_s || answer_lost) && i + 1 < SCHEDULE_MIN.len() {
                next_scheduled = Some(i + 1);
            }
        }
    }
    successes
}

fn check(default_config: bool, replay_lost_deliveries: bool, cases: u32) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&case(default_config), |case| {
            let successes = runtime.block_on(run(&case, replay_lost_deliveries));
            prop_assert!(successes <= 1, "the handler succeeded {} times", successes);
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_delivery_that_reached_us_never_runs_twice_whatever_the_age() {
    check(false, false, 512);
}

#[test]
fn with_the_defaults_no_captured_delivery_ever_runs_twice() {
    assert!(
        DEFAULT_RETENTION
            >= ALIPAYHK_RETRY_SPAN + Freshness::default().max_age + Freshness::default().max_skew
    );
    check(true, true, 512);
}

/// The property can fail: with a retention shorter than the span and the age, a delivery
/// that never reached us is replayed after its record is gone.
#[test]
fn a_short_retention_does_let_a_lost_delivery_through() {
    let case = Case {
        retention_min: 60,
        max_age_min: 30,
        alipayhk_offset_ms: 0,
        keeps_first_time: false,
        // The first arrives and succeeds but its answer is lost; the next four are lost on
        // the way, and the fifth (82 min, after the record is gone) is captured and replayed
        // a minute later.
        deliveries: std::iter::once((false, true, 0))
            .chain(std::iter::repeat_n((true, false, 0), 4))
            .chain(std::iter::repeat_n((false, false, 0), 3))
            .collect(),
        handler_succeeds: vec![true],
        replays: vec![(4, 1)],
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    assert!(runtime.block_on(run(&case, true)) >= 2);
}
