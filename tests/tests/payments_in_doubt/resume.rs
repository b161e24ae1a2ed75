//! `resume`: what a dead process left, settled by the next, many at once.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use alipayhk::PayRequest;
use alipayhk::runtime::resolve::{
    Begin, Intent, IntentKey, IntentStore, MemoryIntentStore, ResolvePolicy, Resolver, Settlement,
};
use alipayhk_gateway::{Fault, PaymentState};

use super::support::{CLIENT_ID, Fixture, fixture};
use super::watched_store::Watched;
use super::{fault, intent_written, pay, quick, resolver, state, store};

/// Waits until the gateway has taken payment `id`.
async fn sent(f: &Fixture, id: &str) {
    for _ in 0..500 {
        if state(f, id).is_some() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{id}: not sent after 5 s");
}

/// Starts paying each of `ids` at once (those named `P…` are waited for until the gateway took
/// them) and dies, as a process does, with every call mid-procedure (each waits 10 s before
/// its first read, so none settles first); returns once their holds ran out.
async fn start_and_die(f: &Fixture, shared: &Arc<MemoryIntentStore>, ids: &[&str]) {
    let patient = ResolvePolicy {
        initial_backoff: Duration::from_secs(10),
        max_backoff: Duration::from_secs(10),
        ..quick()
    };
    let mut running = Vec::new();
    for id in ids {
        let r = resolver(f, shared.clone()).policy(patient);
        let request = pay(f, id);
        running.push(tokio::spawn(async move { r.execute(&request).await }));
    }
    for id in ids {
        intent_written(shared, id).await;
        if id.starts_with("P") {
            sent(f, id).await;
        }
    }
    for call in running {
        call.abort();
    }
    tokio::time::sleep(Duration::from_millis(2100)).await;
}

/// `resume` claims the next intent as soon as one ends, up to 32 at once. The oldest intent
/// here is a payment every call about which answers `U`, so its cancel is tried for the whole
/// window (3 s); the 40 paid meanwhile all end before it, the 33rd included.
#[tokio::test]
async fn resume_settles_the_rest_while_its_slowest_intent_is_still_cancelling() {
    let f = fixture().await;
    let shared = store();
    let u = Fault::Result {
        code: "UNKNOWN_EXCEPTION".into(),
        status: "U".into(),
        message: None,
    };
    f.gateway.faults().script("R-dark", u, None);
    let paid: Vec<String> = (0..40).map(|n| format!("P-{n:02}")).collect();
    for id in &paid {
        fault(&f, id, Fault::Processing { millis: 300 });
    }
    let mut ids = vec!["R-dark"];
    ids.extend(paid.iter().map(String::as_str));
    start_and_die(&f, &shared, &ids).await;

    let resumer = resolver(&f, shared).policy(ResolvePolicy {
        cancel_window: Duration::from_secs(3),
        ..quick()
    });
    let report = resumer.resume().await.unwrap();
    assert_eq!(report.len(), 41, "{report:?}");
    let (last, rest) = report.split_last().unwrap();
    assert_eq!(last.key, IntentKey::new(CLIENT_ID, "pay", &["R-dark"]));
    assert!(
        matches!(last.settlement, Settlement::Unresolved(_)),
        "{last:?}"
    );
    for resumed in rest {
        assert!(
            matches!(resumed.settlement, Settlement::Done(_)),
            "{resumed:?}"
        );
    }
    for id in &paid {
        assert_eq!(state(&f, id), Some(PaymentState::Paid), "{id}");
    }
}

/// `resume` claims only intents of the endpoints registered on it. 40 older intents of
/// another endpoint (another process's calls) are left as they were, and hold up nothing.
#[tokio::test]
async fn resume_leaves_other_endpoints_intents_and_settles_its_own() {
    let f = fixture().await;
    let shared = store();
    for n in 0..40 {
        let intent = Intent {
            key: IntentKey::new(CLIENT_ID, "refund", &[&format!("F-{n}")]),
            endpoint: "refund".to_owned(),
            request: b"{}".to_vec(),
            deadline_ms: n,
        };
        let Begin::New(token) = shared.begin(&intent).await.unwrap() else {
            panic!("a new intent")
        };
        shared.release(&intent.key, token).await.unwrap();
    }
    fault(&f, "P-mine", Fault::Processing { millis: 300 });
    start_and_die(&f, &shared, &["P-mine"]).await;

    let report = resolver(&f, shared.clone()).resume().await.unwrap();
    assert_eq!(report.len(), 1, "{report:?}");
    assert!(
        matches!(report[0].settlement, Settlement::Done(_)),
        "{report:?}"
    );
    assert_eq!(state(&f, "P-mine"), Some(PaymentState::Paid));
    // Still due, for a resolver that has registered `refund`.
    let left = shared.claim_due(100, &["refund"]).await.unwrap();
    assert_eq!(left.len(), 40);
}

/// `resume` holds at most 32 intents at once, however many are due: the rest wait in the
/// store, free for another process to share.
#[tokio::test]
async fn resume_holds_at_most_32_intents_at_once() {
    let f = fixture().await;
    let shared = store();
    let ids: Vec<String> = (0..45).map(|n| format!("P-many-{n:02}")).collect();
    for id in &ids {
        fault(&f, id, Fault::Processing { millis: 300 });
    }
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    start_and_die(&f, &shared, &ids).await;

    let watched = Watched::around(shared);
    let client = f
        .builder()
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let resumer = Resolver::new(client, watched.clone())
        .policy(quick())
        .register::<PayRequest>();
    let report = resumer.resume().await.unwrap();
    assert_eq!(report.len(), 45, "{report:?}");
    assert!(
        report
            .iter()
            .all(|r| matches!(r.settlement, Settlement::Done(_)))
    );
    assert_eq!(watched.most_held.load(Ordering::SeqCst), 32);
}
