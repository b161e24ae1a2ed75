//! The resolver across a real process death: a merchant process (this test binary,
//! re-executed) writes its intents to an SQLite file and starts payments that stay processing;
//! the test kills it with SIGKILL mid-procedure. A new process on the same file resumes the
//! intents it left, and the gateway's ledger shows each payment made once or not at all, as
//! the resumer reports.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use alipayhk::runtime::resolve::{ResolvePolicy, Resolver, Settlement, SqliteIntentStore};
use alipayhk::runtime::{Client, KeyRole, PrivateKey, PublicKey};
use alipayhk::{
    PayRequest, PaymentAmount, PaymentMethod, PaymentMethodType, PaymentOrder, PaymentProductCode,
};
use alipayhk_gateway::{Fault, GatewayConfig, LedgerOutcome, start};

const CLIENT_ID: &str = "RESTART_CLIENT";
const LEASE: Duration = Duration::from_millis(1500);

fn resolver(dir: &std::path::Path, url: &str) -> Resolver<SqliteIntentStore> {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let client = Client::builder()
        .base_url(url)
        .client_id(CLIENT_ID)
        .merchant_key(PrivateKey::parse(&read("merchant.pem"), KeyRole::MerchantPrivate).unwrap())
        .platform_key(PublicKey::parse(&read("platform.pub"), KeyRole::PlatformPublic).unwrap())
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let store = SqliteIntentStore::open(dir.join("merchant.db"))
        .unwrap()
        .with_lease(LEASE);
    // The deadline is written with each intent: the process that starts a payment decides it.
    Resolver::new(client, store)
        .policy(ResolvePolicy {
            deadline: Duration::from_secs(3),
            cancel_window: Duration::from_secs(5),
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_millis(200),
        })
        .register::<PayRequest>()
}

fn pay(request_id: &str, code: &str) -> PayRequest {
    let hkd = || PaymentAmount::new().currency("HKD").value("1200");
    PayRequest::new(
        PaymentOrder::new()
            .reference_order_id(request_id)
            .order_description("Coffee")
            .order_amount(hkd()),
    )
    .acquirer_id("ACQUIRER")
    .psp_id("PSP")
    .product_code(PaymentProductCode::InStorePayment)
    .payment_request_id(request_id)
    .payment_amount(hkd())
    .payment_method(
        PaymentMethod::new()
            .payment_method_type(PaymentMethodType::ConnectWallet)
            .payment_method_id(code),
    )
}

/// Not a test on its own: the merchant process the test below starts and kills.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a helper process, started by the restart test"]
async fn merchant_process() {
    let (Ok(dir), Ok(url)) = (
        std::env::var("ALIPAYHK_RESTART_DIR"),
        std::env::var("ALIPAYHK_GATEWAY_URL"),
    ) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let codes = std::fs::read_to_string(dir.join("codes")).unwrap();
    let resolver = std::sync::Arc::new(resolver(&dir, &url));
    let mut running = Vec::new();
    for (n, code) in codes.lines().enumerate() {
        let resolver = resolver.clone();
        let request = pay(&format!("R-{n}"), code);
        running.push(tokio::spawn(
            async move { resolver.execute(&request).await },
        ));
    }
    // The intents are written and the payments sent: the parent may kill from here.
    tokio::time::sleep(Duration::from_millis(300)).await;
    println!("paying");
    for run in running {
        let _ = run.await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payments_left_by_a_killed_process_are_settled_by_the_next() {
    let config = GatewayConfig::generated(CLIENT_ID).unwrap();
    let merchant = config.merchant_key.clone().unwrap();
    let gateway = start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("merchant.pem"), merchant.to_pkcs8_pem()).unwrap();
    std::fs::write(
        dir.path().join("platform.pub"),
        gateway.platform_public_key.to_pem(),
    )
    .unwrap();
    // Half complete while the process is dead; half stay processing past the deadline and
    // must be cancelled by the next process.
    let mut codes = String::new();
    for n in 0..6 {
        let millis = if n % 2 == 0 { 1_000 } else { 600_000 };
        gateway
            .faults()
            .script(&format!("R-{n}"), Fault::Processing { millis }, Some(1));
        codes.push_str(&gateway.issue_payment_code("2160220000000002", "ALIPAY_HK"));
        codes.push('\n');
    }
    std::fs::write(dir.path().join("codes"), codes).unwrap();

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "merchant_process", "--ignored", "--nocapture"])
        .env("ALIPAYHK_RESTART_DIR", dir.path())
        .env("ALIPAYHK_GATEWAY_URL", gateway.url())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let started = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|line| line == "paying");
    assert!(started, "the merchant process started its payments");
    child.kill().unwrap(); // SIGKILL: no destructor, no flush, no goodbye.
    child.wait().unwrap();

    tokio::time::sleep(LEASE + Duration::from_millis(300)).await;
    let next = resolver(dir.path(), &gateway.url());
    let report = next.resume().await.unwrap();
    assert_eq!(report.len(), 6, "{report:?}");
    let ledger = gateway.payment_ledger();
    for resumed in &report {
        let id = resumed.key.as_str().rsplit(':').next().unwrap().to_owned();
        let entry = ledger
            .iter()
            .find(|e| e.payment_request_id == id)
            .unwrap_or_else(|| panic!("{id} is in the ledger"));
        match &resumed.settlement {
            Settlement::Done(_) => {
                assert_eq!(entry.outcome, LedgerOutcome::Paid, "{id}");
                assert_eq!(entry.charges, 1, "{id}");
            }
            Settlement::Cancelled => {
                assert_ne!(entry.outcome, LedgerOutcome::Paid, "{id}");
            }
            other => panic!("{id}: {other:?}"),
        }
    }
    let paid = report
        .iter()
        .filter(|r| matches!(r.settlement, Settlement::Done(_)))
        .count();
    assert_eq!(paid, 3, "{report:?}");
}
