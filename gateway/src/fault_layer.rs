//! The transport-fault layer: outside the signature middleware, it acts on signed responses
//! as a broken network or a tampering proxy would.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use alipayhk::runtime::server::VerifiedResponse;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::console::{LOGGED, RequestLog};
use crate::faults::{Fault, fault_key};
use crate::state::Gateway;

/// The transport-fault layer; also counts every request that arrives, and tells the
/// console's log what its faults did to each answer. Faults are used up only by requests that
/// passed verification: an impostor naming a scripted pass must not spend the fault a test
/// set up for its own signed request.
pub async fn apply(
    State((gateway, log)): State<(Arc<Gateway>, Arc<RequestLog>)>,
    request: Request,
    next: Next,
) -> Response {
    gateway.count_request();
    let (parts, body) = request.into_parts();
    // The same bounds as the protocol middleware inside.
    let raw =
        match tokio::time::timeout(Duration::from_secs(10), axum::body::to_bytes(body, 1 << 20))
            .await
        {
            Ok(Ok(raw)) => raw,
            Ok(Err(_)) => return axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response(),
            Err(_) => return axum::http::StatusCode::REQUEST_TIMEOUT.into_response(),
        };
    let key = fault_key(&raw);
    let request = Request::from_parts(parts, Body::from(raw.clone()));
    let (response, logged) = LOGGED
        .scope(std::cell::Cell::new(None), async {
            let response = next.run(request).await;
            (response, LOGGED.with(std::cell::Cell::get))
        })
        .await;
    if response.extensions().get::<VerifiedResponse>().is_none() {
        if let Some(id) = logged {
            log.amend(id, key, &raw, Vec::new());
        }
        return response;
    }
    let faults = gateway.faults().take(key.as_deref(), false);
    if let Some(id) = logged {
        log.amend(
            id,
            key,
            &raw,
            faults.iter().filter_map(transport_note).collect(),
        );
    }
    if faults.is_empty() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let mut body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default()
        .to_vec();
    for fault in faults {
        match fault {
            Fault::Delay { millis } => tokio::time::sleep(Duration::from_millis(millis)).await,
            Fault::CorruptSignature => {
                if let Some(value) = parts.headers.get("signature").and_then(|v| v.to_str().ok()) {
                    let mut value = value.to_owned();
                    // The character after `signature=` is base64: swap it for another.
                    if let Some(at) = value.find("signature=").map(|i| i + "signature=".len()) {
                        let replacement = if value.as_bytes()[at] == b'A' {
                            "B"
                        } else {
                            "A"
                        };
                        value.replace_range(at..=at, replacement);
                    }
                    if let Ok(value) = HeaderValue::from_str(&value) {
                        parts.headers.insert("signature", value);
                    }
                }
            }
            Fault::OmitSignature => {
                parts.headers.remove("signature");
                parts.headers.remove("response-time");
            }
            Fault::Truncate => body.truncate(body.len() / 2),
            Fault::Drop => {
                parts.headers.remove("content-length");
                return Response::from_parts(parts, Body::from_stream(Failing));
            }
            Fault::Result { .. } | Fault::After { .. } => {}
        }
    }
    parts.headers.remove("content-length");
    Response::from_parts(parts, Body::from(body))
}

/// What a transport fault does to the answer, as the console says it; `None` for the faults
/// the behaviour applies (their answer is the verdict).
fn transport_note(fault: &Fault) -> Option<String> {
    Some(match fault {
        Fault::Delay { millis } => format!("delay: answered {millis} ms late"),
        Fault::CorruptSignature => "corrupt_signature: the answer's signature was altered".into(),
        Fault::OmitSignature => "omit_signature: the answer was sent unsigned".into(),
        Fault::Truncate => "truncate: only half the answer's body was sent".into(),
        Fault::Drop => "drop: the connection was cut; the answer never arrived".into(),
        Fault::Result { .. } | Fault::After { .. } => return None,
    })
}

/// A body that fails at once: the server then aborts the connection mid-response.
struct Failing;

impl futures_core::Stream for Failing {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "scripted drop",
        ))))
    }
}
