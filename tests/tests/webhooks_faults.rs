//! Webhooks under the faults a production merchant sees, over 127.0.0.1: AlipayHK hanging up
//! mid-handler, a handler that panics, a store that fails or is full, replayed and stale
//! notifications. In every case the notification is handled exactly once, or answered `U` so
//! that AlipayHK delivers it again; never lost, never doubled.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use alipayhk::runtime::notifications::{
    Claim, Delivery, FenceToken, InMemoryStore, Inbox, NotificationKey, NotificationStore,
    StoreError,
};
use alipayhk::runtime::server::ServerConfig;
use alipayhk::runtime::sign::{self, SignatureHeader};
use alipayhk::runtime::{EpochMillis, Error, KeyRole, PrivateKey, ResultInfo, ResultStatus};
use alipayhk::webhooks::{Webhooks, router};
use alipayhk::*;

const CLIENT_ID: &str = "WEBHOOK_FAULTS";
const PREFIX: &str = "/merchant/api/alipayhk";
const PATH: &str = "/merchant/api/alipayhk/points/bill/notify";

/// Awards points; bills named `SLOW-…` take 1.5 s, bills named `PANIC-…` panic once.
#[derive(Default)]
struct Merchant {
    awarded: Mutex<Vec<String>>,
    calls: AtomicUsize,
    panicked: AtomicUsize,
}

impl Webhooks for Merchant {
    async fn points_bill_notify(
        &self,
        bill: PointsBillNotifyRequest,
        _delivery: Delivery,
    ) -> Result<PointsBillNotifyResponse, ResultInfo> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if bill.bill_no.starts_with("SLOW-") {
            tokio::time::sleep(Duration::from_millis(1500)).await;
        }
        if bill.bill_no.starts_with("PANIC-") && self.panicked.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("the merchant's handler failed");
        }
        self.awarded.lock().unwrap().push(bill.bill_no.into_inner());
        Ok(PointsBillNotifyResponse::new(ResultInfo::new(
            "SUCCESS",
            ResultStatus::Success,
            "recorded",
        )))
    }
}

/// The merchant's webhook server, and AlipayHK's key to sign notifications with.
struct Merchantside {
    url: String,
    merchant: Arc<Merchant>,
    platform: PrivateKey,
    merchant_public: alipayhk::runtime::PublicKey,
}

async fn serve<S: NotificationStore>(inbox: Inbox<S>) -> Merchantside {
    let platform = PrivateKey::generate(KeyRole::PlatformPrivate).unwrap();
    let merchant_key = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
    let merchant_public = merchant_key.public_key();
    let mut config = ServerConfig::new(merchant_key, platform.public_key(), CLIENT_ID);
    // Tests with a retention of under a second need a skew allowance smaller still.
    config.freshness.max_skew = Duration::from_millis(100);
    let merchant = Arc::new(Merchant::default());
    let app = axum::Router::new().nest(PREFIX, router(merchant.clone(), inbox, config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{PREFIX}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Merchantside {
        url,
        merchant,
        platform,
        merchant_public,
    }
}

impl Merchantside {
    /// AlipayHK's client, with a call timeout.
    fn alipayhk(&self, timeout: Duration) -> alipayhk::runtime::Client {
        let platform =
            PrivateKey::parse(&self.platform.to_pkcs8_pem(), KeyRole::PlatformPrivate).unwrap();
        alipayhk::runtime::Client::builder()
            .base_url(&self.url)
            .client_id(CLIENT_ID)
            .merchant_key(platform)
            .platform_key(self.merchant_public.clone())
            .timeout(timeout)
            .build()
            .unwrap()
    }

    /// Posts `body` signed by AlipayHK with `Request-Time: time`; returns the result code.
    async fn post_at(&self, body: &[u8], time: &str) -> String {
        let signature = sign::SignedContent {
            method: "POST",
            path: PATH,
            client_id: CLIENT_ID,
            time,
            body,
        }
        .sign(&self.platform);
        let response = reqwest::Client::new()
            .post(format!("{}/points/bill/notify", self.url))
            .header("Content-Type", "application/json; charset=UTF-8")
            .header("Client-Id", CLIENT_ID)
            .header("Request-Time", time)
            .header(
                "Signature",
                SignatureHeader::new("1", signature).to_header_value(),
            )
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        let answer: serde_json::Value =
            serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        answer["result"]["resultCode"].as_str().unwrap().to_owned()
    }
}

fn bill(bill_no: &str) -> PointsBillNotifyRequest {
    PointsBillNotifyRequest::new(
        "2160220000000002",
        bill_no,
        Amount::new("HKD", 1800),
        "2026-11-27 11:12:13",
        PointsBillNotifyPointsProvider::Alipayhk,
    )
}

fn now_millis() -> String {
    EpochMillis::now().as_millis().to_string()
}

/// Waits (bounded) until `done` holds.
async fn eventually(mut done: impl FnMut() -> bool) {
    for _ in 0..250 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("condition not reached within 5 s");
}

#[tokio::test]
async fn alipayhk_hanging_up_mid_handler_neither_loses_nor_doubles_the_notification() {
    let side = serve(Inbox::new(InMemoryStore::default())).await;
    // AlipayHK gives up after 300 ms and closes the connection; axum drops the request.
    let impatient = side.alipayhk(Duration::from_millis(300));
    let error = impatient.execute(&bill("SLOW-1")).await.unwrap_err();
    assert!(error.outcome_unknown(), "{error:?}");
    // The handler runs on to completion anyway, and its answer is recorded.
    eventually(|| side.merchant.awarded.lock().unwrap().len() == 1).await;
    // The re-delivery gets the recorded answer (or `U` for the instant between the handler's
    // return and the record, which AlipayHK answers by delivering again); the handler does
    // not run again.
    let alipayhk = side.alipayhk(Duration::from_secs(5));
    let mut again = alipayhk.execute(&bill("SLOW-1")).await;
    for _ in 0..20 {
        if !matches!(again, Err(Error::Unknown { .. })) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        again = alipayhk.execute(&bill("SLOW-1")).await;
    }
    assert_eq!(again.unwrap().result.result_code, "SUCCESS");
    assert_eq!(side.merchant.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_handler_that_panics_answers_u_and_the_re_delivery_runs_it() {
    let side = serve(Inbox::new(InMemoryStore::default())).await;
    let alipayhk = side.alipayhk(Duration::from_secs(5));
    match alipayhk.execute(&bill("PANIC-1")).await {
        Err(Error::Unknown {
            result: Some(result),
            ..
        }) => assert_eq!(result.result_status, ResultStatus::Unknown),
        other => panic!("expected U, got {other:?}"),
    }
    // Not stuck "in progress": the next delivery (AlipayHK's +2 min) runs the handler.
    let again = alipayhk.execute(&bill("PANIC-1")).await.unwrap();
    assert_eq!(again.result.result_code, "SUCCESS");
    assert_eq!(*side.merchant.awarded.lock().unwrap(), ["PANIC-1"]);
}

/// A store whose database is down.
struct Unavailable;

impl NotificationStore for Unavailable {
    async fn claim(&self, _: &NotificationKey) -> Result<Claim, StoreError> {
        Err(StoreError::Backend("connection refused".into()))
    }
    async fn renew(&self, _: &NotificationKey, _: FenceToken) -> Result<(), StoreError> {
        Err(StoreError::Backend("connection refused".into()))
    }
    async fn complete(
        &self,
        _: &NotificationKey,
        _: FenceToken,
        _: Vec<u8>,
    ) -> Result<(), StoreError> {
        Err(StoreError::Backend("connection refused".into()))
    }
    async fn release(&self, _: &NotificationKey, _: FenceToken) -> Result<(), StoreError> {
        Err(StoreError::Backend("connection refused".into()))
    }
    fn lease(&self) -> Duration {
        Duration::from_secs(30)
    }
    fn retention(&self) -> Duration {
        Duration::from_secs(50 * 3600)
    }
}

#[tokio::test]
async fn a_failing_or_full_store_answers_u_and_runs_nothing() {
    let side = serve(Inbox::new(Unavailable)).await;
    let result = side
        .alipayhk(Duration::from_secs(5))
        .execute(&bill("B-1"))
        .await;
    assert!(
        matches!(&result, Err(Error::Unknown { result: Some(r), .. }) if r.result_code == "UNKNOWN_EXCEPTION"),
        "{result:?}"
    );
    assert_eq!(side.merchant.calls.load(Ordering::SeqCst), 0);

    let side = serve(Inbox::new(InMemoryStore::default().with_capacity(2))).await;
    let alipayhk = side.alipayhk(Duration::from_secs(5));
    for n in ["B-1", "B-2"] {
        alipayhk.execute(&bill(n)).await.unwrap();
    }
    let full = alipayhk.execute(&bill("B-3")).await;
    assert!(matches!(full, Err(Error::Unknown { .. })), "{full:?}");
    // What is recorded stays recorded.
    alipayhk.execute(&bill("B-1")).await.unwrap();
    assert_eq!(side.merchant.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn request_time_must_be_readable_and_within_the_window() {
    let side = serve(Inbox::new(InMemoryStore::default())).await;
    let body = serde_json::to_vec(&bill("B-T")).unwrap();
    let ten_years = EpochMillis::now().as_millis() + 10 * 365 * 86_400_000;
    for time in [
        "banana".to_owned(),
        String::new(),
        "0".to_owned(),
        "1999-01-01T00:00:00+00:00".to_owned(),
        ten_years.to_string(),
    ] {
        assert_eq!(
            side.post_at(&body, &time).await,
            "INVALID_SIGNATURE",
            "{time:?}"
        );
    }
    assert_eq!(side.merchant.calls.load(Ordering::SeqCst), 0);
    assert_eq!(side.post_at(&body, &now_millis()).await, "SUCCESS");
    let iso = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    assert_eq!(side.post_at(&body, &iso).await, "SUCCESS");
    assert_eq!(side.merchant.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_notification_replayed_after_the_store_forgot_it_is_refused_by_its_age() {
    let side = serve(Inbox::new(InMemoryStore::with_retention(
        Duration::from_millis(800),
    )))
    .await;
    let body = serde_json::to_vec(&bill("B-R")).unwrap();
    let captured = now_millis();
    assert_eq!(side.post_at(&body, &captured).await, "SUCCESS");
    // Replayed at once: the store answers as before.
    assert_eq!(side.post_at(&body, &captured).await, "SUCCESS");
    // Replayed after the store forgot it: the same bytes are now too old.
    let forgotten = SystemTime::now() + Duration::from_millis(900);
    while SystemTime::now() < forgotten {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(side.post_at(&body, &captured).await, "INVALID_SIGNATURE");
    assert_eq!(side.merchant.calls.load(Ordering::SeqCst), 1);
    assert_eq!(*side.merchant.awarded.lock().unwrap(), ["B-R"]);
}

#[tokio::test]
async fn a_500_kb_bill_number_costs_the_store_a_digest() {
    let inbox = Inbox::new(InMemoryStore::default());
    let side = serve(inbox.clone()).await;
    // Past the spec's limit, so only a hostile sender (not our client) sends it; the
    // notification handler does not validate, since AlipayHK's own values may be new.
    let body = serde_json::to_vec(&bill(&"9".repeat(500_000))).unwrap();
    assert_eq!(side.post_at(&body, &now_millis()).await, "SUCCESS");
    assert_eq!(side.post_at(&body, &now_millis()).await, "SUCCESS");
    assert_eq!(side.merchant.calls.load(Ordering::SeqCst), 1);
    assert_eq!(inbox.store().len(), 1);
}
