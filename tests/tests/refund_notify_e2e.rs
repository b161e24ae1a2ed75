//! pointsRefundNotify end to end over loopback: the local gateway plays AlipayHK and sends
//! the refund of a transaction it reported with pointsBillNotify, signed with the platform
//! key, through the same `Notification` sending the `notify` command and the console use; the
//! merchant serves the generated `webhooks::router`. Re-deliveries of one refund collapse to
//! one deduction (the key is relateBillNo, refundTime and refundAmount); two partial refunds of
//! one bill are two deductions; an answer other than `S` is delivered again until `S`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use alipayhk::runtime::notifications::{Delivery, InMemoryStore, Inbox};
use alipayhk::runtime::server::ServerConfig;
use alipayhk::runtime::{Client, PrivateKey, ResultInfo, ResultStatus};
use alipayhk::webhooks::{Notification, Webhooks};
use alipayhk::*;
use alipayhk_gateway::notify::{Verdict, deliver, deliver_until_success};
use alipayhk_gateway::{GatewayConfig, RunningGateway, start};

const CLIENT_ID: &str = "REFUND_CLIENT";
const PREFIX: &str = "/merchant/api/alipayhk";
const USER: &str = "2160220000000002";
const BILL: &str = "2021070611121300000000000123456";

/// The merchant's side: points taken back once per refund.
#[derive(Default)]
struct Merchant {
    taken_back: Mutex<Vec<(String, String, i64)>>,
    fail_next: AtomicBool,
}

impl Webhooks for Merchant {
    async fn points_refund_notify(
        &self,
        refund: PointsRefundNotifyRequest,
        _delivery: Delivery,
    ) -> Result<PointsRefundNotifyResponse, ResultInfo> {
        if self.fail_next.swap(false, Ordering::SeqCst) {
            return Err(ResultInfo::new(
                "SYSTEM_ERROR",
                ResultStatus::Unknown,
                "database unavailable",
            ));
        }
        self.taken_back.lock().unwrap().push((
            refund.relate_bill_no.to_string(),
            refund.refund_time,
            refund.refund_amount.value,
        ));
        Ok(PointsRefundNotifyResponse::new(ResultInfo::new(
            "SUCCESS",
            ResultStatus::Success,
            "points taken back",
        )))
    }
}

struct Fixture {
    gateway: RunningGateway,
    merchant: Arc<Merchant>,
    webhook_url: String,
}

async fn fixture() -> Fixture {
    let config = GatewayConfig::generated(CLIENT_ID).unwrap();
    let merchant_pem = config.merchant_key.as_ref().unwrap().to_pkcs8_pem();
    let gateway = start(config).await.unwrap();
    let merchant = Arc::new(Merchant::default());
    let server = ServerConfig::new(
        PrivateKey::merchant(&merchant_pem).unwrap(),
        gateway.platform_public_key.clone(),
        CLIENT_ID,
    );
    let app = axum::Router::new().nest(
        PREFIX,
        webhooks::router(
            merchant.clone(),
            Inbox::new(InMemoryStore::default()),
            server,
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Fixture {
        gateway,
        merchant,
        webhook_url: format!("http://{addr}{PREFIX}"),
    }
}

impl Fixture {
    fn alipayhk(&self) -> Client {
        self.gateway.notifier(&self.webhook_url).unwrap()
    }

    fn taken_back(&self) -> Vec<(String, String, i64)> {
        self.merchant.taken_back.lock().unwrap().clone()
    }
}

fn refund(time: &str, cents: i64) -> Notification {
    Notification::PointsRefundNotify(
        PointsRefundNotifyRequest::new(
            USER,
            BILL,
            Amount::new("HKD", cents),
            time,
            PointsRefundNotifyPointsProvider::Alipayhk,
        )
        .merchant_id("21609876543945"),
    )
}

fn answered_s(verdict: &Verdict) -> bool {
    matches!(
        verdict,
        Verdict::Answered {
            status: ResultStatus::Success,
            ..
        }
    )
}

#[tokio::test]
async fn re_deliveries_of_one_refund_take_the_points_back_once() {
    let f = fixture().await;
    let alipayhk = f.alipayhk();
    let notice = refund("2024-05-07 09:12:03", 5000);

    for _ in 0..3 {
        let verdict = deliver(&alipayhk, &notice).await;
        assert!(answered_s(&verdict), "{verdict}");
    }

    assert_eq!(
        f.taken_back(),
        [(BILL.to_owned(), "2024-05-07 09:12:03".to_owned(), 5000)]
    );
}

#[tokio::test]
async fn two_partial_refunds_of_one_bill_are_two_refunds() {
    let f = fixture().await;
    let alipayhk = f.alipayhk();

    let first = deliver(&alipayhk, &refund("2024-05-07 09:12:03", 5000)).await;
    let second = deliver(&alipayhk, &refund("2024-05-08 18:30:00", 5000)).await;
    let again = deliver(&alipayhk, &refund("2024-05-08 18:30:00", 5000)).await;

    assert!(answered_s(&first) && answered_s(&second) && answered_s(&again));
    let amounts: Vec<i64> = f.taken_back().iter().map(|r| r.2).collect();
    assert_eq!(amounts, [5000, 5000], "two refunds, each once");
}

#[tokio::test]
async fn a_refund_answered_u_is_delivered_again_until_s() {
    let f = fixture().await;
    f.merchant.fail_next.store(true, Ordering::SeqCst);
    let mut verdicts = Vec::new();

    // AlipayHK's schedule (2 minutes first), a million times faster.
    let last = deliver_until_success(
        &f.alipayhk(),
        &refund("2024-05-07 09:12:03", 1200),
        1_000_000.0,
        |attempt, verdict| verdicts.push((attempt, verdict.to_string())),
    )
    .await;

    assert!(answered_s(&last), "{last}");
    assert_eq!(verdicts.len(), 2, "{verdicts:?}");
    assert!(
        verdicts[0].1.starts_with("answered U SYSTEM_ERROR"),
        "{verdicts:?}"
    );
    assert_eq!(f.taken_back().len(), 1);
}

#[tokio::test]
async fn the_notify_command_and_the_console_can_send_it_by_name() {
    let body = serde_json::json!({
        "userId": USER,
        "relateBillNo": BILL,
        "refundAmount": { "currency": "HKD", "value": 5000 },
        "refundTime": "2024-05-07 09:12:03",
        "pointsProvider": "ALIPAYHK"
    });
    assert!(Notification::NAMES.contains(&"pointsRefundNotify"));
    let parsed = Notification::parse("pointsRefundNotify", body).unwrap();
    assert!(matches!(parsed, Notification::PointsRefundNotify(_)));
    // Without the refund amount it is not one: `notify` refuses to send it.
    let partial = serde_json::json!({ "userId": USER, "relateBillNo": BILL });
    assert!(Notification::parse("pointsRefundNotify", partial).is_err());
}
