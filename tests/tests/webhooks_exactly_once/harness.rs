//! The merchant, its server and AlipayHK's client, shared by the exactly-once tests.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use alipayhk::runtime::notifications::{Delivery, FenceToken, Inbox, NotificationStore};
use alipayhk::runtime::server::ServerConfig;
use alipayhk::runtime::server::{ServeLimits, serve};
use alipayhk::runtime::{Client, Error, KeyRole, PrivateKey, PublicKey, ResultInfo, ResultStatus};
use alipayhk::webhooks::{Webhooks, router};
use alipayhk::*;

pub const CLIENT_ID: &str = "EXACTLY_ONCE";

/// The merchant: how a bill behaves is in its number (`SLOW-`, `UNKNOWN-`, `HANG-`); every
/// run is counted, with the token it ran under, and a ledger keeps one entry per bill, written
/// only under a token newer than any before (the fencing pattern).
#[derive(Default)]
pub struct Merchant {
    pub runs: Mutex<Vec<(String, FenceToken)>>,
    pub ledger: Mutex<BTreeMap<String, FenceToken>>,
    pub superseded_writes: AtomicUsize,
    pub slow: Mutex<Duration>,
    /// Runs inside their effect now, and the most there ever were at once.
    pub in_effect: AtomicUsize,
    pub most_in_effect: AtomicUsize,
}

impl Merchant {
    pub fn runs_of(&self, bill: &str) -> usize {
        self.runs
            .lock()
            .unwrap()
            .iter()
            .filter(|(b, _)| b == bill)
            .count()
    }
}

fn answer(status: ResultStatus) -> PointsBillNotifyResponse {
    PointsBillNotifyResponse::new(ResultInfo::new(
        if status == ResultStatus::Success {
            "SUCCESS"
        } else {
            "SYSTEM_ERROR"
        },
        status,
        "",
    ))
}

impl Webhooks for Merchant {
    async fn points_bill_notify(
        &self,
        bill: PointsBillNotifyRequest,
        delivery: Delivery,
    ) -> Result<PointsBillNotifyResponse, ResultInfo> {
        let bill_no = bill.bill_no.into_inner();
        let token = delivery.token().expect("billNo is the key");
        let run = {
            let mut runs = self.runs.lock().unwrap();
            runs.push((bill_no.clone(), token));
            runs.iter().filter(|(b, _)| *b == bill_no).count()
        };
        if bill_no.starts_with("SLOW-") {
            let slow = *self.slow.lock().unwrap();
            tokio::time::sleep(slow).await;
        }
        if bill_no.starts_with("BLOCK-") {
            // An effect that blocks its thread (a synchronous SDK call): an abort cannot stop
            // it until it yields.
            let now = self.in_effect.fetch_add(1, Ordering::SeqCst) + 1;
            self.most_in_effect.fetch_max(now, Ordering::SeqCst);
            if run == 1 {
                std::thread::sleep(Duration::from_millis(1500));
            }
            self.in_effect.fetch_sub(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
        }
        if bill_no.starts_with("HANG-") && run == 1 {
            std::future::pending::<()>().await;
        }
        if bill_no.starts_with("UNKNOWN-") && run == 1 {
            // The merchant's own database was down: Ok, but with U.
            return Ok(answer(ResultStatus::Unknown));
        }
        let mut ledger = self.ledger.lock().unwrap();
        match ledger.get(&bill_no) {
            Some(newer) if *newer > token => {
                self.superseded_writes.fetch_add(1, Ordering::SeqCst);
                return Err(ResultInfo::new(
                    "SYSTEM_ERROR",
                    ResultStatus::Unknown,
                    "superseded",
                ));
            }
            _ => {
                ledger.insert(bill_no, token);
            }
        }
        Ok(answer(ResultStatus::Success))
    }
}

pub struct Side<S> {
    pub url: String,
    pub merchant: Arc<Merchant>,
    pub inbox: Inbox<S>,
    pub platform_pem: String,
    pub merchant_public: PublicKey,
    pub stop: Option<tokio::sync::oneshot::Sender<()>>,
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
}

pub async fn serve_on<S: NotificationStore>(inbox: Inbox<S>) -> Side<S> {
    let platform = PrivateKey::generate(KeyRole::PlatformPrivate).unwrap();
    let merchant_key = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
    let merchant_public = merchant_key.public_key();
    let config = ServerConfig::new(merchant_key, platform.public_key(), CLIENT_ID);
    let merchant = Arc::new(Merchant::default());
    *merchant.slow.lock().unwrap() = Duration::from_secs(5);
    let app = router(merchant.clone(), inbox.clone(), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let server = tokio::spawn(serve(listener, app, ServeLimits::default(), async {
        let _ = stopped.await;
    }));
    Side {
        url,
        merchant,
        inbox,
        platform_pem: platform.to_pkcs8_pem().to_string(),
        merchant_public,
        stop: Some(stop),
        server,
    }
}

impl<S> Side<S> {
    /// AlipayHK, giving up on a delivery after `timeout`.
    pub fn alipayhk(&self, timeout: Duration) -> Client {
        Client::builder()
            .base_url(&self.url)
            .client_id(CLIENT_ID)
            .merchant_key(PrivateKey::parse(&self.platform_pem, KeyRole::PlatformPrivate).unwrap())
            .platform_key(self.merchant_public.clone())
            .timeout(timeout)
            .build()
            .unwrap()
    }
}

pub fn bill(bill_no: &str) -> PointsBillNotifyRequest {
    PointsBillNotifyRequest::new(
        "2160220000000002",
        bill_no,
        Amount::new("HKD", 1800),
        "2026-12-02 11:12:13",
        PointsBillNotifyPointsProvider::Alipayhk,
    )
}

pub fn status_of<C: std::fmt::Debug>(
    result: &Result<PointsBillNotifyResponse, Error<C>>,
) -> &'static str {
    match result {
        Ok(_) => "S",
        Err(Error::Failed { .. }) => "F",
        Err(error) if error.outcome_unknown() => "U",
        Err(_) => "error",
    }
}
