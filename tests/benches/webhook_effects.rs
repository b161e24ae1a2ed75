//! What exactly-once effects cost: notifications per second through the webhook router on
//! `PostgresStore` in transactional mode (claim, the handler's row in the delivery's
//! transaction, the fenced answer, commit), against a bare `INSERT … ON CONFLICT` of the same
//! record row on the same server, 16 at a time each, in the same run. A third figure, the
//! router on `InMemoryStore`, separates what HTTP and RSA cost (two signatures and two
//! verifications per notification) from what the database costs; a fourth, RSA-2048
//! signatures alone on every core, is the ceiling the protocol puts on any router here.
//!
//! `ALIPAYHK_TEST_POSTGRES_URL=postgres://… cargo bench -p alipayhk-tests --bench webhook_effects`
//! (`scripts/stores.sh start-postgres DIR PORT` starts a server and prints its URL).

use std::sync::Arc;
use std::time::{Duration, Instant};

use alipayhk::runtime::notifications::{
    Delivery, InMemoryStore, Inbox, NotificationStore, PostgresStore,
};
use alipayhk::runtime::server::{ServeLimits, ServerConfig, serve};
use alipayhk::runtime::sign::SignedContent;
use alipayhk::runtime::{Client, KeyRole, PrivateKey, ResultInfo, ResultStatus};
use alipayhk::webhooks::{Webhooks, router};
use alipayhk::{
    Amount, PointsBillNotifyPointsProvider, PointsBillNotifyRequest, PointsBillNotifyResponse,
};
use tokio::sync::Semaphore;

const NOTIFICATIONS: usize = 2_000;
const IN_FLIGHT: usize = 16;

struct Ledger;

impl Webhooks for Ledger {
    async fn points_bill_notify(
        &self,
        bill: PointsBillNotifyRequest,
        delivery: Delivery,
    ) -> Result<PointsBillNotifyResponse, ResultInfo> {
        let retry = |e: String| ResultInfo::new("SYSTEM_ERROR", ResultStatus::Unknown, e);
        if let Some(tx) = delivery.postgres() {
            let db = tx.client().await.map_err(|e| retry(e.to_string()))?;
            db.execute(
                "INSERT INTO bench_points (bill, cents) VALUES ($1, $2)",
                &[&bill.bill_no.as_str(), &bill.order_amount.value],
            )
            .await
            .map_err(|e| retry(e.to_string()))?;
        }
        Ok(PointsBillNotifyResponse::new(ResultInfo::new(
            "SUCCESS",
            ResultStatus::Success,
            "recorded",
        )))
    }
}

fn bill(n: usize, run: u128) -> PointsBillNotifyRequest {
    PointsBillNotifyRequest::new(
        "2160220000000002",
        format!("B{run}-{n:06}"),
        Amount::new("HKD", 1800),
        "2026-12-02 11:12:13",
        PointsBillNotifyPointsProvider::Alipayhk,
    )
}

/// Notifications per second through the router on `store`.
async fn through_router<S: NotificationStore>(store: S) -> f64 {
    let platform = PrivateKey::generate(KeyRole::PlatformPrivate).unwrap();
    let merchant = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
    let merchant_public = merchant.public_key();
    let config = ServerConfig::new(merchant, platform.public_key(), "BENCH_CLIENT");
    let app = router(Arc::new(Ledger), Inbox::new(store), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(serve(
        listener,
        app,
        ServeLimits::default(),
        std::future::pending(),
    ));
    let alipayhk = Arc::new(
        Client::builder()
            .base_url(url)
            .client_id("BENCH_CLIENT")
            .merchant_key(platform)
            .platform_key(merchant_public)
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
    );
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..NOTIFICATIONS {
        let permit = slots.clone().acquire_owned().await.unwrap();
        let alipayhk = alipayhk.clone();
        tasks.push(tokio::spawn(async move {
            alipayhk.execute(&bill(n, run)).await.expect("answered S");
            drop(permit);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    NOTIFICATIONS as f64 / started.elapsed().as_secs_f64()
}

/// Bare upserts of the record row per second, `IN_FLIGHT` connections at a time.
async fn bare_upserts(url: &str) -> f64 {
    let mut connections = Vec::new();
    for _ in 0..IN_FLIGHT {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        connections.push(client);
    }
    connections[0]
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS bench_bare (key bytea PRIMARY KEY, token bigint NOT NULL,
             state smallint NOT NULL, answer bytea, expires_at timestamptz NOT NULL);
             TRUNCATE bench_bare",
        )
        .await
        .unwrap();
    let answer = br#"{"result":{"resultCode":"SUCCESS","resultStatus":"S"}}"#.to_vec();
    let started = Instant::now();
    let per_connection = NOTIFICATIONS / IN_FLIGHT;
    let mut tasks = Vec::new();
    for (c, client) in connections.into_iter().enumerate() {
        let answer = answer.clone();
        tasks.push(tokio::spawn(async move {
            let statement = client
                .prepare(
                    "INSERT INTO bench_bare (key, token, state, answer, expires_at)
                     VALUES ($1, 1, 3, $2, now() + interval '50 hours')
                     ON CONFLICT (key) DO UPDATE SET answer = excluded.answer",
                )
                .await
                .unwrap();
            for n in 0..per_connection {
                let key = format!("{c:04}-{n:08}").into_bytes();
                client.execute(&statement, &[&key, &answer]).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    (per_connection * IN_FLIGHT) as f64 / started.elapsed().as_secs_f64()
}

/// SHA256withRSA-2048 signatures per second on every core. Every notification costs two: the
/// one AlipayHK signs it with (the driver's, on this machine) and the router's answer's; so
/// half of this is the most any router can answer here, whatever its store.
fn signatures() -> f64 {
    let key = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
    let body =
        br#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"recorded"}}"#;
    let content = SignedContent {
        method: "POST",
        path: "/api/open/alipay/v1/points/notify",
        client_id: "BENCH_CLIENT",
        time: "2026-12-02T11:12:13+08:00",
        body,
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let per_thread = NOTIFICATIONS / threads;
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for _ in 0..per_thread {
                    std::hint::black_box(content.sign(&key));
                }
            });
        }
    });
    (per_thread * threads) as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let Ok(url) = std::env::var("ALIPAYHK_TEST_POSTGRES_URL") else {
        eprintln!("set ALIPAYHK_TEST_POSTGRES_URL to a PostgreSQL server (scripts/stores.sh)");
        return;
    };
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS bench_points (bill text NOT NULL, cents bigint NOT NULL)",
        )
        .await
        .unwrap();
    let bare = bare_upserts(&url).await;
    let transactional = through_router(PostgresStore::connect(&url).await.unwrap()).await;
    let memory = through_router(InMemoryStore::default()).await;
    let signatures = signatures();
    println!("{NOTIFICATIONS} notifications, {IN_FLIGHT} at a time:");
    println!("| path | per second | ratio |");
    println!("|---|---|---|");
    println!("| bare `INSERT … ON CONFLICT` of the record row | {bare:.0} | baseline |");
    println!(
        "| router, `PostgresStore`, transactional handler | {transactional:.0} | {:.2}× |",
        transactional / bare
    );
    println!(
        "| router, `InMemoryStore` (HTTP and RSA only) | {memory:.0} | {:.2}× |",
        memory / bare
    );
    println!(
        "| RSA-2048 signatures alone, every core (two per notification) | {signatures:.0} | {:.2}× |",
        signatures / bare
    );
    println!(
        "ceiling for any router here: {:.0} notifications/s ({:.2}× the baseline)",
        signatures / 2.0,
        signatures / 2.0 / bare
    );
}
