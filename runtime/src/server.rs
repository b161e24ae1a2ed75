//! The server side of the protocol: verify a request's signature, decrypt its body, sign (and,
//! for an encrypted request, encrypt) the response.
//!
//! The same code serves two purposes: a merchant hosting AlipayHK webhooks (own key = the
//! merchant's private key, peer key = AlipayHK's public key), and the local gateway (own key =
//! the platform's private key, peer key = the merchant's public key). [`verify_request`] and
//! [`sign_response`] are pure functions; [`protocol`] wraps them as an axum middleware, and
//! [`handle`] runs one typed endpoint behind it.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use axum;

use crate::encrypt::{BodyCipher, RsaAesEcb};
use crate::keys::{PrivateKey, PublicKey};
use crate::sign::{self, SignatureHeader};
use crate::{Endpoint, ResultInfo, ResultStatus};

/// Keys and identity of the serving side.
#[derive(Debug)]
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
}

impl ServerConfig {
    /// A configuration with key version 1 and a 1 MiB body limit.
    pub fn new(own_key: PrivateKey, peer_key: PublicKey, client_id: impl Into<String>) -> Self {
        Self {
            own_key,
            peer_key,
            client_id: client_id.into(),
            key_version: "1".into(),
            max_body: 1 << 20,
        }
    }
}

/// Who sent a request whose signature verified. The middleware puts it in the request's
/// extensions for handlers that want it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The `Client-Id` it carried.
    pub client_id: String,
    /// The `Request-Time` it carried.
    pub request_time: String,
    /// Whether the body was encrypted (the response then is too).
    pub encrypted: bool,
}

/// Why a request was refused before reaching its handler. The answer is an unsigned `F`
/// result: nothing the caller sent can be trusted enough to answer under our signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// `Client-Id` is absent or not the configured one.
    #[error("unknown Client-Id")]
    UnknownClient,
    /// `Signature` or `Request-Time` is absent.
    #[error("the request must carry Signature and Request-Time headers")]
    Unsigned,
    /// The signature does not verify.
    #[error("the request signature does not verify")]
    InvalidSignature,
    /// The encrypted body could not be decrypted.
    #[error("the encrypted body could not be decrypted")]
    Undecryptable,
    /// The body is larger than allowed.
    #[error("the request body is too large")]
    TooLarge,
}

impl Rejection {
    /// The result code answered.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownClient => "INVALID_CLIENT",
            Self::Unsigned | Self::InvalidSignature => "INVALID_SIGNATURE",
            Self::Undecryptable => "DECRYPTION_FAILED",
            Self::TooLarge => "PARAM_ILLEGAL",
        }
    }
}

/// Checks a request's `Client-Id` and signature over `METHOD path LF client-id "." time "."
/// body` (path without query string), then decrypts its body when it has an `Encrypt` header.
/// Returns the caller and the plaintext body.
pub fn verify_request(
    config: &ServerConfig,
    method: &str,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Caller, Vec<u8>), Rejection> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let client_id = header("client-id")
        .filter(|id| *id == config.client_id)
        .ok_or(Rejection::UnknownClient)?;
    let (Some(signature), Some(time)) = (header("signature"), header("request-time")) else {
        return Err(Rejection::Unsigned);
    };
    let signature = SignatureHeader::parse(signature).map_err(|_| Rejection::InvalidSignature)?;
    let path = path.split('?').next().unwrap_or(path);
    sign::verify(
        &config.peer_key,
        method,
        path,
        client_id,
        time,
        body,
        &signature.signature,
    )
    .map_err(|_| Rejection::InvalidSignature)?;
    let (body, encrypted) = match header("encrypt") {
        Some(encrypt) => {
            let plain = RsaAesEcb
                .decrypt(&config.own_key, encrypt, body)
                .map_err(|_| Rejection::Undecryptable)?;
            (plain.to_vec(), true)
        }
        None => (body.to_vec(), false),
    };
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
    let mut headers = Vec::with_capacity(5);
    let body = if encrypt {
        let sealed = RsaAesEcb.encrypt(&config.peer_key, &config.key_version, &body);
        headers.push(("Content-Type", "text/plain; charset=UTF-8".to_owned()));
        headers.push(("Encrypt", sealed.header));
        sealed.body
    } else {
        headers.push(("Content-Type", "application/json; charset=UTF-8".to_owned()));
        body
    };
    let path = path.split('?').next().unwrap_or(path);
    let time = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let signature = sign::sign(
        &config.own_key,
        method,
        path,
        &config.client_id,
        &time,
        &body,
    );
    headers.push(("Client-Id", config.client_id.clone()));
    headers.push(("Response-Time", time));
    headers.push((
        "Signature",
        SignatureHeader::new(config.key_version.clone(), signature).to_header_value(),
    ));
    SignedResponse { headers, body }
}

/// The body of a result-only answer: `{"result": {...}}`.
pub fn result_body(field: &str, result: &ResultInfo) -> Vec<u8> {
    let mut map = serde_json::Map::new();
    map.insert(
        field.to_owned(),
        serde_json::to_value(result).unwrap_or_default(),
    );
    serde_json::to_vec(&map).unwrap_or_default()
}

/// An `F` result.
pub fn failure(code: &str, message: impl Into<String>) -> ResultInfo {
    ResultInfo::new(code, ResultStatus::Failure, message)
}

/// The answer of an endpoint the server has no behaviour for.
pub fn not_implemented(endpoint: &str) -> ResultInfo {
    failure(
        "UN_SUPPORT_BUSINESS",
        format!("this server has no behaviour for {endpoint}"),
    )
}

/// A JSON response with the protocol's content type.
pub(crate) fn json(body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    response.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    response
}

/// axum middleware: verifies and decrypts every request, then signs (and encrypts) the
/// handler's answer. Apply with `router.layer(axum::middleware::from_fn_with_state(config, protocol))`.
/// A refused request gets an unsigned `F` result and never reaches a handler.
pub async fn protocol(
    State(config): State<Arc<ServerConfig>>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let raw = match axum::body::to_bytes(body, config.max_body).await {
        Ok(raw) => raw,
        Err(_) => return reject(Rejection::TooLarge),
    };
    let (caller, body) = match verify_request(&config, &method, &path, &parts.headers, &raw) {
        Ok(verified) => verified,
        Err(rejection) => return reject(rejection),
    };
    let encrypted = caller.encrypted;
    parts.extensions.insert(caller);
    let body = Body::from(body);
    let response = next.run(Request::from_parts(parts, body)).await;
    let (mut parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let signed = sign_response(&config, &method, &path, body.to_vec(), encrypted);
    parts.headers.remove("content-type");
    parts.headers.remove("content-length");
    for (name, value) in signed.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            parts.headers.insert(name, value);
        }
    }
    Response::from_parts(parts, Body::from(signed.body))
}

fn reject(rejection: Rejection) -> Response {
    tracing::info!(%rejection, "request refused");
    json(result_body(
        "result",
        &failure(rejection.code(), rejection.to_string()),
    ))
}

/// Runs one typed endpoint: parses the body as `E`, validates it (a violation answers
/// `PARAM_ILLEGAL` naming the fields), and answers the handler's response, or its failure
/// result under `result_field`.
pub async fn handle<E, F, Fut>(body: Bytes, result_field: &str, handler: F) -> Response
where
    E: Endpoint + DeserializeOwned,
    E::Response: Serialize,
    F: FnOnce(E) -> Fut,
    Fut: std::future::Future<Output = Result<E::Response, ResultInfo>>,
{
    let request: E = match parse_body(&body, result_field) {
        Ok(request) => request,
        Err(answer) => return json(answer),
    };
    if let Err(invalid) = request.validate() {
        return json(result_body(
            result_field,
            &failure("PARAM_ILLEGAL", invalid.to_string()),
        ));
    }
    match handler(request).await {
        Ok(response) => json(serde_json::to_vec(&response).unwrap_or_default()),
        Err(result) => json(result_body(result_field, &result)),
    }
}

/// The body as `E`, or the body of the `PARAM_ILLEGAL` answer saying why it is not one.
pub(crate) fn parse_body<E: Endpoint + DeserializeOwned>(
    body: &[u8],
    result_field: &str,
) -> Result<E, Vec<u8>> {
    serde_json::from_slice(body).map_err(|e| {
        result_body(
            result_field,
            &failure("PARAM_ILLEGAL", format!("{}: {e}", E::NAME)),
        )
    })
}

/// The answer for a path no endpoint serves.
pub async fn unknown_path(request: Request) -> Response {
    let message = format!(
        "no endpoint at {} {}",
        request.method(),
        request.uri().path()
    );
    json(result_body("result", &failure("NO_INTERFACE_DEF", message)))
}
