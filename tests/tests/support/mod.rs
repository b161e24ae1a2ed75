#![allow(dead_code)] // each test binary uses a different part of the fixture

//! A local gateway with fresh keys and a client configured for it, shared by the end-to-end
//! tests.

use std::time::Duration;

use alipayhk::runtime::{Client, ClientBuilder, PrivateKey, RetryPolicy};
use alipayhk_gateway::{GatewayConfig, RunningGateway, start};

/// The `Client-Id` the fixture's gateway expects.
pub const CLIENT_ID: &str = "E2E_CLIENT";

/// A running gateway and the merchant key its clients sign with.
pub struct Fixture {
    pub gateway: RunningGateway,
    merchant_pem: String,
}

/// Starts a gateway on a free loopback port with freshly generated keys.
pub async fn fixture() -> Fixture {
    fixture_from(GatewayConfig::generated(CLIENT_ID).unwrap()).await
}

/// Starts a gateway from a generated `config` that a test adjusted.
pub async fn fixture_from(config: GatewayConfig) -> Fixture {
    let merchant_pem = config
        .merchant_key
        .as_ref()
        .unwrap()
        .to_pkcs8_pem()
        .to_string();
    Fixture {
        gateway: start(config).await.unwrap(),
        merchant_pem,
    }
}

impl Fixture {
    /// A client builder for the gateway, with a 2 s timeout.
    pub fn builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(self.gateway.url())
            .client_id(CLIENT_ID)
            .merchant_key(PrivateKey::merchant(&self.merchant_pem).unwrap())
            .platform_key(self.gateway.platform_public_key.clone())
            .timeout(Duration::from_secs(2))
    }

    /// The merchant's private key, PKCS#8 PEM, for a client written in another language.
    pub fn merchant_pem(&self) -> &str {
        &self.merchant_pem
    }

    /// A client for the gateway.
    pub fn client(&self) -> Client {
        self.builder().build().unwrap()
    }

    /// Serves the merchant's `webhooks` through the generated router (an in-memory inbox, the
    /// fixture's keys) on a free loopback port, as the merchant's webhook process; its base
    /// URL, a `paymentNotifyUrl`.
    pub async fn serve_webhooks<W: alipayhk::webhooks::Webhooks>(
        &self,
        webhooks: std::sync::Arc<W>,
    ) -> String {
        use alipayhk::runtime::notifications::{InMemoryStore, Inbox};
        use alipayhk::runtime::server::{ServeLimits, ServerConfig, serve};
        let keys = ServerConfig::new(
            PrivateKey::merchant(&self.merchant_pem).unwrap(),
            self.gateway.platform_public_key.clone(),
            CLIENT_ID,
        );
        let app = alipayhk::webhooks::router(webhooks, Inbox::new(InMemoryStore::default()), keys);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let limits = ServeLimits::default();
        tokio::spawn(serve(listener, app, limits, std::future::pending()));
        base
    }
}

/// A retry policy with short waits.
pub fn quick() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
    }
}

/// One `U` answer for requests keyed `key`.
pub fn unknown_once(f: &Fixture, key: &str) {
    f.gateway.faults().script(
        key,
        alipayhk_gateway::Fault::Result {
            code: "SYSTEM_ERROR".into(),
            status: "U".into(),
            message: None,
        },
        Some(1),
    );
}

/// Panics unless `result` is an unknown outcome the server answered `U`.
pub fn assert_unknown<C: std::fmt::Debug, R: std::fmt::Debug>(
    result: Result<R, alipayhk::runtime::Error<C>>,
) {
    assert!(
        matches!(
            result,
            Err(alipayhk::runtime::Error::Unknown {
                reason: alipayhk::runtime::UnknownReason::StatusUnknown,
                ..
            })
        ),
        "expected U, got {result:?}"
    );
}

/// The typed code of an `F` answer; panics on anything else.
pub fn failed_code<C: std::fmt::Debug + Clone, R: std::fmt::Debug>(
    result: Result<R, alipayhk::runtime::Error<C>>,
) -> C {
    match result {
        Err(alipayhk::runtime::Error::Failed { code, .. }) => code,
        other => panic!("expected F, got {other:?}"),
    }
}

/// Sends `request` with its JSON body changed by `edit` and signed afresh: a body the client's
/// own validation would refuse, as a client in another language could send it.
pub async fn send_edited<E: alipayhk::runtime::Endpoint>(
    client: &Client,
    request: &E,
    edit: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>),
) -> Result<E::Response, alipayhk::runtime::Error<E::ResultCode>> {
    let mut signed = client
        .prepare(request)
        .expect("a valid request to start from");
    let mut body: serde_json::Value = serde_json::from_slice(&signed.body).unwrap();
    edit(body.as_object_mut().expect("a JSON object"));
    signed.body = serde_json::to_vec(&body).unwrap();
    client.send::<E>(&client.resign(&signed)).await
}
