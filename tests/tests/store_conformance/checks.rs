//! The contract of `NotificationStore`, check by check; each store runs them all in turn.

use std::sync::Arc;
use std::time::Duration;

use alipayhk::runtime::notifications::{Claim, FenceToken, NotificationStore, StoreError};

use super::SLACK;
use super::harness::{Harness, Restart, run};

const HOUR: Duration = Duration::from_secs(3600);

fn taken(claim: Claim) -> FenceToken {
    match claim {
        Claim::New(token) => token,
        other => panic!("expected a new claim, got {other:?}"),
    }
}

fn superseded(result: Result<(), StoreError>) -> bool {
    matches!(result, Err(StoreError::Superseded { .. }))
}

pub async fn all<S: NotificationStore>(h: &Harness<S>) {
    atomic_claim(h).await;
    renewal_keeps_a_live_claim(h).await;
    takeover_after_expiry_and_fencing(h).await;
    only_the_holder_releases(h).await;
    only_s_is_final(h).await;
    retention_and_extension(h).await;
    if let Some(capacity) = h.capacity {
        capacity_refuses_new_keys_only(h, capacity).await;
    }
    restart_keeps_answers_and_tokens(h).await;
    tokens_never_repeat_after_a_record_is_lost(h).await;
}

/// Of many concurrent claims on one key, exactly one takes it.
async fn atomic_claim<S: NotificationStore>(h: &Harness<S>) {
    let store = Arc::new(h.open(HOUR, HOUR).await);
    for n in 0..5 {
        let key = h.key("atomic", n);
        let claims = (0..32).map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.claim(&key).await.unwrap() })
        });
        let mut new = 0;
        for claim in claims {
            match claim.await.unwrap() {
                Claim::New(_) => new += 1,
                Claim::InProgress => {}
                Claim::Answered(_) => panic!("{}: answered before anything was completed", h.name),
            }
        }
        assert_eq!(
            new, 1,
            "{}: {new} of 32 concurrent claims took key {n}",
            h.name
        );
    }
}

/// A holder that renews keeps its claim well past one lease.
async fn renewal_keeps_a_live_claim<S: NotificationStore>(h: &Harness<S>) {
    let lease = Duration::from_millis(1200);
    let store = h.open(lease, HOUR).await;
    let key = h.key("renewal", 0);
    let token = taken(store.claim(&key).await.unwrap());
    for _ in 0..6 {
        tokio::time::sleep(lease / 3).await;
        store.renew(&key, token).await.unwrap();
        assert_eq!(
            store.claim(&key).await.unwrap(),
            Claim::InProgress,
            "{}",
            h.name
        );
    }
    store.complete(&key, token, b"S".to_vec()).await.unwrap();
}

/// An unrenewed lease runs out, the key is taken over with a larger token, and the first
/// holder's renew, complete and release are all refused.
async fn takeover_after_expiry_and_fencing<S: NotificationStore>(h: &Harness<S>) {
    let lease = Duration::from_millis(600);
    let store = h.open(lease, HOUR).await;
    let key = h.key("takeover", 0);
    let first = taken(store.claim(&key).await.unwrap());
    assert_eq!(store.claim(&key).await.unwrap(), Claim::InProgress);
    tokio::time::sleep(lease + SLACK).await;
    let second = taken(store.claim(&key).await.unwrap());
    assert!(second > first, "{}: {second} after {first}", h.name);
    assert!(superseded(store.renew(&key, first).await), "{}", h.name);
    assert!(
        superseded(store.complete(&key, first, b"late".to_vec()).await),
        "{}",
        h.name
    );
    assert!(superseded(store.release(&key, first).await), "{}", h.name);
    // The late writes changed nothing: the second holder still holds it.
    assert_eq!(
        store.claim(&key).await.unwrap(),
        Claim::InProgress,
        "{}",
        h.name
    );
    store
        .complete(&key, second, b"second".to_vec())
        .await
        .unwrap();
    assert_eq!(
        store.claim(&key).await.unwrap(),
        Claim::Answered(b"second".to_vec())
    );
    // Tokens keep growing through releases too.
    let key = h.key("takeover", 1);
    let mut last = FenceToken::new(0);
    for _ in 0..5 {
        let token = taken(store.claim(&key).await.unwrap());
        assert!(token > last, "{}: {token} after {last}", h.name);
        store.release(&key, token).await.unwrap();
        last = token;
    }
}

/// A release under another token changes nothing; the holder's frees the key.
async fn only_the_holder_releases<S: NotificationStore>(h: &Harness<S>) {
    let store = h.open(HOUR, HOUR).await;
    let key = h.key("release", 0);
    let token = taken(store.claim(&key).await.unwrap());
    assert!(
        superseded(store.release(&key, token.next()).await),
        "{}",
        h.name
    );
    assert!(
        superseded(store.release(&key, FenceToken::new(0)).await),
        "{}",
        h.name
    );
    assert_eq!(
        store.claim(&key).await.unwrap(),
        Claim::InProgress,
        "{}",
        h.name
    );
    store.release(&key, token).await.unwrap();
    // Released twice is superseded: it is no longer claimed.
    assert!(superseded(store.release(&key, token).await), "{}", h.name);
    let again = taken(store.claim(&key).await.unwrap());
    assert!(again > token);
}

/// Only a completed answer is final; after a release the next claim runs again.
async fn only_s_is_final<S: NotificationStore>(h: &Harness<S>) {
    let store = h.open(HOUR, HOUR).await;
    let key = h.key("final", 0);
    let token = taken(store.claim(&key).await.unwrap());
    store.release(&key, token).await.unwrap();
    let token = taken(store.claim(&key).await.unwrap());
    let answer = br#"{"result":{"resultStatus":"S"}}"#.to_vec();
    store.complete(&key, token, answer.clone()).await.unwrap();
    for _ in 0..3 {
        assert_eq!(
            store.claim(&key).await.unwrap(),
            Claim::Answered(answer.clone())
        );
    }
    // Completed is final: a second complete, even by the same token, is refused.
    assert!(
        superseded(store.complete(&key, token, b"other".to_vec()).await),
        "{}",
        h.name
    );
    assert_eq!(store.claim(&key).await.unwrap(), Claim::Answered(answer));
}

/// A record is forgotten a retention after its last use, and answering from it is a use.
async fn retention_and_extension<S: NotificationStore>(h: &Harness<S>) {
    let retention = Duration::from_millis(2000);
    let store = h.open(HOUR, retention).await;
    let key = h.key("retention", 0);
    let token = taken(store.claim(&key).await.unwrap());
    store.complete(&key, token, b"S".to_vec()).await.unwrap();
    // Answered at 1.2 s: the record now lives to 3.2 s, past its first 2 s.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        store.claim(&key).await.unwrap(),
        Claim::Answered(b"S".to_vec()),
        "{}",
        h.name
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        store.claim(&key).await.unwrap(),
        Claim::Answered(b"S".to_vec()),
        "{}: answering from a record must extend it",
        h.name
    );
    // Unused for a whole retention: forgotten.
    tokio::time::sleep(retention + SLACK).await;
    let key_other = h.key("retention", 1);
    taken(store.claim(&key_other).await.unwrap());
    taken(store.claim(&key).await.unwrap());
}

/// A full store refuses new keys, and still answers the keys it has.
async fn capacity_refuses_new_keys_only<S: NotificationStore>(h: &Harness<S>, capacity: usize) {
    let store = h.open(HOUR, HOUR).await;
    for n in 0..capacity {
        let key = h.key("capacity", n);
        let token = taken(store.claim(&key).await.unwrap());
        store.complete(&key, token, vec![n as u8]).await.unwrap();
    }
    let refused = store.claim(&h.key("capacity", capacity)).await;
    assert!(
        matches!(refused, Err(StoreError::Full { .. })),
        "{}: {refused:?}",
        h.name
    );
    for n in [0, capacity / 2, capacity - 1] {
        assert_eq!(
            store.claim(&h.key("capacity", n)).await.unwrap(),
            Claim::Answered(vec![n as u8])
        );
    }
}

/// The database restarts mid-test: answers and claims (with their tokens) survive it, and
/// the store works again once the server is back, without being opened anew.
async fn restart_keeps_answers_and_tokens<S: NotificationStore>(h: &Harness<S>) {
    let command = match &h.restart {
        Restart::None => return,
        Restart::Reopen => None,
        Restart::Command(command) => Some(command.clone()),
    };
    let store = h.open(HOUR, HOUR).await;
    let (answered, claimed) = (h.key("restart", 0), h.key("restart", 1));
    let token = taken(store.claim(&answered).await.unwrap());
    store
        .complete(&answered, token, b"before".to_vec())
        .await
        .unwrap();
    let held = taken(store.claim(&claimed).await.unwrap());
    let store = match command {
        Some(command) => {
            tokio::task::spawn_blocking(move || run(&command))
                .await
                .unwrap();
            store
        }
        None => {
            drop(store);
            h.open(HOUR, HOUR).await
        }
    };
    // The first call after a restart may meet a dead connection (answered U in production);
    // the store must recover on its own within a few seconds.
    let mut after = store.claim(&answered).await;
    for _ in 0..50 {
        if after.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = store.claim(&answered).await;
    }
    assert_eq!(
        after.unwrap(),
        Claim::Answered(b"before".to_vec()),
        "{}",
        h.name
    );
    assert_eq!(
        store.claim(&claimed).await.unwrap(),
        Claim::InProgress,
        "{}",
        h.name
    );
    assert!(superseded(
        store.complete(&claimed, held.next(), b"x".to_vec()).await
    ));
    store.renew(&claimed, held).await.unwrap();
    store
        .complete(&claimed, held, b"after".to_vec())
        .await
        .unwrap();
    assert_eq!(
        store.claim(&claimed).await.unwrap(),
        Claim::Answered(b"after".to_vec())
    );
}

/// A record lost by the database (evicted, or never replicated before a failover) and then
/// claimed again: the new claim's token is larger than any the lost record handed out, so
/// the old holder, still running, stays fenced off. A per-key counter would start again
/// from 1 here and hand the new holder a token the old one can still write with.
async fn tokens_never_repeat_after_a_record_is_lost<S: NotificationStore>(h: &Harness<S>) {
    let Some(forget) = &h.forget else {
        return;
    };
    let store = h.open(HOUR, HOUR).await;
    let key = h.key("lost", 0);
    let mut held = taken(store.claim(&key).await.unwrap());
    for _ in 0..3 {
        store.release(&key, held).await.unwrap();
        held = taken(store.claim(&key).await.unwrap());
    }
    forget(key).await;
    let again = taken(store.claim(&key).await.unwrap());
    assert!(again > held, "{}: {again} after the lost {held}", h.name);
    assert!(superseded(store.renew(&key, held).await), "{}", h.name);
    assert!(
        superseded(store.complete(&key, held, b"old".to_vec()).await),
        "{}",
        h.name
    );
    store.complete(&key, again, b"new".to_vec()).await.unwrap();
    assert_eq!(
        store.claim(&key).await.unwrap(),
        Claim::Answered(b"new".to_vec()),
        "{}",
        h.name
    );
}
