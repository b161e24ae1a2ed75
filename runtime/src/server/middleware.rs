//! The protocol as an axum middleware, and [`Verified`], the only way a handler receives a
//! request body.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::SystemTime;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, OriginalUri, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};

use super::answer::{json, result_body};
use super::head_body::{self, HeadBodyRoutes};
use super::{
    Caller, Exchange, Outcome, Rejection, ServerConfig, sign_response, verify_head_body_request,
    verify_request,
};
use crate::protocol::HeadBody;

/// A request body that passed [`protocol`]: its `Client-Id`, time and signature checked, and
/// decrypted when it was encrypted.
///
/// It has no public constructor: only the middleware makes one. A handler that takes a
/// `Verified` (as every generated one does) therefore cannot run on a request that skipped
/// the signature check, however the router is assembled.
#[derive(Debug, Clone)]
pub struct Verified {
    caller: Caller,
    body: Bytes,
}

impl Verified {
    /// Who sent it.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// The verified (and decrypted) body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body, by value.
    pub fn into_body(self) -> Bytes {
        self.body
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Verified {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.remove::<Verified>().ok_or_else(|| {
            // Only reachable by wiring a handler by hand without the middleware.
            tracing::error!(
                path = %parts.uri.path(),
                "a handler that needs a verified request is served without the protocol middleware"
            );
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "this endpoint is served without signature verification",
            )
                .into_response()
        })
    }
}

/// `router` behind [`protocol`] with `config`: the form every generated router is served in.
pub fn verified(router: Router, config: Arc<ServerConfig>) -> Router {
    verified_with(router, config, HeadBodyRoutes::new())
}

/// `router` behind the protocol middleware, with the v1 endpoints in `head_body` checked as
/// envelopes and every other path by its headers.
pub fn verified_with(
    router: Router,
    config: Arc<ServerConfig>,
    head_body: HeadBodyRoutes,
) -> Router {
    let state = Arc::new(Protocols { config, head_body });
    router.layer(from_fn_with_state(state, serve_protocols))
}

/// The middleware's state: the configuration, and which paths speak v1.
struct Protocols {
    config: Arc<ServerConfig>,
    head_body: HeadBodyRoutes,
}

async fn serve_protocols(
    State(protocols): State<Arc<Protocols>>,
    request: Request,
    next: Next,
) -> Response {
    serve(&protocols.config, &protocols.head_body, request, next).await
}

/// axum middleware: verifies and decrypts every request, then signs (and encrypts) the
/// handler's answer. A refused request gets an unsigned result (`F`, or the configured
/// [`ServerConfig::refusal_status`]) and never reaches a handler. The path verified is the full one AlipayHK signed, also when the router is nested
/// under a prefix.
pub async fn protocol(
    State(config): State<Arc<ServerConfig>>,
    request: Request,
    next: Next,
) -> Response {
    serve(&config, &HeadBodyRoutes::new(), request, next).await
}

async fn serve(
    config: &ServerConfig,
    routes: &HeadBodyRoutes,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    // Inside `Router::nest` the URI has lost its prefix, and is the route's own path.
    let head_body = routes.get(parts.uri.path()).copied();
    let method = parts.method.as_str().to_owned();
    // Inside `Router::nest` the URI has lost its prefix; the original is what was signed.
    let path = parts
        .extensions
        .get::<OriginalUri>()
        .map_or_else(|| parts.uri.path(), |original| original.path())
        .to_owned();
    let raw = match tokio::time::timeout(
        config.body_timeout,
        axum::body::to_bytes(body, config.max_body),
    )
    .await
    {
        Ok(Ok(raw)) => raw,
        Ok(Err(_)) => {
            return refuse(
                config,
                head_body,
                &method,
                &path,
                &parts,
                &[],
                Rejection::TooLarge,
            );
        }
        Err(_) => {
            return refuse(
                config,
                head_body,
                &method,
                &path,
                &parts,
                &[],
                Rejection::BodyTimeout,
            );
        }
    };
    let now = SystemTime::now();
    let verified = match &head_body {
        None => verify_request(config, &method, &path, &parts.headers, &raw, now)
            .map(|(caller, body)| (caller, body, None)),
        Some(protocol) => verify_head_body_request(config, protocol, &raw, now)
            .map(|v| (v.caller, v.body, Some(v.msg_id))),
    };
    let (caller, body, msg_id) = match verified {
        Ok(verified) => verified,
        Err(rejection) => {
            return refuse(config, head_body, &method, &path, &parts, &raw, rejection);
        }
    };
    let encrypted = caller.encrypted;
    let client_id = caller.client_id.clone();
    parts.extensions.insert(Verified {
        caller: caller.clone(),
        body: Bytes::from(body),
    });
    parts.extensions.insert(caller);
    let response = next.run(Request::from_parts(parts, Body::empty())).await;
    let (mut parts, body) = response.into_parts();
    // Our own handlers' answers: small, and already in memory.
    let Ok(mut body) = axum::body::to_bytes(body, config.max_body.max(1 << 20)).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // A v1 answer as it will be signed: what is logged is what is sent.
    if let Some(protocol) = &head_body
        && let Cow::Owned(replaced) = head_body::answer_body(protocol, &body)
    {
        body = Bytes::from(replaced);
    }
    let result = result_of(&body);
    tracing::info!(
        %method,
        %path,
        status = parts.status.as_u16(),
        %result,
        "answered"
    );
    if let Some(observer) = &config.observer {
        observer.observe(Exchange {
            method: method.to_string(),
            path: path.to_string(),
            client_id: Some(client_id),
            outcome: Outcome::Answered { result },
        });
    }
    let (headers, body) = match (&head_body, msg_id) {
        (Some(protocol), Some(msg_id)) => (
            vec![(crate::wire::CONTENT_TYPE, crate::wire::JSON.to_owned())],
            // Checked above, by `answer_body`.
            head_body::seal_answer(config, protocol, &msg_id, &body),
        ),
        _ => {
            let signed = sign_response(config, &method, &path, body.to_vec(), encrypted);
            (signed.headers, signed.body)
        }
    };
    parts.headers.remove("content-type");
    parts.headers.remove("content-length");
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            parts.headers.insert(name, value);
        }
    }
    parts.extensions.insert(VerifiedResponse);
    Response::from_parts(parts, Body::from(body))
}

/// Marks a response to a request that passed verification, for layers outside the
/// middleware (the gateway's faults act only on those).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifiedResponse;

/// Logs why a request was refused (for the developer whose signature failed: the gateway is
/// where they can see it), then answers it.
fn refuse(
    config: &ServerConfig,
    head_body: Option<HeadBody>,
    method: &str,
    path: &str,
    parts: &Parts,
    body: &[u8],
    rejection: Rejection,
) -> Response {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    // A v1 request names its client in the envelope's head, not in a header.
    let in_envelope = head_body.and_then(|_| head_body::client_id_of(body));
    let client_id = in_envelope.as_deref().or(header("client-id"));
    tracing::info!(
        %method,
        %path,
        code = rejection.code(),
        client_id = client_id.unwrap_or("<none>"),
        reason = %rejection,
        "refused"
    );
    if let Rejection::UnknownClient = rejection {
        tracing::info!(expected = %config.client_id, "the Client-Id this server serves");
    }
    let content = match (&rejection, header("client-id"), header("request-time")) {
        (Rejection::InvalidSignature, _, _) if head_body.is_some() => {
            head_body.and_then(|protocol| head_body::signed_content(&protocol, body))
        }
        (Rejection::InvalidSignature, Some(client_id), Some(time)) => Some(
            crate::sign::SignedContent {
                method,
                path: path.split('?').next().unwrap_or(path),
                client_id,
                time,
                body,
            }
            .to_bytes(),
        ),
        _ => None,
    };
    if let Some(content) = &content {
        // What the caller had to sign, byte for byte, so it can be compared with theirs.
        // Debug level only: it holds the body.
        tracing::debug!(
            content = %String::from_utf8_lossy(content).escape_debug(),
            "the signature had to cover this content"
        );
    }
    if let Some(observer) = &config.observer {
        observer.observe(Exchange {
            method: method.to_owned(),
            path: path.to_owned(),
            client_id: client_id.map(str::to_owned),
            outcome: Outcome::Refused {
                code: rejection.code(),
                reason: rejection.to_string(),
                signed_content: content,
            },
        });
    }
    match head_body {
        Some(protocol) => {
            let result = refusal_result(config, &rejection);
            json(head_body::refusal(
                config,
                &protocol,
                &head_body::msg_id_of(body),
                &result,
            ))
        }
        None => reject(config, rejection),
    }
}

/// `S SUCCESS`, `F PARAM_ILLEGAL`, ...: the result object of an answer, for the log.
fn result_of(body: &[u8]) -> String {
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let result = value.get("result").or_else(|| value.get("resultInfo"));
    let field = |name: &str| {
        result
            .and_then(|r| r.get(name))
            .and_then(|v| v.as_str())
            .unwrap_or("?")
            .to_owned()
    };
    format!("{} {}", field("resultStatus"), field("resultCode"))
}

fn reject(config: &ServerConfig, rejection: Rejection) -> Response {
    json(result_body("result", &refusal_result(config, &rejection)))
}

fn refusal_result(config: &ServerConfig, rejection: &Rejection) -> crate::ResultInfo {
    crate::ResultInfo::new(
        rejection.code(),
        config.refusal_status.clone(),
        rejection.to_string(),
    )
}
