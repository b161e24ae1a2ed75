//! Serving the gateway on 127.0.0.1.

use std::net::SocketAddr;
use std::sync::Arc;

use alipayhk::runtime::request_time::Freshness;
use alipayhk::runtime::server::ServerConfig;
use alipayhk::runtime::server::{ServeLimits, serve};
use alipayhk::runtime::{BuildError, Client, ClientBuilder, KeyRole, PrivateKey, PublicKey};
use axum::middleware::from_fn_with_state;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::Gateway;
use crate::console::{Console, RequestLog};
use crate::fault_layer;
use crate::notify::NotifyKeys;

/// Keys, identity and address of a gateway.
#[derive(Debug)]
pub struct GatewayConfig {
    /// The `Client-Id` requests must carry.
    pub client_id: String,
    /// AlipayHK's side: signs responses, decrypts encrypted requests.
    pub platform_key: PrivateKey,
    /// The merchant's public key: verifies requests, encrypts responses.
    pub merchant_public_key: PublicKey,
    /// The merchant's private key, when the gateway generated the pair (clients need it).
    pub merchant_key: Option<Arc<PrivateKey>>,
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The state and behaviour.
    pub gateway: Arc<Gateway>,
    /// The `Request-Time` window: 5 minutes ahead, and 15 minutes back by default. A real
    /// gateway has no reason to accept a request older than a client's timeout plus clock
    /// skew, and a narrow window makes a captured request useless soon after.
    pub freshness: Freshness,
    /// Timeouts and the connection cap.
    pub limits: ServeLimits,
    /// Whether `/console` is served (on by default): the request log, the state, and forms to
    /// script a fault and send a notification. It needs no signature: bind it only where
    /// the people who may use it can reach it (the gateway binds 127.0.0.1).
    pub console: bool,
    /// How much faster than AlipayHK's schedule notifyPayment is delivered again while the
    /// merchant does not answer `S` (1.0, AlipayHK's own, by default).
    pub redelivery_speed: f64,
}

/// The gateway's default `Request-Time` window.
pub fn default_freshness() -> Freshness {
    Freshness {
        max_skew: std::time::Duration::from_secs(5 * 60),
        max_age: std::time::Duration::from_secs(15 * 60),
    }
}

impl GatewayConfig {
    /// A configuration with freshly generated platform and merchant key pairs, a free port,
    /// and one active pass, `2020091119027102160530200000039`.
    pub fn generated(client_id: &str) -> std::io::Result<Self> {
        let platform_key =
            PrivateKey::generate(KeyRole::PlatformPrivate).map_err(std::io::Error::other)?;
        let merchant_key =
            PrivateKey::generate(KeyRole::MerchantPrivate).map_err(std::io::Error::other)?;
        Ok(Self {
            client_id: client_id.to_owned(),
            platform_key,
            merchant_public_key: merchant_key.public_key(),
            merchant_key: Some(Arc::new(merchant_key)),
            port: 0,
            gateway: Arc::new(Gateway::with_passes([
                "2020091119027102160530200000039".to_owned()
            ])),
            freshness: default_freshness(),
            limits: ServeLimits::default(),
            console: true,
            redelivery_speed: 1.0,
        })
    }
}

/// A gateway serving in the background. Dropping it stops it at once and closes every
/// connection, idle keep-alive ones included, so a client's next call is refused rather than
/// served; [`stop`](Self::stop) lets the requests in flight finish first. Its state is one
/// deref away: `running.pass(id)`, `running.faults()`.
#[derive(Debug)]
pub struct RunningGateway {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Its state: passes, faults, request count.
    pub gateway: Arc<Gateway>,
    /// AlipayHK's public key, for clients to verify responses with.
    pub platform_public_key: PublicKey,
    notify: NotifyKeys,
    delivery: tokio::task::JoinHandle<()>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::ops::Deref for RunningGateway {
    type Target = Gateway;

    fn deref(&self) -> &Gateway {
        &self.gateway
    }
}

impl RunningGateway {
    /// The base URL for a client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client that sends notifications to the merchant's webhooks at `webhook_base_url` the
    /// way AlipayHK does: signed with the platform's key, replies verified with the merchant's.
    pub fn notifier(&self, webhook_base_url: &str) -> Result<Client, BuildError> {
        self.notifier_builder(webhook_base_url)?.build()
    }

    /// The builder of [`notifier`](Self::notifier), for a test that wants other timeouts.
    pub fn notifier_builder(&self, webhook_base_url: &str) -> Result<ClientBuilder, BuildError> {
        self.notify.client_builder(webhook_base_url)
    }
}

impl RunningGateway {
    /// Stops accepting, lets the requests in flight finish (within the limits'
    /// `shutdown_grace`), closes every connection and returns when the gateway has stopped.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningGateway {
    fn drop(&mut self) {
        self.delivery.abort();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        // Dropping `serve` closes its listener and every connection it holds.
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Binds 127.0.0.1 and serves the gateway in the background.
pub async fn start(config: GatewayConfig) -> std::io::Result<RunningGateway> {
    let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
    let addr = listener.local_addr()?;
    let platform_public_key = config.platform_key.public_key();
    let notify = NotifyKeys {
        platform_pem: config.platform_key.to_pkcs8_pem(),
        merchant_public_key: config.merchant_public_key.clone(),
        client_id: config.client_id.clone(),
    };
    let gateway = config.gateway;
    // The authorisation page's URL (prepareForRedirect's answer) names the gateway itself. A
    // gateway's state served twice keeps the first address.
    let _ = gateway.base_url.set(format!("http://{addr}"));
    let log = Arc::new(RequestLog::default());
    // One protocol configuration for the generated router, and the same again for the
    // gateway's own switchStatus route in front of it (`templates.rs`).
    let server = || {
        let mut server = ServerConfig::new(
            config.platform_key.clone(),
            config.merchant_public_key.clone(),
            config.client_id.clone(),
        );
        server.freshness = config.freshness;
        if config.console {
            server.observer = Some(log.clone());
        }
        server
    };
    let api = alipayhk::platform::router(gateway.clone(), server());
    let mut app = crate::templates::switch_status_router(gateway.clone(), server())
        .fallback_service(api)
        .layer(from_fn_with_state(
            (gateway.clone(), log.clone()),
            fault_layer::apply,
        ))
        .layer(axum::middleware::map_response(with_tracer_id));
    // The user's browser opens the authorisation page: beside the API, unsigned, and not
    // subject to the API's faults.
    app = crate::authorisation_page::routes(gateway.clone()).merge(app);
    if config.console {
        // Beside the API, outside its signature check and fault layer.
        let console = Console::new(gateway.clone(), log, notify.clone());
        app = crate::console::routes(Arc::new(console)).merge(app);
    }
    let delivery =
        crate::payment_notices::spawn_delivery(&gateway, notify.clone(), config.redelivery_speed);
    let (shutdown, stopped) = oneshot::channel::<()>();
    let limits = config.limits;
    let task = tokio::spawn(async move {
        let stopped = async {
            let _ = stopped.await;
        };
        if let Err(error) = serve(listener, app, limits, stopped).await {
            tracing::error!(%error, "gateway stopped");
        }
    });
    Ok(RunningGateway {
        addr,
        gateway,
        platform_public_key,
        notify,
        delivery,
        shutdown: Some(shutdown),
        task: Some(task),
    })
}

/// Every AlipayHK response carries a `Tracer-Id` to quote to support (it is not signed); the
/// gateway numbers its answers the same way, so clients can log and test it.
async fn with_tracer_id(mut response: axum::response::Response) -> axum::response::Response {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let number = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let id = format!("local{}{number:012}", std::process::id());
    if let Ok(value) = axum::http::HeaderValue::from_str(&id) {
        response.headers_mut().insert("tracer-id", value);
    }
    response
}
