//! The server side of the protocol: verify a request's time and signature, decrypt its body,
//! sign (and, for an encrypted request, encrypt) the response.
//!
//! The same code serves two purposes: a merchant hosting AlipayHK webhooks (own key = the
//! merchant's private key, peer key = AlipayHK's public key), and the local gateway (own key =
//! the platform's private key, peer key = the merchant's public key). [`verify_request`] and
//! [`sign_response`] are pure functions; [`protocol`] wraps them as an axum middleware, and
//! [`handle`] runs one typed endpoint behind it.
//!
//! A handler can only get a request body as a [`Verified`], which only the middleware makes,
//! so the generated routers cannot be served without the signature check: they apply it
//! themselves ([`verified`]).

mod answer;
mod head_body;
mod listener;
mod middleware;
mod observer;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::http::HeaderMap;

pub use axum;

pub(crate) use answer::json;
pub use answer::{failure, handle, not_implemented, result_body, unknown_path};
pub use head_body::{
    HeadBodyRoutes, VerifiedHeadBody, sign_head_body_response, verify_head_body_request,
};
pub use listener::{ServeLimits, serve};
pub use middleware::{Verified, VerifiedResponse, protocol, verified, verified_with};
pub use observer::{Exchange, ExchangeObserver, Outcome};

use crate::encrypt::{BodyCipher, RsaAesEcb};
use crate::keys::{PrivateKey, PublicKey};
use crate::seal;
use crate::sign::{SignatureHeader, SignedContent};
use crate::time::request_time::{Freshness, StaleMessage};
use crate::wire;

/// Keys, identity and limits of the serving side.
pub struct ServerConfig {
    /// Signs responses and decrypts encrypted requests.
    pub own_key: PrivateKey,
    /// Verifies requests and encrypts responses to encrypted requests.
    pub peer_key: PublicKey,
    /// The `Client-Id` requests must carry; responses carry it back.
    pub client_id: String,
    /// The `keyVersion` written in response headers.
    pub key_version: String,
    /// The largest request body accepted, in bytes.
    pub max_body: usize,
    /// How long the whole request body may take to arrive once its headers have.
    pub body_timeout: Duration,
    /// How old, and how far ahead, a `Request-Time` may be.
    pub freshness: Freshness,
    /// Decrypts encrypted requests and encrypts the answers to them.
    pub cipher: Arc<dyn BodyCipher>,
    /// The status a refused request is answered with: `F` by default. The webhook routers
    /// answer `U` instead, since AlipayHK delivers a notification again only after `U`, and a
    /// refusal may be our own side's doing (our clock, a key we have not rotated yet, a
    /// limit); a forger gains nothing from being asked to try again.
    pub refusal_status: crate::ResultStatus,
    /// Told of every request and its outcome (the local gateway's console); `None` by default.
    pub observer: Option<Arc<dyn ExchangeObserver>>,
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("own_key", &self.own_key)
            .field("peer_key", &self.peer_key)
            .field("client_id", &self.client_id)
            .field("key_version", &self.key_version)
            .field("max_body", &self.max_body)
            .field("body_timeout", &self.body_timeout)
            .field("freshness", &self.freshness)
            .field("refusal_status", &self.refusal_status)
            .finish_non_exhaustive()
    }
}

impl ServerConfig {
    /// A configuration with key version 1, a 1 MiB body limit, a 10 s body timeout and the
    /// default [`Freshness`] (5 minutes of skew, 25 hours of age), refusals answered `F`.
    pub fn new(own_key: PrivateKey, peer_key: PublicKey, client_id: impl Into<String>) -> Self {
        Self {
            own_key,
            peer_key,
            client_id: client_id.into(),
            key_version: "1".into(),
            max_body: 1 << 20,
            body_timeout: Duration::from_secs(10),
            freshness: Freshness::default(),
            cipher: Arc::new(RsaAesEcb),
            refusal_status: crate::ResultStatus::Failure,
            observer: None,
        }
    }
}

/// Who sent a request whose signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The `Client-Id` it carried.
    pub client_id: String,
    /// The `Request-Time` it carried.
    pub request_time: String,
    /// Whether the body was encrypted (the response then is too).
    pub encrypted: bool,
}

/// Why a request was refused before reaching its handler. The answer is an unsigned result
/// (`F`, or [`ServerConfig::refusal_status`]): nothing the caller sent can be trusted enough
/// to answer under our signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// `Client-Id` is absent or not the configured one.
    #[error("unknown Client-Id")]
    UnknownClient,
    /// `Signature` or `Request-Time` is absent.
    #[error("the request must carry Signature and Request-Time headers")]
    Unsigned,
    /// `Request-Time` is unreadable, too old (a replay) or too far ahead.
    #[error(transparent)]
    Stale(#[from] StaleMessage),
    /// The signature does not verify.
    #[error("the request signature does not verify")]
    InvalidSignature,
    /// The encrypted body could not be decrypted.
    #[error("the encrypted body could not be decrypted")]
    Undecryptable,
    /// The body is larger than allowed.
    #[error("the request body is too large")]
    TooLarge,
    /// The body did not arrive within the body timeout.
    #[error("the request body did not arrive in time")]
    BodyTimeout,
    /// A v1 request is not a readable envelope, names another function, or needs an
    /// algorithm this build lacks.
    #[error(transparent)]
    Envelope(crate::head_body::EnvelopeError),
}

impl Rejection {
    /// The result code answered.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownClient => "INVALID_CLIENT",
            Self::Unsigned | Self::InvalidSignature => "INVALID_SIGNATURE",
            // The time is part of what was signed: a stale signature is no longer valid.
            Self::Stale(_) => "INVALID_SIGNATURE",
            Self::Undecryptable => "DECRYPTION_FAILED",
            Self::TooLarge | Self::BodyTimeout => "PARAM_ILLEGAL",
            Self::Envelope(crate::head_body::EnvelopeError::AlgorithmUnavailable { .. }) => {
                "UNKNOWN_EXCEPTION"
            }
            Self::Envelope(_) => "PARAM_ILLEGAL",
        }
    }
}

/// Checks a request's `Client-Id`, the freshness of its `Request-Time` (against `now`) and its
/// signature over `METHOD path LF client-id "." time "." body` (path without query string),
/// then decrypts its body when it has an `Encrypt` header. Returns the caller and the
/// plaintext body.
pub fn verify_request(
    config: &ServerConfig,
    method: &str,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Result<(Caller, Vec<u8>), Rejection> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let client_id = header("client-id")
        .filter(|id| *id == config.client_id)
        .ok_or(Rejection::UnknownClient)?;
    let (Some(signature), Some(time)) = (header("signature"), header("request-time")) else {
        return Err(Rejection::Unsigned);
    };
    // The time first: it is cheap, and a replay is refused without an RSA operation.
    config.freshness.check(wire::REQUEST_TIME, time, now)?;
    let signature = SignatureHeader::parse(signature).map_err(|_| Rejection::InvalidSignature)?;
    let path = path.split('?').next().unwrap_or(path);
    SignedContent {
        method,
        path,
        client_id,
        time,
        body,
    }
    .verify(&config.peer_key, &signature.signature)
    .map_err(|_| Rejection::InvalidSignature)?;
    let encrypt = header("encrypt");
    let body = seal::open_body(&*config.cipher, &config.own_key, encrypt, body)
        .map_err(|_| Rejection::Undecryptable)?
        .into_owned();
    let encrypted = encrypt.is_some();
    let caller = Caller {
        client_id: client_id.to_owned(),
        request_time: time.to_owned(),
        encrypted,
    };
    Ok((caller, body))
}

/// A response ready to send: exactly these headers and body bytes were signed.
#[derive(Debug, Clone)]
pub struct SignedResponse {
    /// `Content-Type`, `Client-Id`, `Response-Time`, `Signature` and, when encrypted, `Encrypt`.
    pub headers: Vec<(&'static str, String)>,
    /// The body bytes sent.
    pub body: Vec<u8>,
}

/// Signs a response to `method path`, encrypting it first for the peer when `encrypt` is set.
pub fn sign_response(
    config: &ServerConfig,
    method: &str,
    path: &str,
    body: Vec<u8>,
    encrypt: bool,
) -> SignedResponse {
    let sealed = seal::seal_body(
        &*config.cipher,
        &config.peer_key,
        &config.key_version,
        body,
        encrypt,
    );
    let (mut headers, body) = sealed.into_parts();
    let path = path.split('?').next().unwrap_or(path);
    let time = wire::rfc3339_now();
    let content = SignedContent {
        method,
        path,
        client_id: &config.client_id,
        time: &time,
        body: &body,
    };
    let signature = seal::signature_header(&config.own_key, &config.key_version, content);
    headers.push((wire::CLIENT_ID, config.client_id.clone()));
    headers.push((wire::RESPONSE_TIME, time));
    headers.push((wire::SIGNATURE, signature));
    SignedResponse { headers, body }
}
