//! What outlives the store's process and its database's troubles: intents and their tokens
//! through a restart, and tokens that never repeat even when a row is lost.

use std::time::Duration;

use alipayhk::runtime::resolve::{Begin, IntentStore, Settlement};

use super::harness::{FAR, Harness, Restart, claim_own, run};
use super::holds::{fenced_off, new, superseded};

const HOUR: Duration = Duration::from_secs(3600);

/// A row lost by the database (a restored backup, a failover to a replica that never received
/// it) and then begun again: the new token is larger than any the lost row handed out, so its
/// old holder, still running, stays fenced off. A per-key counter would start again from 1.
pub async fn tokens_never_repeat_after_a_row_is_lost<S: IntentStore>(h: &Harness<S>) {
    let Some(forget) = &h.forget else {
        return;
    };
    let store = h.open(HOUR).await;
    let intent = h.intent("lost", 0, FAR);
    let mut held = new(store.begin(&intent).await.unwrap());
    for _ in 0..3 {
        store.release(&intent.key, held).await.unwrap();
        let Begin::Resumed(token, _) = store.begin(&intent).await.unwrap() else {
            panic!("{}: resumed", h.name)
        };
        held = token;
    }
    forget(intent.key.clone()).await;
    let again = new(store.begin(&intent).await.unwrap());
    assert!(again > held, "{}: {again} after the lost {held}", h.name);
    fenced_off(h.name, &store, &intent.key, held).await;
    // Lost again, after a notification settled it (which takes a token of its own).
    assert!(
        store
            .settle_from_notification(&intent.key, &Settlement::Cancelled)
            .await
            .unwrap()
    );
    forget(intent.key.clone()).await;
    let last = new(store.begin(&intent).await.unwrap());
    assert!(last > again, "{}: {last} after the lost {again}", h.name);
    store
        .settle(&intent.key, last, &Settlement::Cancelled)
        .await
        .unwrap();
}

/// The database restarts (or SQLite's file is opened anew) mid-test: settled, held and
/// released intents all survive it with their tokens, and the store works again once the
/// server is back, without being opened anew.
pub async fn restart_keeps_intents_and_tokens<S: IntentStore>(h: &Harness<S>) {
    let command = match &h.restart {
        Restart::None => return,
        Restart::Reopen => None,
        Restart::Command(command) => Some(command.clone()),
    };
    let store = h.open(HOUR).await;
    let done = Settlement::Done(b"before".to_vec());
    let (settled, held, released) = (
        h.intent("restart", 0, FAR),
        h.intent("restart", 1, FAR),
        // Due before anything else, so `claim_due` finds it at once after the restart.
        h.intent("restart", 2, 0),
    );
    let token = new(store.begin(&settled).await.unwrap());
    store.settle(&settled.key, token, &done).await.unwrap();
    let holding = new(store.begin(&held).await.unwrap());
    let token = new(store.begin(&released).await.unwrap());
    store.release(&released.key, token).await.unwrap();
    let store = match command {
        Some(command) => {
            tokio::task::spawn_blocking(move || run(&command))
                .await
                .unwrap();
            store
        }
        None => {
            drop(store);
            h.open(HOUR).await
        }
    };
    // The first call after a restart may meet a dead connection; the store must recover on
    // its own within a few seconds.
    let mut after = store.begin(&settled).await;
    for _ in 0..50 {
        if after.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = store.begin(&settled).await;
    }
    assert_eq!(after.unwrap(), Begin::Settled(done), "{}", h.name);
    assert_eq!(store.begin(&held).await.unwrap(), Begin::Held, "{}", h.name);
    assert!(superseded(store.renew(&held.key, holding.next()).await));
    store.renew(&held.key, holding).await.unwrap();
    store
        .settle(&held.key, holding, &Settlement::Cancelled)
        .await
        .unwrap();
    let claimed = claim_own(&store, std::slice::from_ref(&released.key), 16).await;
    let (_, again, record) = &claimed[0];
    assert!(*again > token, "{}: {again} after {token}", h.name);
    assert_eq!(record.intent, released, "{}", h.name);
    store
        .settle(&released.key, *again, &Settlement::Cancelled)
        .await
        .unwrap();
}
