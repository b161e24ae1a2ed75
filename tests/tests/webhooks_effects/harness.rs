//! Webhook instances of one merchant on 127.0.0.1, and AlipayHK's client to each.

use std::sync::Arc;
use std::time::Duration;

use alipayhk::runtime::notifications::{Inbox, NotificationStore};
use alipayhk::runtime::server::{ServeLimits, ServerConfig, serve};
use alipayhk::runtime::{Client, Error, KeyRole, PrivateKey};
use alipayhk::webhooks::{Webhooks, router};
use alipayhk::*;

pub const CLIENT_ID: &str = "EFFECTS";

/// The merchant's two key pairs and AlipayHK's, shared by every instance.
pub struct Keys {
    platform_pem: String,
    merchant_pem: String,
}

impl Keys {
    pub fn new() -> Self {
        let platform = PrivateKey::generate(KeyRole::PlatformPrivate).unwrap();
        let merchant = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
        Self {
            platform_pem: platform.to_pkcs8_pem().to_string(),
            merchant_pem: merchant.to_pkcs8_pem().to_string(),
        }
    }

    /// Serves `webhooks` on `inbox` at a port of its own; its URL.
    pub async fn serve<W: Webhooks, S: NotificationStore>(
        &self,
        webhooks: Arc<W>,
        inbox: Inbox<S>,
    ) -> String {
        let merchant = PrivateKey::parse(&self.merchant_pem, KeyRole::MerchantPrivate).unwrap();
        let platform = PrivateKey::parse(&self.platform_pem, KeyRole::PlatformPrivate).unwrap();
        let config = ServerConfig::new(merchant, platform.public_key(), CLIENT_ID);
        let app = router(webhooks, inbox, config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(serve(
            listener,
            app,
            ServeLimits::default(),
            std::future::pending(),
        ));
        url
    }

    /// AlipayHK delivering to `url`, giving up after `timeout`.
    pub fn alipayhk(&self, url: &str, timeout: Duration) -> Client {
        let merchant = PrivateKey::parse(&self.merchant_pem, KeyRole::MerchantPrivate).unwrap();
        Client::builder()
            .base_url(url)
            .client_id(CLIENT_ID)
            .merchant_key(PrivateKey::parse(&self.platform_pem, KeyRole::PlatformPrivate).unwrap())
            .platform_key(merchant.public_key())
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

/// The URL of the test environment's PostgreSQL (`kind` `POSTGRES`) or PgBouncer in front of
/// it (`PGBOUNCER`), from `scripts/stores.sh`; `None` (a note) when it is not set and not
/// required.
pub fn postgres_url(kind: &str) -> Option<String> {
    match std::env::var(format!("ALIPAYHK_TEST_{kind}_URL")) {
        Ok(url) => Some(url),
        Err(_) if std::env::var("ALIPAYHK_REQUIRE_STORES").as_deref() == Ok("1") => {
            panic!("ALIPAYHK_REQUIRE_STORES=1 but ALIPAYHK_TEST_{kind}_URL is not set")
        }
        Err(_) => {
            eprintln!("note: {kind} checks skipped; set ALIPAYHK_TEST_{kind}_URL");
            None
        }
    }
}
