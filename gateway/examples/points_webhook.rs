//! Host AlipayHK's points notification, de-duplicated on `billNo`, with nothing to configure:
//!
//! `cargo run --example points_webhook`
//!
//! Serves the generated `webhooks::router` on 127.0.0.1 under a merchant path prefix, behind
//! the runtime's signature middleware (the merchant's private key signs answers; AlipayHK's
//! public key verifies notifications). The local gateway then plays AlipayHK: it delivers a
//! transaction, delivers it again as AlipayHK does when an answer is lost, and delivers a
//! second transaction. Points are awarded once per bill.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;

use alipayhk::runtime::notifications::{Delivery, FenceToken, InMemoryStore, Inbox};
use alipayhk::runtime::server::ServerConfig;
use alipayhk::runtime::server::{ServeLimits, serve};
use alipayhk::runtime::{PrivateKey, ResultInfo, ResultStatus};
use alipayhk::webhooks::{Webhooks, router};
use alipayhk::{
    Amount, PointsBillNotifyPointsProvider, PointsBillNotifyRequest, PointsBillNotifyResponse,
};
use alipayhk_gateway::{GatewayConfig, start};

/// The merchant's loyalty system: a points balance per user, and a ledger of the bills it
/// has awarded, with the fence token each was written under. Both change in one step (one
/// lock here; one transaction in a database).
#[derive(Default)]
struct Loyalty {
    books: Mutex<Books>,
}

#[derive(Default)]
struct Books {
    balance: BTreeMap<alipayhk::UserId, i64>,
    ledger: BTreeMap<alipayhk::BillNo, FenceToken>,
}

impl Webhooks for Loyalty {
    async fn points_bill_notify(
        &self,
        bill: PointsBillNotifyRequest,
        delivery: Delivery,
    ) -> Result<PointsBillNotifyResponse, ResultInfo> {
        // One point per HKD 10. The router runs this once per billNo at a time and keeps its
        // S answer; the ledger makes the award itself exactly once even if a process dies
        // between the award and the recorded answer, and refuses a run superseded by a later
        // claim (a paused process whose lease ran out).
        let token = delivery.token().expect("billNo is the key");
        let points = bill.order_amount.value / 1000;
        let mut books = self.books.lock().unwrap_or_else(|e| e.into_inner());
        match books.ledger.get(&bill.bill_no) {
            Some(written) if *written > token => {
                return Err(ResultInfo::new(
                    "SYSTEM_ERROR",
                    ResultStatus::Unknown,
                    "superseded",
                ));
            }
            Some(_) => println!("   bill {} was awarded by an earlier run", bill.bill_no),
            None => {
                books.ledger.insert(bill.bill_no.clone(), token);
                *books.balance.entry(bill.user_id.clone()).or_default() += points;
                println!(
                    "   awarded {points} points for bill {} (token {token})",
                    bill.bill_no
                );
            }
        }
        Ok(PointsBillNotifyResponse::new(ResultInfo::new(
            "SUCCESS",
            ResultStatus::Success,
            "recorded",
        )))
    }
}

fn bill(bill_no: &str, cents: i64) -> PointsBillNotifyRequest {
    PointsBillNotifyRequest::new(
        "2160220000000002",
        bill_no,
        Amount::new("HKD", cents),
        "2026-11-26T12:00:00+08:00",
        PointsBillNotifyPointsProvider::Alipayhk,
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = GatewayConfig::generated("EXAMPLE_CLIENT")?;
    let merchant_pem = config
        .merchant_key
        .clone()
        .ok_or("generated")?
        .to_pkcs8_pem();
    let alipayhk = start(config).await?;

    let loyalty = Arc::new(Loyalty::default());
    // One process: the in-memory store. Several instances share `PostgresStore` or
    // `RedisStore` instead.
    let inbox = Inbox::new(InMemoryStore::default());
    let keys = ServerConfig::new(
        PrivateKey::merchant(&merchant_pem)?,
        alipayhk.platform_public_key.clone(),
        "EXAMPLE_CLIENT",
    );
    // The router verifies AlipayHK's signature itself, over the full path it signed, even
    // nested under a prefix: there is no way to serve it unverified.
    let app = axum::Router::new().nest(
        "/merchant/api/alipayhk",
        router(loyalty.clone(), inbox.clone(), keys),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/merchant/api/alipayhk", listener.local_addr()?);
    // Header-read, idle and connection limits, unlike `axum::serve`.
    let limits = ServeLimits::default();
    tokio::spawn(serve(listener, app, limits, std::future::pending()));
    println!("merchant webhooks at {url}");

    let notifier = alipayhk.notifier(&url)?;
    println!("1. AlipayHK delivers bill B-1 (HKD 180.00)");
    notifier.execute(&bill("B-1", 18_000)).await?;
    println!("2. AlipayHK delivers B-1 again (its answer was lost)");
    let again = notifier.execute(&bill("B-1", 18_000)).await?;
    println!("   answered from the store: {}", again.result.result_code);
    println!("3. AlipayHK delivers bill B-2 (HKD 55.00)");
    notifier.execute(&bill("B-2", 5_500)).await?;

    let balance = loyalty
        .books
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .balance
        .clone();
    println!("balance: {balance:?}");
    if balance.get("2160220000000002") != Some(&23) {
        return Err("points were awarded more than once per bill".into());
    }
    Ok(())
}
