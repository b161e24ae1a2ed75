//! The durable store across real process deaths: a webhook server on `SqliteStore` runs in a
//! child process (this test binary, re-executed), handles a notification, then dies by
//! `abort()` in the middle of a second one. A new process on the same file answers the first
//! from the store without running it again, and runs the second once its lease has run out.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use alipayhk::runtime::notifications::{Delivery, Inbox, SqliteStore};
use alipayhk::runtime::server::ServerConfig;
use alipayhk::runtime::{Client, Error, KeyRole, PrivateKey, PublicKey, ResultInfo, ResultStatus};
use alipayhk::webhooks::{Webhooks, router};
use alipayhk::*;

const CLIENT_ID: &str = "RESTART_CLIENT";
const LEASE: Duration = Duration::from_millis(1500);

/// The child's merchant: appends each award to a file both processes can read; a bill named
/// `CRASH-…` kills the process mid-handler the first time it is seen.
struct Merchant {
    dir: PathBuf,
}

impl Webhooks for Merchant {
    async fn points_bill_notify(
        &self,
        bill: PointsBillNotifyRequest,
        _delivery: Delivery,
    ) -> Result<PointsBillNotifyResponse, ResultInfo> {
        let crashed = self.dir.join("crashed");
        if bill.bill_no.starts_with("CRASH-") && !crashed.exists() {
            std::fs::write(&crashed, "").unwrap();
            std::process::abort();
        }
        let log = self.dir.join("awarded.log");
        let mut text = std::fs::read_to_string(&log).unwrap_or_default();
        text.push_str(&bill.bill_no);
        text.push('\n');
        std::fs::write(&log, text).unwrap();
        Ok(PointsBillNotifyResponse::new(ResultInfo::new(
            "SUCCESS",
            ResultStatus::Success,
            "recorded",
        )))
    }
}

/// Not a test on its own: the webhook server process the test below starts.
#[tokio::test]
#[ignore = "a helper process, started by the restart test"]
async fn webhook_server_process() {
    let Ok(dir) = std::env::var("ALIPAYHK_RESTART_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let config = ServerConfig::new(
        PrivateKey::parse(&read("merchant.pem"), KeyRole::MerchantPrivate).unwrap(),
        PublicKey::parse(&read("platform.pub"), KeyRole::PlatformPublic).unwrap(),
        CLIENT_ID,
    );
    let store = SqliteStore::open(dir.join("notifications.db"))
        .unwrap()
        .with_lease(LEASE);
    let app = router(
        Arc::new(Merchant { dir: dir.clone() }),
        Inbox::new(store),
        config,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    println!("listening http://{}", listener.local_addr().unwrap());
    // Ends when the parent kills it (or the handler aborts); bounded by the parent's timeout.
    let _ = tokio::time::timeout(Duration::from_secs(60), axum::serve(listener, app)).await;
}

/// Starts the server process on `dir`; returns it and its URL.
fn start(dir: &Path) -> (Child, String) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "webhook_server_process",
            "--ignored",
            "--nocapture",
        ])
        .env("ALIPAYHK_RESTART_DIR", dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let url = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("listening ").map(str::to_owned))
        .expect("the server process prints its address");
    (child, url)
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

fn awarded(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("awarded.log"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn what_was_handled_survives_a_crash_and_a_crash_mid_handler_is_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let platform = PrivateKey::generate(KeyRole::PlatformPrivate).unwrap();
    let merchant = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
    std::fs::write(dir.path().join("merchant.pem"), merchant.to_pkcs8_pem()).unwrap();
    std::fs::write(
        dir.path().join("platform.pub"),
        platform.public_key().to_pem(),
    )
    .unwrap();
    let alipayhk = |url: &str| {
        Client::builder()
            .base_url(url)
            .client_id(CLIENT_ID)
            .merchant_key(
                PrivateKey::parse(&platform.to_pkcs8_pem(), KeyRole::PlatformPrivate).unwrap(),
            )
            .platform_key(merchant.public_key())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap()
    };

    let (mut first, url) = start(dir.path());
    let answer = alipayhk(&url).execute(&bill("B-1")).await.unwrap();
    assert_eq!(answer.result.result_code, "SUCCESS");
    // The process dies inside the handler: AlipayHK sees a lost connection.
    let error = alipayhk(&url).execute(&bill("CRASH-1")).await.unwrap_err();
    assert!(error.outcome_unknown(), "{error:?}");
    assert!(!first.wait().unwrap().success());

    let (mut second, url) = start(dir.path());
    let client = alipayhk(&url);
    // B-1 is answered from the file; the handler does not run again.
    let again = client.execute(&bill("B-1")).await.unwrap();
    assert_eq!(again, answer);
    // CRASH-1's claim holds until its lease runs out, then the re-delivery runs it.
    let mut outcome = client.execute(&bill("CRASH-1")).await;
    for _ in 0..40 {
        if !matches!(outcome, Err(Error::Unknown { .. })) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        outcome = client.execute(&bill("CRASH-1")).await;
    }
    assert_eq!(outcome.unwrap().result.result_code, "SUCCESS");
    let _ = second.kill();
    let _ = second.wait();
    assert_eq!(awarded(dir.path()), ["B-1", "CRASH-1"]);
}
