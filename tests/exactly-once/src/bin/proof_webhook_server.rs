//! One webhook server of the exactly-once proof: the generated router on a shared store, and
//! a handler that logs every execution reaching its effect (`alipayhk_exactly_once`).
//!
//! `proof_webhook_server KIND MODE STORE_URL PORT KEYS_DIR EFFECTS_DIR` (KIND: postgres,
//! redis, sqlite; MODE: transactional, external; for sqlite the URL is a file path).

use std::sync::Arc;
use std::time::Duration;

use alipayhk::runtime::notifications::{
    Delivery, Inbox, InboxLimits, NotificationStore, PostgresStore, RedisStore, SqliteStore,
    StoreError,
};
use alipayhk::runtime::server::{ServeLimits, ServerConfig, serve};
use alipayhk::runtime::{KeyRole, PrivateKey, PublicKey, ResultInfo, ResultStatus};
use alipayhk::webhooks::{Webhooks, router};
use alipayhk::{PointsBillNotifyRequest, PointsBillNotifyResponse};
use alipayhk_exactly_once::{EffectsLog, LEASE, STORE_TIMEOUT};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The effect's table in the store's database: no unique constraint, so a double shows.
const EFFECTS_TABLE: &str = "CREATE TABLE IF NOT EXISTS proof_effects (bill text NOT NULL, token bigint NOT NULL, pid int NOT NULL)";

struct Merchant {
    log: EffectsLog,
    transactional: bool,
}

fn unknown(message: String) -> ResultInfo {
    ResultInfo::new("SYSTEM_ERROR", ResultStatus::Unknown, message)
}

impl Merchant {
    /// The effect: a row in the delivery's transaction, or a call elsewhere.
    async fn effect(&self, bill: &str, delivery: &Delivery) -> Result<(), ResultInfo> {
        let store = |e: StoreError| unknown(format!("effect: {e}"));
        let token = delivery.token().map_or(0, |t| t.get());
        let pid = std::process::id() as i32;
        if !self.transactional {
            // A call to a points provider, in flight for a moment.
            tokio::time::sleep(Duration::from_millis(fastrand::u64(0..50))).await;
        } else if let Some(tx) = delivery.postgres() {
            let client = tx.client().await.map_err(store)?;
            client
                .execute(
                    "INSERT INTO proof_effects (bill, token, pid) VALUES ($1, $2, $3)",
                    &[&bill, &(token as i64), &pid],
                )
                .await
                .map_err(|e| unknown(format!("effect: {e}")))?;
        } else if let Some(tx) = delivery.sqlite() {
            let bill = bill.to_owned();
            tx.run(move |db| {
                db.execute(
                    "INSERT INTO proof_effects (bill, token, pid) VALUES (?1, ?2, ?3)",
                    (bill, token as i64, pid),
                )
            })
            .await
            .map_err(store)?;
        } else {
            return Err(unknown("this store has no transaction".into()));
        }
        Ok(())
    }
}

impl Webhooks for Merchant {
    async fn points_bill_notify(
        &self,
        bill: PointsBillNotifyRequest,
        delivery: Delivery,
    ) -> Result<PointsBillNotifyResponse, ResultInfo> {
        let token = delivery.token().ok_or_else(|| unknown("no token".into()))?;
        // Work before the effect, so that faults land mid-handler; one in twenty takes longer
        // than the lease, so its claim lives on renewals.
        let work = if fastrand::u8(0..20) == 0 {
            3_000
        } else {
            fastrand::u64(0..300)
        };
        tokio::time::sleep(Duration::from_millis(work)).await;
        let bill_no = bill.bill_no.as_str();
        let log = |phase| {
            self.log
                .append(phase, bill_no, token.get())
                .map_err(|e| unknown(format!("effects log: {e}")))
        };
        log("begin")?;
        self.effect(bill_no, &delivery).await?;
        log("end")?;
        Ok(PointsBillNotifyResponse::new(ResultInfo::new(
            "SUCCESS",
            ResultStatus::Success,
            "recorded",
        )))
    }
}

async fn run<S: NotificationStore>(
    store: S,
    merchant: Merchant,
    port: u16,
    keys: &str,
) -> Result<(), Error> {
    let read = |name: &str| std::fs::read_to_string(format!("{keys}/{name}"));
    let config = ServerConfig::new(
        PrivateKey::parse(&read("merchant.pem")?, KeyRole::MerchantPrivate)?,
        PublicKey::parse(&read("platform.pub")?, KeyRole::PlatformPublic)?,
        "PROOF_CLIENT",
    );
    let inbox = Inbox::with_limits(store, InboxLimits::default().store_timeout(STORE_TIMEOUT));
    let app = router(Arc::new(merchant), inbox.clone(), config);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening {port}");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    serve(listener, app, ServeLimits::default(), shutdown).await?;
    inbox.shutdown(Duration::from_secs(10)).await;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().collect();
    let [_, kind, mode, store_url, port, keys, effects] = &args[..] else {
        return Err(
            "usage: proof_webhook_server KIND MODE STORE_URL PORT KEYS_DIR EFFECTS_DIR".into(),
        );
    };
    let port: u16 = port.parse()?;
    let merchant = Merchant {
        log: EffectsLog::open(effects)?,
        transactional: mode == "transactional",
    };
    match kind.as_str() {
        "postgres" => {
            let store = PostgresStore::connect(store_url).await?.with_lease(LEASE);
            let (client, connection) =
                tokio_postgres::connect(store_url, tokio_postgres::NoTls).await?;
            tokio::spawn(connection);
            // Servers starting together race to create the table: retry once.
            if client.batch_execute(EFFECTS_TABLE).await.is_err() {
                tokio::time::sleep(Duration::from_millis(200)).await;
                client.batch_execute(EFFECTS_TABLE).await?;
            }
            run(store, merchant, port, keys).await
        }
        "redis" => {
            run(
                RedisStore::connect(store_url).await?.with_lease(LEASE),
                merchant,
                port,
                keys,
            )
            .await
        }
        "sqlite" => {
            let store = SqliteStore::open(store_url)?.with_lease(LEASE);
            let db = rusqlite::Connection::open(store_url)?;
            db.busy_timeout(Duration::from_secs(30))?;
            db.execute_batch(
                &EFFECTS_TABLE
                    .replace("bigint", "INTEGER")
                    .replace("int ", "INTEGER "),
            )?;
            run(store, merchant, port, keys).await
        }
        other => Err(format!("no store kind {other}").into()),
    }
}
