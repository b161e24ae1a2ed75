//! The notifications AlipayHK sends, end to end over loopback: the local gateway sends them
//! signed with the platform key, exactly as AlipayHK does; the merchant serves the generated
//! `webhooks::router` under its own path prefix, behind the runtime's signature middleware.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use alipayhk::runtime::notifications::{Delivery, InMemoryStore, Inbox};
use alipayhk::runtime::server::ServerConfig;
use alipayhk::runtime::{Client, Error, PrivateKey, ResultInfo, ResultStatus};
use alipayhk::webhooks::Webhooks;
use alipayhk::*;
use alipayhk_gateway::{GatewayConfig, RunningGateway, start};

const CLIENT_ID: &str = "WEBHOOK_CLIENT";
const PREFIX: &str = "/merchant/api/alipayhk";

/// The merchant's side: awards points once per bill.
#[derive(Default)]
struct Merchant {
    awarded: Mutex<Vec<(String, i64)>>,
    calls: AtomicUsize,
    fail_next: AtomicBool,
}

impl Webhooks for Merchant {
    async fn points_bill_notify(
        &self,
        notification: PointsBillNotifyRequest,
        _delivery: Delivery,
    ) -> Result<PointsBillNotifyResponse, ResultInfo> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.fail_next.swap(false, Ordering::SeqCst) {
            return Err(ResultInfo::new(
                "SYSTEM_ERROR",
                ResultStatus::Unknown,
                "database unavailable",
            ));
        }
        self.awarded.lock().unwrap().push((
            notification.bill_no.into_inner(),
            notification.order_amount.value,
        ));
        Ok(PointsBillNotifyResponse::new(ResultInfo::new(
            "SUCCESS",
            ResultStatus::Success,
            "recorded",
        )))
    }

    async fn membercard_create(
        &self,
        notification: MembercardCreateRequest,
        _delivery: Delivery,
    ) -> Result<MembercardCreateResponse, ResultInfo> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let member = format!("M-{}", notification.user_id);
        Ok(MembercardCreateResponse::new(ResultInfo::new(
            "SUCCESS",
            ResultStatus::Success,
            "created",
        ))
        .member_id(member))
    }
}

struct Fixture {
    gateway: RunningGateway,
    merchant: Arc<Merchant>,
    inbox: Inbox<InMemoryStore>,
    webhook_url: String,
}

async fn fixture() -> Fixture {
    let config = GatewayConfig::generated(CLIENT_ID).unwrap();
    let merchant_pem = config.merchant_key.as_ref().unwrap().to_pkcs8_pem();
    let gateway = start(config).await.unwrap();

    let merchant = Arc::new(Merchant::default());
    let inbox = Inbox::new(InMemoryStore::default());
    let server = ServerConfig::new(
        PrivateKey::merchant(&merchant_pem).unwrap(),
        gateway.platform_public_key.clone(),
        CLIENT_ID,
    );
    // Nested under a prefix: the router verifies the whole path AlipayHK signed.
    let app = axum::Router::new().nest(
        PREFIX,
        webhooks::router(merchant.clone(), inbox.clone(), server),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Fixture {
        gateway,
        merchant,
        inbox,
        webhook_url: format!("http://{addr}{PREFIX}"),
    }
}

impl Fixture {
    fn alipayhk(&self) -> Client {
        self.gateway.notifier(&self.webhook_url).unwrap()
    }
}

fn bill(bill_no: &str) -> PointsBillNotifyRequest {
    PointsBillNotifyRequest::new(
        "2160220000000002",
        bill_no,
        Amount::new("HKD", 1800),
        "2024-05-06 10:49:51",
        PointsBillNotifyPointsProvider::Alipayhk,
    )
    .merchant_id("21609876543945")
}

#[tokio::test]
async fn a_signed_notification_is_handled_and_the_answer_is_signed() {
    let f = fixture().await;
    // `execute` verifies the merchant's signature on the answer, as AlipayHK would.
    let answer = f.alipayhk().execute(&bill("B-1")).await.unwrap();
    assert_eq!(answer.result.result_code, "SUCCESS");
    assert_eq!(
        *f.merchant.awarded.lock().unwrap(),
        [("B-1".to_owned(), 1800)]
    );

    let member = f
        .alipayhk()
        .execute(&MembercardCreateRequest::new("2160220000000002").mobile_no("85291234567"))
        .await
        .unwrap();
    assert_eq!(member.member_id.as_deref(), Some("M-2160220000000002"));
}

#[tokio::test]
async fn a_replayed_notification_gets_the_first_answer_and_awards_nothing_twice() {
    let f = fixture().await;
    let first = f.alipayhk().execute(&bill("B-2")).await.unwrap();
    for _ in 0..3 {
        let again = f.alipayhk().execute(&bill("B-2")).await.unwrap();
        assert_eq!(again, first);
    }
    assert_eq!(f.merchant.calls.load(Ordering::SeqCst), 1);
    assert_eq!(f.merchant.awarded.lock().unwrap().len(), 1);
    // A different bill is a different notification.
    f.alipayhk().execute(&bill("B-3")).await.unwrap();
    assert_eq!(f.merchant.awarded.lock().unwrap().len(), 2);
    assert_eq!(f.inbox.store().len(), 2);
}

#[tokio::test]
async fn a_failed_notification_runs_again_when_re_delivered() {
    let f = fixture().await;
    f.merchant.fail_next.store(true, Ordering::SeqCst);
    let result = f.alipayhk().execute(&bill("B-4")).await;
    assert!(matches!(result, Err(Error::Unknown { .. })), "{result:?}");
    f.alipayhk().execute(&bill("B-4")).await.unwrap();
    assert_eq!(f.merchant.calls.load(Ordering::SeqCst), 2);
    assert_eq!(f.merchant.awarded.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_notification_with_a_bad_signature_never_reaches_the_handler() {
    let f = fixture().await;
    // Another "AlipayHK" with its own key: the merchant trusts only the real one.
    let impostor = start(GatewayConfig::generated(CLIENT_ID).unwrap())
        .await
        .unwrap();
    let result = impostor
        .notifier(&f.webhook_url)
        .unwrap()
        .execute(&bill("B-5"))
        .await;
    // Answered U, not F: a refusal may be the merchant's own doing (a key not rotated yet),
    // and only U makes the real AlipayHK deliver again.
    match result {
        Err(Error::Unknown {
            result: Some(result),
            ..
        }) => {
            assert_eq!(result.result_code, "INVALID_SIGNATURE");
            assert_eq!(result.result_status, ResultStatus::Unknown);
        }
        other => panic!("expected INVALID_SIGNATURE, got {other:?}"),
    }
    assert_eq!(f.merchant.calls.load(Ordering::SeqCst), 0);
    assert!(f.inbox.store().is_empty());
}

#[tokio::test]
async fn membercard_create_runs_on_every_call_and_refuses_a_bad_signature() {
    let f = fixture().await;
    let create = MembercardCreateRequest::new("2160220000000009").user_email("a@example.com");
    let first = f.alipayhk().execute(&create).await.unwrap();
    // The page names no request id: a user asking again is asked again (and the handler's own
    // lookup by userId answers), never answered from a stale record.
    let again = f.alipayhk().execute(&create).await.unwrap();
    assert_eq!(again, first);
    assert_eq!(f.merchant.calls.load(Ordering::SeqCst), 2);

    let impostor = start(GatewayConfig::generated(CLIENT_ID).unwrap())
        .await
        .unwrap();
    let other = MembercardCreateRequest::new("2160220000000010").mobile_no("85290000000");
    let result = impostor
        .notifier(&f.webhook_url)
        .unwrap()
        .execute(&other)
        .await;
    assert!(
        matches!(&result, Err(Error::Unknown { result: Some(result), .. }) if result.result_code == "INVALID_SIGNATURE"),
        "{result:?}"
    );
    assert_eq!(f.merchant.calls.load(Ordering::SeqCst), 2);
}
