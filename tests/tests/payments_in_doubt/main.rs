//! Payments whose answer was lost or `U`, settled by `Resolver` from the spec's procedure on
//! the local gateway: every branch of it, against the gateway's own ledger; `resume`, which
//! settles what a dead process left (`resume.rs`); and a store that fails or hands the hold
//! to another resolver mid-procedure (`store_trouble.rs`).

#[path = "../support/mod.rs"]
mod support;

mod resume;
mod store_trouble;
mod watched_store;

use std::sync::Arc;
use std::time::Duration;

use alipayhk::runtime::resolve::{
    Evidence, IntentKey, IntentStore, MemoryIntentStore, Outcome, ResolveError, ResolvePolicy,
    Resolver, Settlement,
};
use alipayhk::runtime::{ResultInfo, ResultStatus};
use alipayhk::{
    PayRequest, PaymentAmount, PaymentMethod, PaymentMethodType, PaymentOrder, PaymentProductCode,
};
use alipayhk_gateway::{Fault, PaymentState};
use support::{CLIENT_ID, Fixture, fixture};

const USER: &str = "2160220000000002";

fn hkd(value: &str) -> PaymentAmount {
    PaymentAmount::new().currency("HKD").value(value)
}

/// A payment of HKD 12.00 with a fresh payment code, naming the acquirer and PSP the inquiry
/// and the cancel carry.
fn pay(f: &Fixture, request_id: &str) -> PayRequest {
    let code = f.gateway.issue_payment_code(USER, "ALIPAY_HK");
    PayRequest::new(
        PaymentOrder::new()
            .reference_order_id(format!("ORDER-{request_id}"))
            .order_description("Coffee")
            .order_amount(hkd("1200")),
    )
    .acquirer_id("ACQUIRER")
    .psp_id("PSP")
    .product_code(PaymentProductCode::InStorePayment)
    .payment_request_id(request_id)
    .payment_amount(hkd("1200"))
    .payment_method(
        PaymentMethod::new()
            .payment_method_type(PaymentMethodType::ConnectWallet)
            .payment_method_id(code),
    )
}

/// Short waits: a deadline of 1.5 s, a cancel window of 1.5 s, reads every 20-100 ms.
fn quick() -> ResolvePolicy {
    ResolvePolicy {
        deadline: Duration::from_millis(1500),
        cancel_window: Duration::from_millis(1500),
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
    }
}

fn resolver(f: &Fixture, store: Arc<MemoryIntentStore>) -> Resolver<Arc<MemoryIntentStore>> {
    let client = f
        .builder()
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    Resolver::new(client, store)
        .policy(quick())
        .register::<PayRequest>()
}

fn store() -> Arc<MemoryIntentStore> {
    Arc::new(MemoryIntentStore::new().with_lease(Duration::from_secs(2)))
}

fn fault(f: &Fixture, id: &str, fault: Fault) {
    f.gateway.faults().script(id, fault, Some(1));
}

fn state(f: &Fixture, id: &str) -> Option<PaymentState> {
    f.gateway.payment(id).map(|p| p.state)
}

/// Waits (bounded) until `id`'s intent is written: its call is then in the resolver's hands.
async fn intent_written(store: &MemoryIntentStore, id: &str) {
    let key = IntentKey::new(CLIENT_ID, "pay", &[id]);
    for _ in 0..500 {
        if store.get(&key).await.unwrap().is_some() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{id}: no intent written after 5 s");
}

#[tokio::test]
async fn a_payment_answered_u_after_it_was_made_is_settled_by_inquiry() {
    let f = fixture().await;
    let after_u = Fault::After {
        code: "UNKNOWN_EXCEPTION".into(),
        status: "U".into(),
        message: None,
    };
    fault(&f, "P-after", after_u);
    let outcome = resolver(&f, store())
        .execute(&pay(&f, "P-after"))
        .await
        .unwrap();
    assert!(
        matches!(outcome, Outcome::Done(Evidence::Inquired(_))),
        "{outcome:?}"
    );
    assert_eq!(state(&f, "P-after"), Some(PaymentState::Paid));
}

#[tokio::test]
async fn a_payment_timed_out_or_dropped_after_it_was_made_is_settled() {
    let f = fixture().await;
    fault(&f, "P-slow", Fault::Delay { millis: 900 });
    fault(&f, "P-drop", Fault::Drop);
    let r = resolver(&f, store());
    for id in ["P-slow", "P-drop"] {
        let outcome = r.execute(&pay(&f, id)).await.unwrap();
        assert!(outcome.is_done(), "{id}: {outcome:?}");
        assert_eq!(state(&f, id), Some(PaymentState::Paid), "{id}");
    }
}

#[tokio::test]
async fn a_payment_that_never_arrived_is_sent_again_and_made_once() {
    let f = fixture().await;
    // `U` without performing: the inquiry does not know the payment, so it is sent again.
    let lost = Fault::Result {
        code: "UNKNOWN_EXCEPTION".into(),
        status: "U".into(),
        message: None,
    };
    fault(&f, "P-lost", lost);
    let outcome = resolver(&f, store())
        .execute(&pay(&f, "P-lost"))
        .await
        .unwrap();
    assert!(
        matches!(outcome, Outcome::Done(Evidence::Answered(_))),
        "{outcome:?}"
    );
    assert_eq!(state(&f, "P-lost"), Some(PaymentState::Paid));
}

#[tokio::test]
async fn a_payment_still_processing_at_the_deadline_is_cancelled_and_never_made() {
    let f = fixture().await;
    fault(&f, "P-stuck", Fault::Processing { millis: 60_000 });
    let outcome = resolver(&f, store())
        .execute(&pay(&f, "P-stuck"))
        .await
        .unwrap();
    assert!(matches!(outcome, Outcome::Cancelled), "{outcome:?}");
    assert_ne!(state(&f, "P-stuck"), Some(PaymentState::Paid));

    fault(&f, "P-brief", Fault::Processing { millis: 300 });
    let outcome = resolver(&f, store())
        .execute(&pay(&f, "P-brief"))
        .await
        .unwrap();
    assert!(outcome.is_done(), "{outcome:?}");
    assert_eq!(state(&f, "P-brief"), Some(PaymentState::Paid));
}

#[tokio::test]
async fn a_cancel_that_is_never_confirmed_is_reported_unresolved_with_its_key() {
    let f = fixture().await;
    // Every call about this payment answers U: pay, the inquiries and the cancels.
    f.gateway.faults().script(
        "P-dark",
        Fault::Result {
            code: "UNKNOWN_EXCEPTION".into(),
            status: "U".into(),
            message: None,
        },
        None,
    );
    let outcome = resolver(&f, store())
        .execute(&pay(&f, "P-dark"))
        .await
        .unwrap();
    match outcome {
        Outcome::Unresolved(unresolved) => {
            assert!(unresolved.key.as_str().contains("P-dark"), "{unresolved:?}");
            assert!(unresolved.reason.contains("cancel"), "{unresolved:?}");
        }
        other => panic!("expected unresolved, got {other:?}"),
    }
}

#[tokio::test]
async fn a_call_that_died_mid_procedure_is_resumed_by_a_new_resolver() {
    let f = fixture().await;
    let shared = store();
    fault(&f, "P-crash", Fault::Processing { millis: 500 });
    let first = resolver(&f, shared.clone());
    let request = pay(&f, "P-crash");
    let running = tokio::spawn(async move { first.execute(&request).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    running.abort();
    assert!(running.await.unwrap_err().is_cancelled());

    // The intent outlived its resolver; once its hold runs out, a resumer settles it.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let report = resolver(&f, shared.clone()).resume().await.unwrap();
    assert_eq!(report.len(), 1, "{report:?}");
    assert!(
        matches!(report[0].settlement, Settlement::Done(_)),
        "{report:?}"
    );
    assert_eq!(state(&f, "P-crash"), Some(PaymentState::Paid));
    // The same key with another request (a new payment code) is refused, never answered from
    // the record as if it were this call.
    let again = resolver(&f, shared).execute(&pay(&f, "P-crash")).await;
    assert!(matches!(again, Err(ResolveError::Conflict)), "{again:?}");
}

#[tokio::test]
async fn a_call_resumed_long_after_its_deadline_is_still_cancelled() {
    let f = fixture().await;
    let shared = store();
    fault(&f, "P-late", Fault::Processing { millis: 60_000 });
    let first = resolver(&f, shared.clone());
    let request = pay(&f, "P-late");
    let running = tokio::spawn(async move { first.execute(&request).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    running.abort();
    assert!(running.await.unwrap_err().is_cancelled());

    // The process is down past the deadline and the whole cancel window (1.5 s + 1.5 s): the
    // next one still cancels, rather than giving up before its first try.
    tokio::time::sleep(Duration::from_millis(3300)).await;
    let report = resolver(&f, shared).resume().await.unwrap();
    assert_eq!(report.len(), 1, "{report:?}");
    assert_eq!(report[0].settlement, Settlement::Cancelled, "{report:?}");
    assert_eq!(state(&f, "P-late"), Some(PaymentState::Cancelled));
}

#[tokio::test]
async fn a_notification_settles_a_pending_payment() {
    let f = fixture().await;
    let shared = store();
    fault(&f, "P-note", Fault::Processing { millis: 60_000 });
    let r = resolver(&f, shared.clone());
    let request = pay(&f, "P-note");
    let waiting = tokio::spawn(async move { r.execute(&request).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let paid = ResultInfo::new("SUCCESS", ResultStatus::Success, "Success");
    let settled = resolver(&f, shared)
        .settle_from_notification::<PayRequest>(
            &["P-note"],
            &paid,
            serde_json::json!({"paymentRequestId": "P-note"}),
        )
        .await
        .unwrap();
    assert!(settled);
    let outcome = waiting.await.unwrap().unwrap();
    assert!(
        matches!(outcome, Outcome::Done(Evidence::Notified(_))),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_request_its_inquiry_cannot_be_built_from_is_not_sent() {
    let f = fixture().await;
    let mut request = pay(&f, "P-bare");
    request.acquirer_id = None;
    let error = resolver(&f, store()).execute(&request).await.unwrap_err();
    assert!(matches!(error, ResolveError::NotSent(_)), "{error:?}");
    assert_eq!(f.gateway.payment("P-bare").map(|p| p.state), None);
}

#[tokio::test]
async fn the_same_call_again_is_answered_from_its_record_without_a_second_payment() {
    let f = fixture().await;
    let r = resolver(&f, store());
    let request = pay(&f, "P-twice");
    let first = r.execute(&request).await.unwrap();
    assert!(first.is_done(), "{first:?}");
    let again = r.execute(&request).await.unwrap();
    assert!(
        matches!(again, Outcome::Done(Evidence::Answered(_))),
        "{again:?}"
    );
    let ledger = f.gateway.payment_ledger();
    let entry = ledger
        .iter()
        .find(|e| e.payment_request_id == "P-twice")
        .expect("in the ledger");
    assert_eq!(entry.charges, 1);
}
