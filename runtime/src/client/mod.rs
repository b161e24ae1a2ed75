//! The client: validate, serialize once, sign, send, verify, decrypt, parse, map S/F/U.
//!
//! The protocol work is split from I/O: [`Client::prepare`] builds the exact bytes and headers
//! to send, and [`Client::read_response`] checks and reads what came back. `execute` joins them
//! with one HTTP exchange, so tests and custom transports can use the halves directly.

mod builder;
mod head_body;
mod response;
mod transport;

use std::sync::Arc;
use std::time::Duration;

pub use builder::{BuildError, ClientBuilder, DEFAULT_USER_AGENT};

use crate::Endpoint;
use crate::encrypt::BodyCipher;
use crate::error::Error;
use crate::keys::{PrivateKey, PublicKey};
use crate::protocol::Protocol;
use crate::seal;
use crate::sign::SignedContent;
use crate::validation::Strictness;
use crate::wire;
use tracing::Instrument;

/// The AlipayHK production gateway. Test hosts are assigned per merchant; set yours with
/// [`ClientBuilder::base_url`].
pub const PRODUCTION_BASE_URL: &str = "https://open.alipay.hk";

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
            Self::Rfc3339 => wire::rfc3339_now(),
            Self::EpochMillis => crate::EpochMillis::now().as_millis().to_string(),
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
    /// The protocol it was signed for: [`Client::resign`] signs a re-send the same way.
    pub protocol: Protocol,
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
    /// The `keyVersion` written in `Encrypt`.
    encrypt_key_version: String,
    time_format: RequestTimeFormat,
    /// Encrypts requests (when `encrypt_requests`) and decrypts encrypted responses: one
    /// scheme for both directions.
    cipher: Arc<dyn BodyCipher>,
    encrypt_requests: bool,
    max_response_body: usize,
    max_response_skew: Option<Duration>,
    strictness: Strictness,
    /// Set on every request too, so it bounds a call through a `reqwest::Client` the user
    /// passed as well.
    timeout: Duration,
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
            .field("encrypt_requests", &self.inner.encrypt_requests)
            .finish()
    }
}

impl Client {
    /// A builder with the documented defaults: production URL, key version 1, 15 s timeouts,
    /// responses up to 4 MiB.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The `Client-Id` it sends.
    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// How long one call may take.
    pub(crate) fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// Validates, serializes once, encrypts (when configured) and signs `request`. Does no I/O.
    pub fn prepare<E: Endpoint>(&self, request: &E) -> Result<SignedRequest, Error<E::ResultCode>> {
        for warning in request.validate_with(self.inner.strictness)? {
            tracing::warn!(endpoint = E::NAME, %warning, "sending a request that breaks an inferred constraint");
        }
        let json = serde_json::to_vec(request).map_err(|e| Error::Build(Box::new(e)))?;
        if let Protocol::HeadBody(protocol) = E::PROTOCOL {
            // The v1 pages document no message encryption: the envelope is signed, not sealed.
            return self.seal_head_body(E::METHOD.as_str(), E::PATH, protocol, &json, None);
        }
        let inner = &self.inner;
        let sealed = seal::seal_body(
            &*inner.cipher,
            &inner.platform_key,
            &inner.encrypt_key_version,
            json,
            inner.encrypt_requests,
        );
        let (mut headers, body) = sealed.into_parts();
        headers.push((wire::CLIENT_ID, inner.client_id.clone()));
        Ok(self.stamp(E::METHOD.as_str(), E::PATH, headers, body))
    }

    /// A copy of `request` with a fresh `Request-Time` and a signature over the same body;
    /// every other header is kept as it was. This is what a re-send needs. A v1 request keeps
    /// its body and `reqMsgId`, with a fresh `reqTime` and signature.
    pub fn resign(&self, request: &SignedRequest) -> SignedRequest {
        if let Protocol::HeadBody(protocol) = request.protocol {
            return self.reseal_head_body(request, protocol);
        }
        let headers = request
            .headers
            .iter()
            .filter(|(name, _)| *name != wire::REQUEST_TIME && *name != wire::SIGNATURE)
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
        let content = SignedContent {
            method,
            path: &inner.signed_path(path),
            client_id: &inner.client_id,
            time: &time,
            body: &body,
        };
        let signature = seal::signature_header(&inner.merchant_key, &inner.key_version, content);
        headers.push((wire::REQUEST_TIME, time));
        headers.push((wire::SIGNATURE, signature));
        SignedRequest {
            method,
            path,
            headers,
            body,
            protocol: Protocol::Headers,
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
        self.send_attempt::<E>(signed, 1).await
    }

    /// One attempt, in a `tracing` span `alipayhk.call` with the endpoint, the attempt, the
    /// `Request-Time`, and, once answered, the `Tracer-Id`, the outcome (`S`, `F: CODE`, `U`,
    /// `not sent`, `unknown`) and the duration: what AlipayHK support asks for.
    pub(crate) async fn send_attempt<E: Endpoint>(
        &self,
        signed: &SignedRequest,
        attempt: u32,
    ) -> Result<E::Response, Error<E::ResultCode>> {
        let sent = head_body::sent_head(signed);
        let request_time = match &sent {
            Some(head) => head.req_time.as_deref().unwrap_or_default(),
            None => (signed.headers.iter())
                .find(|(name, _)| *name == wire::REQUEST_TIME)
                .map_or("", |(_, value)| value.as_str()),
        };
        let sent_msg_id = sent.as_ref().and_then(|head| head.req_msg_id.as_deref());
        let span = tracing::info_span!(
            "alipayhk.call",
            endpoint = E::NAME,
            attempt,
            request_time,
            tracer_id = tracing::field::Empty,
            outcome = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = std::time::Instant::now();
        let result = (self.send_once::<E>(signed, sent_msg_id))
            .instrument(span.clone())
            .await;
        let outcome = match &result {
            Ok(_) => "S".to_owned(),
            Err(Error::Failed { result, .. }) => format!("F: {}", result.result_code),
            Err(error) if error.outcome_unknown() => "unknown".to_owned(),
            Err(_) => "not sent".to_owned(),
        };
        span.record("outcome", outcome.as_str());
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        span.in_scope(|| tracing::info!(outcome, "call finished"));
        result
    }

    async fn send_once<E: Endpoint>(
        &self,
        signed: &SignedRequest,
        sent_msg_id: Option<&str>,
    ) -> Result<E::Response, Error<E::ResultCode>> {
        let url = format!("{}{}", self.inner.base_url, signed.path);
        let method = reqwest::Method::from_bytes(signed.method.as_bytes())
            .map_err(|e| Error::Build(Box::new(e)))?;
        let mut builder = self
            .inner
            .http
            .request(method, url)
            .timeout(self.inner.timeout)
            .body(signed.body.clone());
        for (name, value) in &signed.headers {
            builder = builder.header(*name, value);
        }
        let response = builder.send().await.map_err(transport::sending_failed)?;
        let received = transport::read_bounded(response, self.inner.max_response_body).await?;
        if let Some(tracer_id) = received
            .headers
            .get(wire::TRACER_ID)
            .and_then(|v| v.to_str().ok())
        {
            tracing::Span::current().record("tracer_id", tracer_id);
        }
        tracing::debug!(status = received.status, "response received");
        let (status, headers, body) = (received.status, &received.headers, &received.body);
        self.read_answer::<E>(status, headers, body, sent_msg_id)
    }
}
