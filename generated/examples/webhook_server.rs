//! A merchant's webhook server for AlipayHK's notifications, as it would run in production:
//! keys from files, notifications de-duplicated in an SQLite file, bounded connections,
//! graceful shutdown on Ctrl-C, and every refusal logged.
//!
//! ```sh
//! cargo run -p alipayhk --example webhook_server --features sqlite -- \
//!     --merchant-key merchant_private.pem --alipayhk-public-key alipayhk_public.pem \
//!     --client-id YOUR-CLIENT-ID --listen 127.0.0.1:8443 --db notifications.sqlite
//! ```
//!
//! It serves `pointsBillNotify` and `membercardCreate` under `/merchant/api/alipayhk`. The
//! README's "Trying the webhook server" shows how to deliver notifications to it from the
//! local gateway. `RUST_LOG` sets what is logged (`info` by default, which includes every
//! refused notification and why).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use alipayhk::runtime::keys::files::read_private_key;
use alipayhk::runtime::notifications::{Delivery, FenceToken, Inbox, SqliteStore};
use alipayhk::runtime::server::{ServeLimits, ServerConfig, axum, serve};
use alipayhk::runtime::{KeyRole, PublicKey, ResultInfo, ResultStatus};
use alipayhk::webhooks::{Webhooks, router};
use alipayhk::{PointsBillNotifyRequest, PointsBillNotifyResponse};

/// What the program is told on its command line.
struct Options {
    merchant_key: PathBuf,
    alipayhk_public_key: PathBuf,
    client_id: String,
    listen: SocketAddr,
    db: PathBuf,
}

impl Options {
    fn parse() -> Result<Self, String> {
        let mut values = BTreeMap::new();
        let mut args = std::env::args().skip(1);
        while let Some(flag) = args.next() {
            let value = args.next().ok_or(format!("{flag} needs a value"))?;
            values.insert(flag, value);
        }
        let mut take = |flag: &str| values.remove(flag);
        let required =
            |value: Option<String>, flag: &str| value.ok_or(format!("{flag} is required"));
        let options = Self {
            merchant_key: required(take("--merchant-key"), "--merchant-key")?.into(),
            alipayhk_public_key: required(take("--alipayhk-public-key"), "--alipayhk-public-key")?
                .into(),
            client_id: required(take("--client-id"), "--client-id")?,
            listen: take("--listen")
                .unwrap_or_else(|| "127.0.0.1:8443".to_owned())
                .parse()
                .map_err(|e| format!("--listen: {e}"))?,
            db: take("--db")
                .unwrap_or_else(|| "notifications.sqlite".to_owned())
                .into(),
        };
        match values.keys().next() {
            Some(unknown) => Err(format!("unknown flag {unknown}")),
            None => Ok(options),
        }
    }
}

/// The merchant's loyalty system. Here a ledger in memory; in production the points and the
/// ledger row go in one database transaction, conditional on the delivery's fence token.
#[derive(Default)]
struct Loyalty {
    ledger: Mutex<BTreeMap<alipayhk::BillNo, FenceToken>>,
}

impl Webhooks for Loyalty {
    async fn points_bill_notify(
        &self,
        bill: PointsBillNotifyRequest,
        delivery: Delivery,
    ) -> Result<PointsBillNotifyResponse, ResultInfo> {
        let token = delivery.token().expect("billNo is the key");
        let mut ledger = self.ledger.lock().unwrap_or_else(|e| e.into_inner());
        match ledger.get(&bill.bill_no) {
            // A later claim wrote first: this run was superseded, and must not answer S.
            Some(written) if *written > token => {
                return Err(ResultInfo::new(
                    "SYSTEM_ERROR",
                    ResultStatus::Unknown,
                    "superseded",
                ));
            }
            Some(_) => tracing::info!(bill = %bill.bill_no, "already credited by an earlier run"),
            None => {
                ledger.insert(bill.bill_no.clone(), token);
                let points = bill.order_amount.value / 1000;
                tracing::info!(bill = %bill.bill_no, points, %token, "credited");
            }
        }
        Ok(PointsBillNotifyResponse::new(ResultInfo::new(
            "SUCCESS",
            ResultStatus::Success,
            "recorded",
        )))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let options = Options::parse()?;
    // Warns when the key file can be read by others, as ssh does.
    let merchant_key = read_private_key(&options.merchant_key, KeyRole::MerchantPrivate)?;
    let alipayhk_key =
        PublicKey::platform(&std::fs::read_to_string(&options.alipayhk_public_key)?)?;
    let keys = ServerConfig::new(merchant_key, alipayhk_key, options.client_id.as_str());

    // One host: the SQLite store (created 0600). Several instances share `PostgresStore` or
    // `RedisStore` instead (features `postgres`, `redis`).
    let inbox = Inbox::new(SqliteStore::open(&options.db)?);
    let app = axum::Router::new().nest(
        "/merchant/api/alipayhk",
        router(Arc::new(Loyalty::default()), inbox.clone(), keys),
    );
    let listener = tokio::net::TcpListener::bind(options.listen).await?;
    tracing::info!(url = %format!("http://{}/merchant/api/alipayhk", listener.local_addr()?), "serving");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    };
    serve(listener, app, ServeLimits::default(), shutdown).await?;
    // Handlers still running after the connections closed get this long to finish.
    let left = inbox.shutdown(Duration::from_secs(30)).await;
    tracing::info!(?left, "stopped");
    Ok(())
}
