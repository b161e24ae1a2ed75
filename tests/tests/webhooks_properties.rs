//! Notification handling under arbitrary input, over 127.0.0.1: genuinely signed deliveries
//! whose bodies are anything from valid bills to junk, in any order, with re-deliveries. The
//! handler runs at most once per `billNo`, every delivery gets an answer with a result
//! object, and every success answer for one bill is the same bytes.
//!
//! `cargo test` runs 64 sequences; `PROPTEST_CASES=5000 cargo test --release -p
//! alipayhk-tests --test webhooks_properties` runs more.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;

use alipayhk::runtime::notifications::{InMemoryStore, Inbox};
use alipayhk::runtime::server::ServerConfig;
use alipayhk::runtime::sign::{SignatureHeader, SignedContent};
use alipayhk::runtime::{EpochMillis, KeyRole, PrivateKey, ResultInfo, ResultStatus};
use alipayhk::webhooks::{Webhooks, router};
use alipayhk::{PointsBillNotifyRequest, PointsBillNotifyResponse};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const CLIENT_ID: &str = "PROP_WEBHOOKS";
const PATH: &str = "/points/bill/notify";

/// Counts how often each bill was handled.
#[derive(Default)]
struct Counting {
    handled: Mutex<HashMap<String, usize>>,
}

impl Webhooks for Counting {
    async fn points_bill_notify(
        &self,
        bill: PointsBillNotifyRequest,
        _delivery: alipayhk::runtime::notifications::Delivery,
    ) -> Result<PointsBillNotifyResponse, ResultInfo> {
        *self
            .handled
            .lock()
            .unwrap()
            .entry(bill.bill_no.into_inner())
            .or_default() += 1;
        Ok(PointsBillNotifyResponse::new(ResultInfo::new(
            "SUCCESS",
            ResultStatus::Success,
            "recorded",
        )))
    }
}

/// One delivery: a well-formed bill (by number) or arbitrary bytes.
#[derive(Debug, Clone)]
enum Delivery {
    Bill(u8, i64),
    Junk(Vec<u8>),
    JsonWithoutKey(String),
}

fn delivery() -> impl Strategy<Value = Delivery> {
    prop_oneof![
        4 => (0u8..5, -5i64..100_000).prop_map(|(n, cents)| Delivery::Bill(n, cents)),
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(Delivery::Junk),
        1 => "[a-zA-Z0-9 ]{0,20}".prop_map(Delivery::JsonWithoutKey),
    ]
}

fn body(delivery: &Delivery) -> Vec<u8> {
    match delivery {
        Delivery::Bill(n, cents) => serde_json::json!({
            "userId": "2160220000000002",
            "billNo": format!("B-{n}"),
            "orderAmount": {"currency": "HKD", "value": cents},
            "payTime": "2026-11-27 11:12:13",
            "pointsProvider": "ALIPAYHK",
        })
        .to_string()
        .into_bytes(),
        Delivery::Junk(bytes) => bytes.clone(),
        Delivery::JsonWithoutKey(text) => {
            serde_json::json!({ "note": text }).to_string().into_bytes()
        }
    }
}

#[test]
fn any_sequence_of_signed_deliveries_is_handled_at_most_once_per_bill() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let platform = PrivateKey::generate(KeyRole::PlatformPrivate).unwrap();
    let merchant = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
    let merchant_pem = merchant.to_pkcs8_pem();
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let http = reqwest::Client::new();
    runner
        .run(
            &proptest::collection::vec(delivery(), 1..12),
            |deliveries| {
                runtime.block_on(async {
                    // A fresh merchant and store per sequence, so the counts are this sequence's.
                    let counting = Arc::new(Counting::default());
                    let config = ServerConfig::new(
                        PrivateKey::merchant(&merchant_pem).unwrap(),
                        platform.public_key(),
                        CLIENT_ID,
                    );
                    let app = router(
                        counting.clone(),
                        Inbox::new(InMemoryStore::default()),
                        config,
                    );
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                    let url = format!("http://{}{PATH}", listener.local_addr().unwrap());
                    let server = tokio::spawn(async move { axum::serve(listener, app).await });
                    let mut answers: HashMap<u8, Vec<u8>> = HashMap::new();
                    for delivery in &deliveries {
                        let body = body(delivery);
                        let time = EpochMillis::now().as_millis().to_string();
                        let content = SignedContent {
                            method: "POST",
                            path: PATH,
                            client_id: CLIENT_ID,
                            time: &time,
                            body: &body,
                        };
                        let signature = SignatureHeader::new("1", content.sign(&platform));
                        let response = http
                            .post(&url)
                            .header("Client-Id", CLIENT_ID)
                            .header("Request-Time", &time)
                            .header("Signature", signature.to_header_value())
                            .body(body)
                            .send()
                            .await
                            .unwrap();
                        let answer = response.bytes().await.unwrap().to_vec();
                        let parsed: serde_json::Value = serde_json::from_slice(&answer).unwrap();
                        let status = parsed["result"]["resultStatus"].as_str().unwrap_or("");
                        prop_assert!(["S", "F", "U"].contains(&status), "{parsed}");
                        if let Delivery::Bill(n, _) = delivery
                            && status == "S"
                        {
                            // A re-delivery answers the first answer, byte for byte.
                            let first = answers.entry(*n).or_insert_with(|| answer.clone());
                            prop_assert_eq!(&*first, &answer);
                        }
                        if !matches!(delivery, Delivery::Bill(..)) {
                            prop_assert_ne!(status, "S");
                        }
                    }
                    server.abort();
                    for (bill, count) in counting.handled.lock().unwrap().iter() {
                        prop_assert_eq!(*count, 1, "{} handled {} times", bill, count);
                    }
                    Ok(())
                })
            },
        )
        .unwrap();
}
