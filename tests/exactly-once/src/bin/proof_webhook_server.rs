//! One webhook server of the exactly-once proof: the generated router on a shared store, a
//! handler that writes the ledger with the fencing pattern.
//!
//! `proof_webhook_server KIND STORE_URL LEDGER_URL PORT KEYS_DIR` (KIND: postgres, redis,
//! sqlite; for sqlite the URLs are file paths).

use std::sync::Arc;
use std::time::Duration;

use alipayhk::runtime::notifications::{
    Delivery, Inbox, NotificationStore, PostgresStore, RedisStore, SqliteStore,
};
use alipayhk::runtime::server::ServerConfig;
use alipayhk::runtime::server::{ServeLimits, serve};
use alipayhk::runtime::{KeyRole, PrivateKey, PublicKey, ResultInfo, ResultStatus};
use alipayhk::webhooks::{Webhooks, router};
use alipayhk::{PointsBillNotifyRequest, PointsBillNotifyResponse};
use alipayhk_exactly_once::{Applied, LEASE, Ledger};

type Error = Box<dyn std::error::Error + Send + Sync>;

struct Merchant {
    ledger: Ledger,
    pid: u32,
}

impl Webhooks for Merchant {
    async fn points_bill_notify(
        &self,
        bill: PointsBillNotifyRequest,
        delivery: Delivery,
    ) -> Result<PointsBillNotifyResponse, ResultInfo> {
        let unknown =
            |message: String| ResultInfo::new("SYSTEM_ERROR", ResultStatus::Unknown, message);
        let token = delivery.token().ok_or_else(|| unknown("no token".into()))?;
        // Work before the side effect, so that kills land mid-handler.
        tokio::time::sleep(Duration::from_millis(fastrand::u64(0..300))).await;
        match self.ledger.apply(&bill.bill_no, token, self.pid).await {
            Ok(Applied::New | Applied::Earlier { .. }) => Ok(PointsBillNotifyResponse::new(
                ResultInfo::new("SUCCESS", ResultStatus::Success, "recorded"),
            )),
            Ok(Applied::Superseded) => Err(unknown("superseded".into())),
            Err(error) => Err(unknown(format!("ledger: {error}"))),
        }
    }
}

async fn run<S: NotificationStore>(
    store: S,
    ledger: Ledger,
    port: u16,
    keys: &str,
) -> Result<(), Error> {
    let read = |name: &str| std::fs::read_to_string(format!("{keys}/{name}"));
    let config = ServerConfig::new(
        PrivateKey::parse(&read("merchant.pem")?, KeyRole::MerchantPrivate)?,
        PublicKey::parse(&read("platform.pub")?, KeyRole::PlatformPublic)?,
        "PROOF_CLIENT",
    );
    let inbox = Inbox::new(store);
    let merchant = Arc::new(Merchant {
        ledger,
        pid: std::process::id(),
    });
    let app = router(merchant, inbox.clone(), config);
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
    let [_, kind, store_url, ledger_url, port, keys] = &args[..] else {
        return Err("usage: proof_webhook_server KIND STORE_URL LEDGER_URL PORT KEYS_DIR".into());
    };
    let port: u16 = port.parse()?;
    let ledger = Ledger::open(kind, ledger_url).await?;
    match kind.as_str() {
        "postgres" => {
            run(
                PostgresStore::connect(store_url).await?.with_lease(LEASE),
                ledger,
                port,
                keys,
            )
            .await
        }
        "redis" => {
            run(
                RedisStore::connect(store_url).await?.with_lease(LEASE),
                ledger,
                port,
                keys,
            )
            .await
        }
        "sqlite" => {
            run(
                SqliteStore::open(store_url)?.with_lease(LEASE),
                ledger,
                port,
                keys,
            )
            .await
        }
        other => Err(format!("no store kind {other}").into()),
    }
}
