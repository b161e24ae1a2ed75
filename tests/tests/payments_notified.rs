//! `notifyPayment` settles the resolver's pending `pay`, end to end on 127.0.0.1: the gateway
//! delivers the signed notification to the merchant's webhook router, whose handler passes it
//! to `Resolver::settle_from` (the spec's `settles:` says which call and which fields), and
//! the resolver, waiting between inquiries, returns what the notification said.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use alipayhk::runtime::notifications::Delivery;
use alipayhk::runtime::resolve::{Evidence, MemoryIntentStore, Outcome, ResolvePolicy, Resolver};
use alipayhk::runtime::{ResultInfo, ResultStatus};
use alipayhk::webhooks::Webhooks;
use alipayhk::*;
use alipayhk_gateway::{Fault, PaymentState};
use support::{Fixture, fixture};

const USER: &str = "2160220000000002";

type SharedResolver = Arc<Resolver<Arc<MemoryIntentStore>>>;

/// The merchant's webhook: hands each notification to the resolver, and notes whether it
/// settled a pending call.
struct Till {
    resolver: SharedResolver,
    settled: Mutex<Vec<(String, bool)>>,
}

impl Webhooks for Till {
    async fn notify_payment(
        &self,
        notice: NotifyPaymentRequest,
        _delivery: Delivery,
    ) -> Result<NotifyPaymentResponse, ResultInfo> {
        // A store that fails answers U, so AlipayHK delivers again.
        let settled = self.resolver.settle_from(&notice).await.map_err(|e| {
            ResultInfo::new("UNKNOWN_EXCEPTION", ResultStatus::Unknown, e.to_string())
        })?;
        let id = notice.payment_request_id.to_string();
        self.settled.lock().unwrap().push((id, settled));
        Ok(NotifyPaymentResponse::new(ResultInfo::new(
            "SUCCESS",
            ResultStatus::Success,
            "recorded",
        )))
    }
}

/// A resolver that waits 3 s (half of it random) before its first inquiry: long enough that
/// only the notification can settle a payment processed in 300 ms before then.
fn patient(f: &Fixture) -> SharedResolver {
    let policy = ResolvePolicy {
        deadline: Duration::from_secs(20),
        cancel_window: Duration::from_secs(5),
        initial_backoff: Duration::from_secs(3),
        max_backoff: Duration::from_secs(3),
    };
    let client = f
        .builder()
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let store = Arc::new(MemoryIntentStore::new().with_lease(Duration::from_secs(10)));
    Arc::new(
        Resolver::new(client, store)
            .policy(policy)
            .register::<PayRequest>(),
    )
}

fn pay(f: &Fixture, id: &str, notify_url: &str) -> PayRequest {
    let hkd = || PaymentAmount::new().currency("HKD").value("800");
    let code = f.gateway.issue_payment_code(USER, "ALIPAY_HK");
    PayRequest::new(
        PaymentOrder::new()
            .reference_order_id(format!("ORDER-{id}"))
            .order_description("Tea")
            .order_amount(hkd()),
    )
    .acquirer_id("ACQUIRER")
    .psp_id("PSP")
    .product_code(PaymentProductCode::InStorePayment)
    .payment_request_id(id)
    .payment_amount(hkd())
    .payment_method(
        PaymentMethod::new()
            .payment_method_type(PaymentMethodType::ConnectWallet)
            .payment_method_id(code),
    )
    .payment_notify_url(notify_url)
}

#[tokio::test]
async fn the_notification_settles_the_payment_its_resolver_waits_on() {
    let f = fixture().await;
    let resolver = patient(&f);
    let till = Arc::new(Till {
        resolver: resolver.clone(),
        settled: Mutex::default(),
    });
    let base = f.serve_webhooks(till.clone()).await;
    let processing = Fault::Processing { millis: 300 };
    f.gateway.faults().script("P-told", processing, Some(1));

    let outcome = resolver.execute(&pay(&f, "P-told", &base)).await.unwrap();

    match outcome {
        Outcome::Done(Evidence::Notified(body)) => {
            assert_eq!(body["paymentRequestId"], "P-told");
            assert_eq!(body["paymentResult"]["resultStatus"], "S");
        }
        other => panic!("expected done by the notification, got {other:?}"),
    }
    assert_eq!(
        f.gateway.payment("P-told").map(|p| p.state),
        Some(PaymentState::Paid)
    );
    assert_eq!(*till.settled.lock().unwrap(), [("P-told".into(), true)]);
}

#[tokio::test]
async fn a_notification_with_nothing_pending_settles_nothing() {
    let f = fixture().await;
    let resolver = patient(&f);
    let till = Arc::new(Till {
        resolver: resolver.clone(),
        settled: Mutex::default(),
    });
    let base = f.serve_webhooks(till.clone()).await;
    // Paid at once, so the resolver settles it from the answer before the notice comes.
    let outcome = resolver.execute(&pay(&f, "P-quick", &base)).await.unwrap();
    assert!(
        matches!(outcome, Outcome::Done(Evidence::Answered(_))),
        "{outcome:?}"
    );
    for _ in 0..250 {
        if !till.settled.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(*till.settled.lock().unwrap(), [("P-quick".into(), false)]);
}
