//! The client: validate, serialize once, sign, send, verify, decrypt, parse, map S/F/U.
//!
//! The protocol work is split from I/O: [`Client::prepare`] builds the exact bytes and headers
//! to send, and [`Client::read_response`] checks and reads what came back. `execute` joins them
//! with one HTTP exchange, so tests and custom transports can use the halves directly.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::Deserialize;

use crate::encrypt::{BodyCipher, RsaAesEcb};
use crate::error::{Error, KeyError, ProtocolError, UnknownReason};
use crate::keys::{PrivateKey, PublicKey};
use crate::sign::{self, SignatureHeader};
use crate::{Endpoint, ResultCode, ResultInfo, ResultStatus};

/// The AlipayHK production gateway. Test hosts are assigned per merchant; set yours with
/// [`ClientBuilder::base_url`].
pub const PRODUCTION_BASE_URL: &str = "https://open.alipay.hk";

const JSON: &str = "application/json; charset=UTF-8";
const TEXT: &str = "text/plain; charset=UTF-8";

/// How `Request-Time` is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestTimeFormat {
    /// RFC 3339 with offset and whole seconds, `2024-05-22T06:42:21+00:00`, as the docs show.
    #[default]
    Rfc3339,
    /// Epoch milliseconds, `1732787128015`, as the Java and Go SDKs send.
    EpochMillis,
}

impl RequestTimeFormat {
    fn now(self) -> String {
        match self {
            Self::Rfc3339 => chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            Self::EpochMillis => chrono::Utc::now().timestamp_millis().to_string(),
        }
    }
}

/// A request ready to send: exactly these headers and body bytes were signed.
#[derive(Debug, Clone)]
pub struct SignedRequest {
    /// The HTTP method.
    pub method: &'static str,
    /// The path (signed without query string).
    pub path: &'static str,
    /// `Content-Type`, `Client-Id`, `Request-Time`, `Signature` and, when encrypted, `Encrypt`.
    pub headers: Vec<(&'static str, String)>,
    /// The exact body bytes signed.
    pub body: Vec<u8>,
}

/// Builds a [`Client`].
pub struct ClientBuilder {
    base_url: String,
    client_id: Option<String>,
    merchant_key: Option<PrivateKey>,
    platform_key: Option<PublicKey>,
    key_version: String,
    connect_timeout: Duration,
    timeout: Duration,
    time_format: RequestTimeFormat,
    encrypt_requests: bool,
}

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

impl ClientBuilder {
    /// The gateway's base URL; defaults to [`PRODUCTION_BASE_URL`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_owned();
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

    /// How long connecting may take; defaults to 15 s.
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

    /// Builds the client. Fails when a required setting is missing, when the AlipayHK key is
    /// the merchant's own public key, or when the HTTP stack cannot start.
    pub fn build(self) -> Result<Client, BuildError> {
        let client_id = self.client_id.ok_or(BuildError::Missing("client_id"))?;
        let merchant_key = self
            .merchant_key
            .ok_or(BuildError::Missing("merchant_key"))?;
        let platform_key = self
            .platform_key
            .ok_or(BuildError::Missing("platform_key"))?;
        if platform_key.same_key_as(&merchant_key.public_key()) {
            return Err(BuildError::Key(KeyError::PlatformKeyIsMerchantKey));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            // A POST whose response is lost may have been performed: never re-send silently.
            .retry(reqwest::retry::never())
            .build()
            .map_err(|e| BuildError::Http(e.to_string()))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                path_prefix: path_prefix(&self.base_url),
                base_url: self.base_url,
                client_id,
                merchant_key,
                platform_key,
                key_version: self.key_version,
                time_format: self.time_format,
                cipher: self
                    .encrypt_requests
                    .then(|| Arc::new(RsaAesEcb) as Arc<dyn BodyCipher>),
            }),
        })
    }
}

/// The client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A required setting was not given.
    #[error("client setting `{0}` is required")]
    Missing(&'static str),
    /// A key is unusable.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The HTTP client could not start.
    #[error("HTTP client: {0}")]
    Http(String),
}

/// The path of a base URL such as `https://merchant.example/api/alipayhk` (`/api/alipayhk`),
/// without a trailing `/`; empty for a bare host.
fn path_prefix(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |at| &after_scheme[at..]);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.trim_end_matches('/').to_owned()
}

/// An AlipayHK Open API client. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// The path part of `base_url` (empty for a bare host): the gateway signs and verifies
    /// the whole request path, so a prefix is part of the content to sign.
    path_prefix: String,
    client_id: String,
    merchant_key: PrivateKey,
    platform_key: PublicKey,
    key_version: String,
    time_format: RequestTimeFormat,
    cipher: Option<Arc<dyn BodyCipher>>,
}

impl Inner {
    /// The path the gateway signs and verifies: the base URL's path, then the endpoint's.
    /// Borrowed for a bare host, so the common case allocates nothing per call.
    fn signed_path<'a>(&self, path: &'a str) -> std::borrow::Cow<'a, str> {
        if self.path_prefix.is_empty() {
            std::borrow::Cow::Borrowed(path)
        } else {
            std::borrow::Cow::Owned(format!("{}{path}", self.path_prefix))
        }
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("client_id", &self.inner.client_id)
            .field("merchant_key", &self.inner.merchant_key)
            .field("platform_key", &self.inner.platform_key)
            .field("encrypt_requests", &self.inner.cipher.is_some())
            .finish()
    }
}

/// Only the result object, read before the typed body so that a failure response that does
/// not match the endpoint's schema still yields its code.
#[derive(Deserialize)]
struct Envelope {
    #[serde(alias = "resultInfo")]
    result: Option<ResultInfo>,
}

impl Client {
    /// A builder with the documented defaults: production URL, key version 1, 15 s timeouts.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            base_url: PRODUCTION_BASE_URL.to_owned(),
            client_id: None,
            merchant_key: None,
            platform_key: None,
            key_version: "1".to_owned(),
            connect_timeout: Duration::from_secs(15),
            timeout: Duration::from_secs(15),
            time_format: RequestTimeFormat::default(),
            encrypt_requests: false,
        }
    }

    /// Validates, serializes once, encrypts (when configured) and signs `request`. Does no I/O.
    pub fn prepare<E: Endpoint>(&self, request: &E) -> Result<SignedRequest, Error<E::ResultCode>> {
        request.validate()?;
        let json = serde_json::to_vec(request).map_err(|e| Error::Build(e.to_string()))?;
        let (body, content_type, encrypt) = match &self.inner.cipher {
            Some(cipher) => {
                let sealed =
                    cipher.encrypt(&self.inner.platform_key, &self.inner.key_version, &json);
                (sealed.body, TEXT, Some(sealed.header))
            }
            None => (json, JSON, None),
        };
        Ok(self.sign_body(E::METHOD.as_str(), E::PATH, body, content_type, encrypt))
    }

    /// Signs prepared body bytes with a fresh `Request-Time`.
    fn sign_body(
        &self,
        method: &'static str,
        path: &'static str,
        body: Vec<u8>,
        content_type: &'static str,
        encrypt: Option<String>,
    ) -> SignedRequest {
        let mut headers = vec![
            ("Content-Type", content_type.to_owned()),
            ("Client-Id", self.inner.client_id.clone()),
        ];
        headers.extend(encrypt.map(|value| ("Encrypt", value)));
        self.resign(&SignedRequest {
            method,
            path,
            headers,
            body,
        })
    }

    /// A copy of `request` with a fresh `Request-Time` and a signature over the same body;
    /// every other header is kept as it was. This is what a re-send needs.
    pub fn resign(&self, request: &SignedRequest) -> SignedRequest {
        let headers = request
            .headers
            .iter()
            .filter(|(name, _)| !matches!(*name, "Request-Time" | "Signature"))
            .cloned()
            .collect();
        self.stamp(request.method, request.path, headers, request.body.clone())
    }

    /// Adds `Request-Time` (now) and the `Signature` over `body` to `headers`.
    fn stamp(
        &self,
        method: &'static str,
        path: &'static str,
        mut headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    ) -> SignedRequest {
        let inner = &self.inner;
        let time = inner.time_format.now();
        let signature = sign::sign(
            &inner.merchant_key,
            method,
            &inner.signed_path(path),
            &inner.client_id,
            &time,
            &body,
        );
        headers.push(("Request-Time", time));
        headers.push((
            "Signature",
            SignatureHeader::new(inner.key_version.clone(), signature).to_header_value(),
        ));
        SignedRequest {
            method,
            path,
            headers,
            body,
        }
    }

    /// Validates, signs, sends and reads one call: `S` gives the typed response, `F` gives
    /// [`Error::Failed`] with the typed code, and `U`, a timeout or a lost connection give
    /// [`Error::Unknown`]. Never re-sends by itself; see [`crate::retry`].
    pub async fn execute<E: Endpoint>(
        &self,
        request: &E,
    ) -> Result<E::Response, Error<E::ResultCode>> {
        let signed = self.prepare(request)?;
        self.send::<E>(&signed).await
    }

    /// Sends a prepared request once and reads the response.
    pub async fn send<E: Endpoint>(
        &self,
        signed: &SignedRequest,
    ) -> Result<E::Response, Error<E::ResultCode>> {
        let url = format!("{}{}", self.inner.base_url, signed.path);
        let method = reqwest::Method::from_bytes(signed.method.as_bytes())
            .map_err(|e| Error::Build(e.to_string()))?;
        let mut builder = self
            .inner
            .http
            .request(method, url)
            .body(signed.body.clone());
        for (name, value) in &signed.headers {
            builder = builder.header(*name, value);
        }
        let response = builder.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(transport_error)?;
        tracing::debug!(endpoint = E::NAME, status, tracer_id = ?headers.get("tracer-id"), "response received");
        self.read_response::<E>(status, &headers, &body)
    }

    /// Checks and reads a response to `E` (no I/O): verifies the signature over the raw body,
    /// decrypts, and maps the result status.
    pub fn read_response<E: Endpoint>(
        &self,
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<E::Response, Error<E::ResultCode>> {
        let inner = &self.inner;
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let signed = match (header("signature"), header("response-time")) {
            (Some(signature), Some(time)) => {
                let parsed = SignatureHeader::parse(signature).map_err(ProtocolError::from)?;
                sign::verify(
                    &inner.platform_key,
                    E::METHOD.as_str(),
                    &inner.signed_path(E::PATH),
                    &inner.client_id,
                    time,
                    body,
                    &parsed.signature,
                )
                .map_err(ProtocolError::from)?;
                true
            }
            (Some(_), None) => {
                return Err(ProtocolError::SignaturePartial {
                    present: "Signature",
                    missing: "Response-Time",
                }
                .into());
            }
            (None, Some(_)) => {
                return Err(ProtocolError::SignaturePartial {
                    present: "Response-Time",
                    missing: "Signature",
                }
                .into());
            }
            (None, None) => false,
        };
        let decrypted;
        let body = match header("encrypt") {
            // An unsigned body is never decrypted: its key wrap could be anyone's.
            Some(encrypt) if signed => {
                decrypted = RsaAesEcb
                    .decrypt(&inner.merchant_key, encrypt, body)
                    .map_err(|_| ProtocolError::Decryption)?;
                decrypted.as_slice()
            }
            _ => body,
        };
        let result = serde_json::from_slice::<Envelope>(body)
            .ok()
            .and_then(|e| e.result);
        let Some(result) = result else {
            return Err(match status {
                500..=599 => Error::Unknown {
                    reason: UnknownReason::ServerError(status),
                    result: None,
                },
                200..=299 => {
                    ProtocolError::Malformed("the body has no result object".into()).into()
                }
                _ => ProtocolError::HttpStatus { status }.into(),
            });
        };
        match result.result_status.clone() {
            ResultStatus::Success if !signed => Err(ProtocolError::SignatureMissing.into()),
            ResultStatus::Success => serde_json::from_slice::<E::Response>(body)
                .map_err(|e| ProtocolError::Malformed(format!("{} response: {e}", E::NAME)).into()),
            ResultStatus::Failure => Err(Error::Failed {
                code: E::ResultCode::from_code(&result.result_code),
                result,
            }),
            ResultStatus::Unknown => Err(Error::Unknown {
                reason: UnknownReason::StatusUnknown,
                result: Some(result),
            }),
            ResultStatus::Unrecognized(other) => Err(Error::Unknown {
                reason: UnknownReason::StatusUnrecognized(other),
                result: Some(result),
            }),
        }
    }
}

/// Sorts a transport failure by whether the request may have reached the gateway.
fn transport_error<C: std::fmt::Debug>(error: reqwest::Error) -> Error<C> {
    if error.is_connect() {
        Error::Connect(error.to_string())
    } else if error.is_timeout() {
        Error::Unknown {
            reason: UnknownReason::Timeout,
            result: None,
        }
    } else {
        Error::Unknown {
            reason: UnknownReason::ConnectionLost,
            result: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::path_prefix;

    #[test]
    fn the_base_urls_path_is_signed_with_the_endpoint_path() {
        assert_eq!(path_prefix("https://open.alipay.hk"), "");
        assert_eq!(path_prefix("http://127.0.0.1:8080/"), "");
        assert_eq!(
            path_prefix("https://m.example/api/alipayhk"),
            "/api/alipayhk"
        );
        assert_eq!(
            path_prefix("https://m.example/api/alipayhk/"),
            "/api/alipayhk"
        );
        assert_eq!(path_prefix("https://m.example/api?x=1"), "/api");
    }
}
