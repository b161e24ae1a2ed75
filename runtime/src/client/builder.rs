//! Building a [`Client`]: every setting is checked here, so that a request that cannot be sent
//! is refused before anything is sent, never reported later as a call whose outcome is unknown.

use std::sync::Arc;
use std::time::Duration;

use crate::encrypt::RsaAesEcb;
use crate::error::KeyError;
use crate::keys::{PrivateKey, PublicKey};
use crate::validation::Strictness;

use super::{Client, Inner, PRODUCTION_BASE_URL, RequestTimeFormat};

/// Builds a [`Client`].
pub struct ClientBuilder {
    base_url: String,
    client_id: Option<String>,
    merchant_key: Option<PrivateKey>,
    platform_key: Option<PublicKey>,
    key_version: String,
    encrypt_key_version: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    time_format: RequestTimeFormat,
    encrypt_requests: bool,
    allow_http: bool,
    max_response_body: usize,
    max_response_skew: Option<Duration>,
    strictness: Strictness,
    http_client: Option<reqwest::Client>,
    user_agent: Option<String>,
    proxy: Option<reqwest::Proxy>,
}

/// The `User-Agent` the client sends unless told otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("alipayhk-rs/", env!("CARGO_PKG_VERSION"));

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("merchant_key", &self.merchant_key)
            .field("platform_key", &self.platform_key)
            .field("key_version", &self.key_version)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: PRODUCTION_BASE_URL.to_owned(),
            client_id: None,
            merchant_key: None,
            platform_key: None,
            key_version: "1".to_owned(),
            encrypt_key_version: None,
            connect_timeout: Duration::from_secs(15),
            timeout: Duration::from_secs(15),
            time_format: RequestTimeFormat::default(),
            encrypt_requests: false,
            allow_http: false,
            max_response_body: 4 << 20,
            max_response_skew: None,
            strictness: Strictness::Documented,
            http_client: None,
            user_agent: None,
            proxy: None,
        }
    }
}

impl ClientBuilder {
    /// The gateway's base URL; defaults to [`PRODUCTION_BASE_URL`]. It must be `https://`,
    /// or `http://` to a loopback host (see [`allow_insecure_http`](Self::allow_insecure_http)).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The `Client-Id` AlipayHK assigned.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The merchant's private key, which signs requests.
    pub fn merchant_key(mut self, key: PrivateKey) -> Self {
        self.merchant_key = Some(key);
        self
    }

    /// AlipayHK's public key, which verifies responses.
    pub fn platform_key(mut self, key: PublicKey) -> Self {
        self.platform_key = Some(key);
        self
    }

    /// The `keyVersion` sent in `Signature` and `Encrypt`; defaults to `1`.
    pub fn key_version(mut self, version: impl Into<String>) -> Self {
        self.key_version = version.into();
        self
    }

    /// The `keyVersion` sent in `Encrypt` (the version of AlipayHK's key that wraps the AES
    /// key), when it differs from the signing key's; defaults to [`key_version`](Self::key_version).
    pub fn encrypt_key_version(mut self, version: impl Into<String>) -> Self {
        self.encrypt_key_version = Some(version.into());
        self
    }

    /// How long connecting may take; defaults to 15 s. Past it, the request was not sent.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a whole call may take; defaults to 15 s. Past it, the outcome is unknown.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How `Request-Time` is written; defaults to RFC 3339.
    pub fn request_time_format(mut self, format: RequestTimeFormat) -> Self {
        self.time_format = format;
        self
    }

    /// Encrypt request bodies with RSA_AES (experimental; see [`crate::encrypt`]).
    pub fn encrypt_requests(mut self, encrypt: bool) -> Self {
        self.encrypt_requests = encrypt;
        self
    }

    /// Allow `http://` to hosts other than loopback. Off by default: the signature protects
    /// the body, not its confidentiality, and a plain-text hop can be redirected or read.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// The largest response body read, in bytes; defaults to 4 MiB. A larger one is not
    /// buffered: the call fails with `ProtocolError::BodyTooLarge` once the limit is passed.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// Refuse a response whose `Response-Time` (a v1 answer's `head.respTime`) is further than
    /// `skew` from this clock (either way). Off by default: TLS already prevents replaying a
    /// response, and with this on, a wrong clock on either side turns genuine answers into
    /// unknown outcomes. Turn it on where responses may pass through something that could
    /// replay them.
    pub fn max_response_skew(mut self, skew: Option<Duration>) -> Self {
        self.max_response_skew = skew;
        self
    }

    /// Which constraints stop a request before it is sent. By default
    /// ([`Strictness::Documented`]) only those an AlipayHK page states; a request breaking a
    /// constraint the spec only infers is sent, with a warning logged through `tracing`.
    /// [`Strictness::Strict`] refuses it too.
    pub fn validation(mut self, strictness: Strictness) -> Self {
        self.strictness = strictness;
        self
    }

    /// Sends through this `reqwest::Client` instead of building one: for a shared connection
    /// pool, a custom TLS setup, or an egress proxy configured in one place.
    ///
    /// The client you pass **must not follow redirects** (build it with
    /// `.redirect(reqwest::redirect::Policy::none())`): a followed redirect re-sends the signed
    /// request to another origin, and the answer this client reads would not be AlipayHK's.
    /// The client it builds itself never follows one, and answers a 3xx as
    /// `ProtocolError::Redirected`, an unknown outcome that is never re-sent; reqwest does not
    /// let it check the policy of a client you pass. Nor should it retry a request on its own.
    /// [`timeout`](Self::timeout) still bounds every call, and responses are still read up to
    /// [`max_response_body`](Self::max_response_body); [`connect_timeout`](Self::connect_timeout),
    /// [`user_agent`](Self::user_agent) and [`proxy`](Self::proxy) belong to the client you pass,
    /// so setting them too is refused by `build()`.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The `User-Agent` header; [`DEFAULT_USER_AGENT`] otherwise.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sends every call through this proxy, such as the egress proxy whose addresses AlipayHK
    /// allow-lists: `reqwest::Proxy::all("http://proxy.internal:3128")?`, with
    /// `.basic_auth(...)` when it needs credentials. Without it, the `HTTPS_PROXY` and
    /// `ALL_PROXY` environment variables apply, as reqwest reads them.
    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.proxy = Some(proxy);
        self
    }

    /// Builds the client. Fails when a required setting is missing or unusable (a base URL
    /// that is not `https://`, a header value that cannot be sent), when the AlipayHK key is
    /// the merchant's own public key, or when the HTTP stack cannot start.
    pub fn build(self) -> Result<Client, BuildError> {
        let client_id = self.client_id.ok_or(BuildError::Missing("client_id"))?;
        check_header_item("client_id", &client_id)?;
        check_header_item("key_version", &self.key_version)?;
        let encrypt_key_version = self
            .encrypt_key_version
            .unwrap_or_else(|| self.key_version.clone());
        check_header_item("encrypt_key_version", &encrypt_key_version)?;
        let merchant_key = self
            .merchant_key
            .ok_or(BuildError::Missing("merchant_key"))?;
        let platform_key = self
            .platform_key
            .ok_or(BuildError::Missing("platform_key"))?;
        if platform_key.same_key_as(&merchant_key.public_key()) {
            return Err(BuildError::Key(KeyError::PlatformKeyIsMerchantKey));
        }
        let base = check_base_url(&self.base_url, self.allow_http)?;
        let http = match self.http_client {
            Some(client) => {
                let own = [
                    ("user_agent", self.user_agent.is_some()),
                    ("proxy", self.proxy.is_some()),
                ];
                if let Some((setting, _)) = own.iter().find(|(_, set)| *set) {
                    return Err(BuildError::Setting {
                        setting,
                        reason: "set it on the reqwest::Client given to http_client",
                    });
                }
                client
            }
            None => {
                let mut builder = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout)
                    .user_agent(self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT))
                    // A POST whose response is lost may have been performed: never re-send
                    // silently.
                    .retry(reqwest::retry::never())
                    // A redirect would re-send the signed request (or its signature) to
                    // another origin: a 3xx is answered as an error instead.
                    .redirect(reqwest::redirect::Policy::none());
                if let Some(proxy) = self.proxy {
                    builder = builder.proxy(proxy);
                }
                builder.build().map_err(|e| BuildError::Http(Box::new(e)))?
            }
        };
        let path_prefix = base.path().trim_end_matches('/').to_owned();
        let mut base_url = base.to_string();
        base_url.truncate(base_url.trim_end_matches('/').len());
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                path_prefix,
                base_url,
                client_id,
                merchant_key,
                platform_key,
                key_version: self.key_version,
                encrypt_key_version,
                time_format: self.time_format,
                cipher: Arc::new(RsaAesEcb),
                encrypt_requests: self.encrypt_requests,
                max_response_body: self.max_response_body,
                max_response_skew: self.max_response_skew,
                strictness: self.strictness,
                timeout: self.timeout,
            }),
        })
    }
}

fn check_header_item(setting: &'static str, value: &str) -> Result<(), BuildError> {
    crate::sign::check_header_item(value).map_err(|reason| BuildError::Setting { setting, reason })
}

/// The base URL, parsed: `https://`, or `http://` to a loopback host or when allowed; no
/// credentials, query or fragment.
fn check_base_url(text: &str, allow_http: bool) -> Result<url::Url, BuildError> {
    let invalid = |reason: String| BuildError::BaseUrl {
        url: text.chars().take(200).collect(),
        reason,
    };
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid(
            "it contains whitespace or a control character".into(),
        ));
    }
    let url = url::Url::parse(text).map_err(|e| {
        invalid(match e {
            url::ParseError::RelativeUrlWithoutBase => {
                "it has no scheme; write `https://host`".into()
            }
            other => other.to_string(),
        })
    })?;
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err(invalid("it has no host".into())),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback || allow_http => {}
        "http" => {
            return Err(invalid(
                "plain http is allowed only to a loopback host, or with allow_insecure_http(true)"
                    .into(),
            ));
        }
        other => return Err(invalid(format!("unsupported scheme `{other}`"))),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials do not belong in the URL".into()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it has a query or a fragment".into()));
    }
    Ok(url)
}

/// The client could not be built. Nothing was sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A required setting was not given.
    #[error("client setting `{0}` is required")]
    Missing(&'static str),
    /// A setting cannot be sent as given.
    #[error("client setting `{setting}` is unusable: {reason}")]
    Setting {
        /// The setting.
        setting: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// The base URL is unusable.
    #[error("base URL `{url}` is unusable: {reason}")]
    BaseUrl {
        /// The URL as given (at most 200 characters).
        url: String,
        /// Why.
        reason: String,
    },
    /// A key is unusable.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The HTTP client could not start.
    #[error("the HTTP client could not start")]
    Http(#[source] Box<dyn std::error::Error + Send + Sync>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_must_be_https_or_loopback_http() {
        for good in [
            "https://open.alipay.hk",
            "https://m.example/api/alipayhk/",
            "http://127.0.0.1:8080",
            "http://[::1]:9",
            "http://localhost:3000/x",
        ] {
            assert!(check_base_url(good, false).is_ok(), "{good}");
        }
        for (bad, says) in [
            ("open.alipay.hk", "no scheme"),
            ("https://open.alipay.hk/a b", "whitespace"),
            ("http://open.alipay.hk", "loopback"),
            ("ftp://open.alipay.hk", "scheme"),
            ("https://u:p@open.alipay.hk", "credentials"),
            ("https://open.alipay.hk/?x=1", "query"),
            ("https://open.alipay.hk\r\nX: y", "control"),
        ] {
            let error = check_base_url(bad, false).unwrap_err().to_string();
            assert!(error.contains(says), "{bad}: {error}");
        }
        assert!(check_base_url("http://open.alipay.hk", true).is_ok());
    }

    #[test]
    fn header_items_cannot_break_or_extend_a_header() {
        assert!(check_header_item("client_id", "2160TESTCLIENT").is_ok());
        for bad in ["", "A\r\nX: y", "1,signature=AAAA", "a=b", "a b", "é"] {
            assert!(check_header_item("key_version", bad).is_err(), "{bad:?}");
        }
    }
}
