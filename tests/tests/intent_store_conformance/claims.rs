//! `claim_due`: what resume works through. Released and expired intents come back, oldest
//! deadline first, and no intent is ever handed to two resumers at once.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use alipayhk::runtime::resolve::{Begin, IntentStore, Settlement};
use tokio::sync::Barrier;

use super::harness::{Harness, assert_sorted, claim_own};
use super::holds::{fenced_off, new, superseded};

const HOUR: Duration = Duration::from_secs(3600);

/// Many resumers call `claim_due` at once until nothing is due: each released intent is
/// handed to exactly one of them. They start together (each with a connection ready, for a
/// pooled store), so that their claims of the same oldest intents overlap; several rounds.
pub async fn claim_due_never_hands_one_intent_twice<S: IntentStore>(h: &Harness<S>) {
    let store = Arc::new(h.open(HOUR).await);
    for round in 0..4 {
        let count = 48;
        let mut own = HashSet::new();
        for n in 0..count {
            // Tiny deadlines: due before anything else in a shared database.
            let intent = h.intent(&format!("exclusive-{round}"), n, 1 + n as u64 % 7);
            let token = new(store.begin(&intent).await.unwrap());
            store.release(&intent.key, token).await.unwrap();
            own.insert(intent.key);
        }
        let resumers = 16;
        let start = Arc::new(Barrier::new(resumers));
        let probe = h.key("exclusive", usize::MAX);
        let resumers = (0..resumers).map(|_| {
            let (store, start, probe) = (store.clone(), start.clone(), probe.clone());
            tokio::spawn(async move {
                store.get(&probe).await.unwrap();
                start.wait().await;
                let mut mine = Vec::new();
                loop {
                    let due = store.claim_due(3, &["pay"]).await.unwrap();
                    if due.is_empty() {
                        return mine;
                    }
                    assert!(due.len() <= 3);
                    assert_sorted(&due);
                    mine.extend(due);
                }
            })
        });
        let mut seen = HashSet::new();
        let mut claimed = Vec::new();
        for resumer in resumers.collect::<Vec<_>>() {
            for (token, record) in resumer.await.unwrap() {
                let key = record.intent.key.clone();
                assert!(
                    seen.insert(key.clone()),
                    "{}: {key:?} handed out twice",
                    h.name
                );
                claimed.push((key, token));
            }
        }
        for key in &own {
            assert!(seen.contains(key), "{}: {key:?} never handed out", h.name);
        }
        for (key, token) in claimed {
            if own.contains(&key) {
                store
                    .settle(&key, token, &Settlement::Cancelled)
                    .await
                    .unwrap();
            } else {
                // Another run's or check's: left as it was found, unsettled.
                let _ = store.release(&key, token).await;
            }
        }
    }
}

/// A released intent stays unsettled and comes back from `claim_due` (or `begin`) under a
/// larger token; the released token can write nothing. Claims come oldest deadline first.
pub async fn released_intents_are_claimed_again<S: IntentStore>(h: &Harness<S>) {
    let store = h.open(HOUR).await;
    // Written out of deadline order; claimed one at a time, they come back in it.
    let deadlines = [30, 10, 20];
    let mut tokens = Vec::new();
    for (n, deadline) in deadlines.into_iter().enumerate() {
        let intent = h.intent("released", n, deadline);
        let token = new(store.begin(&intent).await.unwrap());
        store.release(&intent.key, token).await.unwrap();
        let record = store.get(&intent.key).await.unwrap().unwrap();
        assert_eq!(record.settlement, None, "{}: released is unsettled", h.name);
        tokens.push((intent, token));
    }
    let (intent, released) = &tokens[0];
    assert!(
        superseded(store.release(&intent.key, *released).await),
        "{}",
        h.name
    );
    // One due intent a call: in the order handed out, the oldest deadline first.
    let keys: Vec<_> = tokens
        .iter()
        .map(|(intent, _)| intent.key.clone())
        .collect();
    let claimed = claim_own(&store, &keys, 1).await;
    let order: Vec<u64> = claimed
        .iter()
        .map(|(_, _, r)| r.intent.deadline_ms)
        .collect();
    assert_eq!(order, [10, 20, 30], "{}", h.name);
    for (key, token, record) in claimed {
        assert_eq!(record.settlement, None);
        let released = tokens.iter().find(|(i, _)| i.key == key).unwrap().1;
        assert!(token > released, "{}: {token} after {released}", h.name);
        fenced_off(h.name, &store, &key, released).await;
        store
            .settle(&key, token, &Settlement::Cancelled)
            .await
            .unwrap();
    }

    // And `begin` resumes a released intent the same way.
    let intent = h.intent("released", 3, 40);
    let first = new(store.begin(&intent).await.unwrap());
    store.release(&intent.key, first).await.unwrap();
    let Begin::Resumed(second, record) = store.begin(&intent).await.unwrap() else {
        panic!("{}: a released intent is resumed", h.name)
    };
    assert!(second > first, "{}", h.name);
    assert_eq!(record.intent, intent);
    fenced_off(h.name, &store, &intent.key, first).await;
    store
        .settle(&intent.key, second, &Settlement::Cancelled)
        .await
        .unwrap();
}

/// `claim_due` holds only intents of the endpoints it is asked for and leaves the rest as they
/// were: a resumer never takes, and so never delays, what it cannot settle.
pub async fn claim_due_takes_only_the_named_endpoints<S: IntentStore>(h: &Harness<S>) {
    let store = h.open(HOUR).await;
    // Endpoint names no other check or run uses, so each claim's answer is this check's alone.
    let ours = format!("ours-{}", h.key("endpoints", 0).as_str());
    let nobody = format!("nobody-{}", h.key("endpoints", 0).as_str());
    let mut keys = Vec::new();
    for n in 0..3 {
        let mut intent = h.intent("endpoints", n, 10 + n as u64);
        intent.endpoint = ours.clone();
        let token = new(store.begin(&intent).await.unwrap());
        store.release(&intent.key, token).await.unwrap();
        keys.push(intent.key);
    }
    assert!(
        store.claim_due(10, &[]).await.unwrap().is_empty(),
        "{}",
        h.name
    );
    let elsewhere = store.claim_due(10, &[&nobody]).await.unwrap();
    assert!(elsewhere.is_empty(), "{}: took {elsewhere:?}", h.name);
    // Still due: the claims above left them free.
    let claimed = store.claim_due(10, &[&nobody, &ours]).await.unwrap();
    assert_sorted(&claimed);
    let claimed_keys: Vec<_> = claimed.iter().map(|(_, r)| r.intent.key.clone()).collect();
    assert_eq!(claimed_keys, keys, "{}", h.name);
    for (token, record) in claimed {
        assert_eq!(record.intent.endpoint, ours);
        store
            .settle(&record.intent.key, token, &Settlement::Cancelled)
            .await
            .unwrap();
    }
}

/// Rows this version cannot read (a newer version's, after a rollback) are left alone by
/// `claim_due`, neither fatal to it nor in the way: the due intents behind them are still
/// handed out, as many as asked for, however many unreadable rows come first. So such rows
/// cannot stop every resume in every process.
pub async fn unreadable_rows_hold_up_no_other<S: IntentStore>(h: &Harness<S>) {
    let Some(garble) = &h.garble else {
        return;
    };
    let store = h.open(HOUR).await;
    // An endpoint no other check claims, so the unreadable rows are this check's alone.
    let endpoint = format!("garbled-{}", h.key("garbled", 0).as_str());
    let mut keys = Vec::new();
    for n in 0..5 {
        let mut intent = h.intent("garbled", n, 10 + n as u64);
        intent.endpoint = endpoint.clone();
        let token = new(store.begin(&intent).await.unwrap());
        store.release(&intent.key, token).await.unwrap();
        keys.push(intent.key);
    }
    // The three oldest, the first every claim would take: more than one claim asks for.
    for key in &keys[..3] {
        garble(key.clone()).await;
    }
    let claimed = store.claim_due(2, &[&endpoint]).await;
    let claimed = claimed.unwrap_or_else(|e| panic!("{}: {e:?}", h.name));
    let claimed_keys: Vec<_> = claimed.iter().map(|(_, r)| r.intent.key.clone()).collect();
    assert_eq!(claimed_keys, keys[3..], "{}", h.name);
    for (token, record) in claimed {
        store
            .settle(&record.intent.key, token, &Settlement::Cancelled)
            .await
            .unwrap();
    }
    if let Some(forget) = &h.forget {
        for key in &keys[..3] {
            forget(key.clone()).await;
        }
    }
}
