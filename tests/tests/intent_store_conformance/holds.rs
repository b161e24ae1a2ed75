//! Holds: `begin` takes an intent once, a lease that runs out is taken over with a larger
//! token, and a superseded holder can write nothing; the request written first is the one
//! every resumer gets.

use std::sync::Arc;
use std::time::Duration;

use alipayhk::runtime::resolve::{
    Begin, FenceToken, IntentKey, IntentStore, Settlement, Stage, StoreError,
};

use super::SLACK;
use super::harness::{FAR, Harness, claim_own};

const HOUR: Duration = Duration::from_secs(3600);

pub fn new(begin: Begin) -> FenceToken {
    match begin {
        Begin::New(token) => token,
        other => panic!("expected a new intent, got {other:?}"),
    }
}

pub fn superseded(result: Result<(), StoreError>) -> bool {
    matches!(result, Err(StoreError::Superseded { .. }))
}

/// Every fenced write under `token` is refused.
pub async fn fenced_off<S: IntentStore>(name: &str, store: &S, key: &IntentKey, token: FenceToken) {
    assert!(superseded(store.renew(key, token).await), "{name}: renew");
    assert!(
        superseded(store.advance(key, token, Stage::Cancelling).await),
        "{name}: advance"
    );
    assert!(
        superseded(store.settle(key, token, &Settlement::Cancelled).await),
        "{name}: settle"
    );
    assert!(
        superseded(store.release(key, token).await),
        "{name}: release"
    );
}

/// Of many concurrent begins of one intent, exactly one gets `New`; the others find it held.
pub async fn concurrent_begins_take_it_once<S: IntentStore>(h: &Harness<S>) {
    let store = Arc::new(h.open(HOUR).await);
    for n in 0..5 {
        let intent = h.intent("concurrent", n, FAR);
        let begins = (0..32).map(|_| {
            let (store, intent) = (store.clone(), intent.clone());
            tokio::spawn(async move { store.begin(&intent).await.unwrap() })
        });
        let mut new = Vec::new();
        for begin in begins {
            match begin.await.unwrap() {
                Begin::New(token) => new.push(token),
                Begin::Held => {}
                other => panic!("{}: {other:?} from a concurrent begin", h.name),
            }
        }
        assert_eq!(
            new.len(),
            1,
            "{}: {} of 32 begins took intent {n}",
            h.name,
            new.len()
        );
        store
            .settle(&intent.key, new[0], &Settlement::Cancelled)
            .await
            .unwrap();
    }
}

/// A holder that renews keeps its intent well past one lease.
pub async fn renewal_keeps_a_live_hold<S: IntentStore>(h: &Harness<S>) {
    let lease = Duration::from_millis(1200);
    let store = h.open(lease).await;
    let intent = h.intent("renewal", 0, FAR);
    let token = new(store.begin(&intent).await.unwrap());
    for _ in 0..6 {
        tokio::time::sleep(lease / 3).await;
        store.renew(&intent.key, token).await.unwrap();
        assert_eq!(
            store.begin(&intent).await.unwrap(),
            Begin::Held,
            "{}",
            h.name
        );
    }
    store
        .settle(&intent.key, token, &Settlement::Cancelled)
        .await
        .unwrap();
}

/// An unrenewed lease runs out; `begin` (and `claim_due`) take the intent over with a larger
/// token, and the first holder's renew, advance, settle and release are all refused, changing
/// nothing.
pub async fn takeover_after_expiry_fences_the_old_holder<S: IntentStore>(h: &Harness<S>) {
    let lease = Duration::from_millis(600);
    let store = h.open(lease).await;
    let intent = h.intent("takeover", 0, FAR);
    let first = new(store.begin(&intent).await.unwrap());
    store
        .advance(&intent.key, first, Stage::Cancelling)
        .await
        .unwrap();
    assert_eq!(
        store.begin(&intent).await.unwrap(),
        Begin::Held,
        "{}",
        h.name
    );
    tokio::time::sleep(lease + SLACK).await;
    let Begin::Resumed(second, record) = store.begin(&intent).await.unwrap() else {
        panic!("{}: not resumed after its lease ran out", h.name)
    };
    assert!(second > first, "{}: {second} after {first}", h.name);
    assert_eq!(record.intent, intent, "{}", h.name);
    assert_eq!(
        record.stage,
        Stage::Cancelling,
        "{}: where it was left",
        h.name
    );
    assert_eq!(record.settlement, None);
    fenced_off(h.name, &store, &intent.key, first).await;
    // The late writes changed nothing: unsettled, where it was, and the second holder's.
    let stored = store.get(&intent.key).await.unwrap().unwrap();
    assert_eq!(
        (stored.stage, stored.settlement),
        (Stage::Cancelling, None),
        "{}",
        h.name
    );
    store.renew(&intent.key, second).await.unwrap();
    assert_eq!(
        store.begin(&intent).await.unwrap(),
        Begin::Held,
        "{}",
        h.name
    );

    // `claim_due` takes over an expired lease too, and fences the holder off the same way.
    tokio::time::sleep(lease + SLACK).await;
    let claimed = claim_own(&store, std::slice::from_ref(&intent.key), 16).await;
    let third = claimed[0].1;
    assert!(third > second, "{}: {third} after {second}", h.name);
    fenced_off(h.name, &store, &intent.key, second).await;
    store
        .settle(&intent.key, third, &Settlement::Cancelled)
        .await
        .unwrap();
}

/// Settled is final: `begin` answers how, and no write changes it, the holder's included.
pub async fn settled_is_final<S: IntentStore>(h: &Harness<S>) {
    let store = h.open(HOUR).await;
    let settlements = [
        Settlement::Done(br#"{"paymentStatus":"SUCCESS"}"#.to_vec()),
        Settlement::Failed(br#"{"resultStatus":"F","resultCode":"ORDER_CLOSED"}"#.to_vec()),
        Settlement::Cancelled,
        Settlement::Unresolved("the cancel was not confirmed".to_owned()),
    ];
    for (n, settlement) in settlements.into_iter().enumerate() {
        let intent = h.intent("final", n, FAR);
        let token = new(store.begin(&intent).await.unwrap());
        store
            .advance(&intent.key, token, Stage::Cancelling)
            .await
            .unwrap();
        store.settle(&intent.key, token, &settlement).await.unwrap();
        for _ in 0..2 {
            assert_eq!(
                store.begin(&intent).await.unwrap(),
                Begin::Settled(settlement.clone()),
                "{}",
                h.name
            );
        }
        // Settling again, even by the same token, is refused; so is a notification's word.
        fenced_off(h.name, &store, &intent.key, token).await;
        assert!(
            !store
                .settle_from_notification(&intent.key, &Settlement::Cancelled)
                .await
                .unwrap()
        );
        let stored = store.get(&intent.key).await.unwrap().unwrap();
        assert_eq!(stored.settlement, Some(settlement), "{}", h.name);
        assert_eq!(stored.stage, Stage::Cancelling, "{}", h.name);
        assert_eq!(stored.intent, intent, "{}", h.name);
    }
}

/// A notification settles an unsettled intent whoever holds it, and the holder is fenced off;
/// it changes nothing for an absent or settled one, or one being cancelled.
pub async fn a_notification_settles_whoever_holds<S: IntentStore>(h: &Harness<S>) {
    let store = h.open(HOUR).await;
    let done = Settlement::Done(br#"{"notified":true}"#.to_vec());
    let intent = h.intent("notified", 0, FAR);
    let token = new(store.begin(&intent).await.unwrap());
    assert!(
        store
            .settle_from_notification(&intent.key, &done)
            .await
            .unwrap(),
        "{}",
        h.name
    );
    fenced_off(h.name, &store, &intent.key, token).await;
    assert_eq!(
        store.begin(&intent).await.unwrap(),
        Begin::Settled(done.clone())
    );
    let late = Settlement::Failed(b"{}".to_vec());
    assert!(
        !store
            .settle_from_notification(&intent.key, &late)
            .await
            .unwrap()
    );
    assert_eq!(
        store.get(&intent.key).await.unwrap().unwrap().settlement,
        Some(done.clone())
    );
    // An intent being cancelled is settled by its cancel, not by the notification: a payment
    // paid while its cancel was on the way is reversed by it, and must not be reported paid.
    let cancelling = h.intent("notified", 3, FAR);
    let token = new(store.begin(&cancelling).await.unwrap());
    store
        .advance(&cancelling.key, token, Stage::Cancelling)
        .await
        .unwrap();
    assert!(
        !store
            .settle_from_notification(&cancelling.key, &done)
            .await
            .unwrap(),
        "{}: a notification settled an intent being cancelled",
        h.name
    );
    store
        .settle(&cancelling.key, token, &Settlement::Cancelled)
        .await
        .unwrap();
    assert_eq!(
        store
            .get(&cancelling.key)
            .await
            .unwrap()
            .unwrap()
            .settlement,
        Some(Settlement::Cancelled),
        "{}",
        h.name
    );
    // An intent nobody holds (released), and one that was never written.
    let released = h.intent("notified", 1, FAR);
    let token = new(store.begin(&released).await.unwrap());
    store.release(&released.key, token).await.unwrap();
    assert!(
        store
            .settle_from_notification(&released.key, &done)
            .await
            .unwrap()
    );
    assert_eq!(
        store.begin(&released).await.unwrap(),
        Begin::Settled(done.clone())
    );
    let absent = h.key("notified", 2);
    assert!(
        !store
            .settle_from_notification(&absent, &done)
            .await
            .unwrap(),
        "{}",
        h.name
    );
    assert_eq!(store.get(&absent).await.unwrap(), None, "{}", h.name);
}

/// The request first written is the one kept: a `begin` with another request for the same key
/// (held, resumed or settled) never replaces it.
pub async fn the_request_is_never_replaced<S: IntentStore>(h: &Harness<S>) {
    let store = h.open(HOUR).await;
    let first = h.intent("request", 0, FAR);
    let mut other = first.clone();
    other.request = br#"{"amount":"999999"}"#.to_vec();
    other.endpoint = "refund".to_owned();
    other.deadline_ms = 1;
    let token = new(store.begin(&first).await.unwrap());
    assert_eq!(
        store.begin(&other).await.unwrap(),
        Begin::Held,
        "{}",
        h.name
    );
    assert_eq!(
        store.get(&first.key).await.unwrap().unwrap().intent,
        first,
        "{}",
        h.name
    );
    store.release(&first.key, token).await.unwrap();
    let Begin::Resumed(token, record) = store.begin(&other).await.unwrap() else {
        panic!("{}: a released intent is resumed", h.name)
    };
    assert_eq!(
        record.intent, first,
        "{}: resumed with another request",
        h.name
    );
    store
        .settle(&first.key, token, &Settlement::Cancelled)
        .await
        .unwrap();
    assert_eq!(
        store.begin(&other).await.unwrap(),
        Begin::Settled(Settlement::Cancelled)
    );
    assert_eq!(
        store.get(&first.key).await.unwrap().unwrap().intent,
        first,
        "{}",
        h.name
    );
}
