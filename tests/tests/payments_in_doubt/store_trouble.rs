//! Trouble around the procedure rather than in AlipayHK's answers: a store that fails for a
//! while, a hold another resolver takes over, and an AlipayHK that cannot be reached at all.
//! The resolver acts only under a hold the store confirmed, waits out a store that does not
//! answer, reports what the intent's holder settled (never an outcome of its own the store
//! does not record), and never reports a call that never left as "may have happened".

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use alipayhk::PayRequest;
use alipayhk::runtime::resolve::{
    Evidence, IntentKey, IntentStore, MemoryIntentStore, Outcome, Resolver, Settlement,
};
use alipayhk_gateway::{Fault, PaymentState};

use super::support::{CLIENT_ID, fixture};
use super::watched_store::Watched;
use super::{fault, intent_written, pay, quick, state};

/// The store does not answer for the first 0.9 s of a payment that is processing for 0.6 s:
/// the resolver reads nothing meanwhile, then reads it paid. (It used to take the first
/// failed renewal for a lost hold and wait for a holder that did not exist, then report the
/// call unresolved.)
#[tokio::test]
async fn a_store_that_does_not_answer_for_a_while_delays_the_procedure_and_loses_nothing() {
    let f = fixture().await;
    let store = Watched::new(Duration::from_secs(2), true);
    fault(&f, "P-flaky", Fault::Processing { millis: 600 });
    let client = f
        .builder()
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let resolver = Resolver::new(client, store.clone()).policy(quick());
    let request = pay(&f, "P-flaky");
    let call = tokio::spawn(async move { resolver.execute(&request).await });
    tokio::time::sleep(Duration::from_millis(900)).await;
    store.down.store(false, Ordering::SeqCst);
    let outcome = call.await.unwrap().unwrap();
    assert!(
        matches!(outcome, Outcome::Done(Evidence::Inquired(_))),
        "{outcome:?}"
    );
    assert_eq!(state(&f, "P-flaky"), Some(PaymentState::Paid));
}

/// A resolver whose answer came after its hold ran out and another resolver took the call
/// over reports what that one settles: here a cancel, although this one's answer said paid
/// (the cancel reverses the payment). It used to report its own answer, which the store
/// never recorded.
#[tokio::test]
async fn an_answer_after_the_hold_was_taken_over_gives_way_to_the_new_holders_outcome() {
    let f = fixture().await;
    let shared = Arc::new(MemoryIntentStore::new().with_lease(Duration::from_millis(400)));
    fault(&f, "P-late-S", Fault::Delay { millis: 1200 });
    let client = f.builder().timeout(Duration::from_secs(3)).build().unwrap();
    let resolver = Resolver::new(client, shared.clone()).policy(quick());
    let request: PayRequest = pay(&f, "P-late-S");
    let call = tokio::spawn(async move { resolver.execute(&request).await });
    intent_written(&shared, "P-late-S").await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let taken = shared.claim_due(10, &["pay"]).await.unwrap();
    let [(token, record)] = &taken[..] else {
        panic!("the lapsed hold, taken over: {taken:?}")
    };
    let key = IntentKey::new(CLIENT_ID, "pay", &["P-late-S"]);
    assert_eq!(record.intent.key, key);
    // The first resolver's answer (S) arrives meanwhile; the new holder cancels.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(
        !call.is_finished(),
        "reported before the new holder settled"
    );
    shared
        .settle(&key, *token, &Settlement::Cancelled)
        .await
        .unwrap();
    let outcome = call.await.unwrap().unwrap();
    assert!(matches!(outcome, Outcome::Cancelled), "{outcome:?}");
}

/// AlipayHK cannot be reached at all (nothing listens): no copy of the payment ever left, so
/// at the deadline it is cancelled without a cancel to send, not reported as "may have
/// happened". A call taken over from another resolver is different: nobody here knows whether
/// its copies arrived, so it stays unresolved.
#[tokio::test]
async fn a_payment_that_never_reached_alipayhk_is_not_reported_as_may_have_happened() {
    let f = fixture().await;
    let unreachable = || {
        f.builder()
            .base_url("http://127.0.0.1:9")
            .timeout(Duration::from_millis(400))
            .build()
            .unwrap()
    };
    let shared = Arc::new(MemoryIntentStore::new().with_lease(Duration::from_millis(300)));
    let resolver = Resolver::new(unreachable(), shared.clone()).policy(quick());
    let outcome = resolver.execute(&pay(&f, "P-nowhere")).await.unwrap();
    assert!(matches!(outcome, Outcome::Cancelled), "{outcome:?}");
    let key = IntentKey::new(CLIENT_ID, "pay", &["P-nowhere"]);
    let record = shared.get(&key).await.unwrap().unwrap();
    assert_eq!(record.settlement, Some(Settlement::Cancelled));

    // Taken over: its first copy may have arrived before its resolver died.
    let dying = Resolver::new(unreachable(), shared.clone()).policy(quick());
    let request = pay(&f, "P-unknown");
    let call = tokio::spawn(async move { dying.execute(&request).await });
    intent_written(&shared, "P-unknown").await;
    call.abort();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let resumed = Resolver::new(unreachable(), shared.clone())
        .policy(quick())
        .register::<PayRequest>()
        .resume()
        .await
        .unwrap();
    assert_eq!(resumed.len(), 1, "{resumed:?}");
    assert!(
        matches!(resumed[0].settlement, Settlement::Unresolved(_)),
        "{resumed:?}"
    );
}

/// The store stops answering once the payment was sent and answered `U`, and stays down past
/// the deadline and the cancel window. The payment completes meanwhile, but a resolver whose
/// hold is not confirmed may have been superseded by one now cancelling it, so it reads and
/// cancels nothing, and reports that the call may have happened (it did). It used to read the
/// payment at the deadline without a hold and report it paid.
#[tokio::test]
async fn a_store_down_past_the_deadline_leaves_the_call_unresolved_and_uncancelled() {
    let f = fixture().await;
    let store = Watched::new(Duration::from_secs(2), true);
    fault(&f, "P-dark-store", Fault::Processing { millis: 300 });
    let client = f
        .builder()
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let resolver = Resolver::new(client, store.clone()).policy(quick());
    let outcome = resolver.execute(&pay(&f, "P-dark-store")).await.unwrap();
    let Outcome::Unresolved(unresolved) = outcome else {
        panic!("{outcome:?}")
    };
    assert!(
        unresolved.reason.contains("could not start"),
        "{unresolved:?}"
    );
    assert_eq!(state(&f, "P-dark-store"), Some(PaymentState::Paid));
}

/// A call that never reached AlipayHK, whose settlement the store cannot record: a `resume`
/// could still send it, so the caller is not told it never will.
#[tokio::test]
async fn a_call_that_never_arrived_is_not_reported_cancelled_unless_recorded() {
    let f = fixture().await;
    let store = Watched::new(Duration::from_millis(300), false);
    store.settles_down.store(true, Ordering::SeqCst);
    let client = f
        .builder()
        .base_url("http://127.0.0.1:9")
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let resolver = Resolver::new(client, store.clone()).policy(quick());
    let outcome = resolver.execute(&pay(&f, "P-unrecorded")).await.unwrap();
    let Outcome::Unresolved(unresolved) = outcome else {
        panic!("{outcome:?}")
    };
    assert!(
        unresolved.reason.contains("may still send it"),
        "{unresolved:?}"
    );
}
