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
use crate::faults::{Fault, Stage, fault_key};
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
    // The operation has run (`next.run` above) before any transport fault acts: a `delay`
    // past the client's timeout, or a `drop`, is an answer lost after the operation was
    // performed, the unknown outcome that costs money.
    let faults = gateway.faults().take(key.as_deref(), Stage::Transport);
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
            // A v1 answer carries its signature in the envelope, not in a header.
            Fault::CorruptSignature if !parts.headers.contains_key("signature") => {
                if let Some(at) = envelope_signature(&body) {
                    body[at] = if body[at] == b'A' { b'B' } else { b'A' };
                }
            }
            Fault::OmitSignature if !parts.headers.contains_key("signature") => {
                if let Some(at) = envelope_signature(&body) {
                    // From `,"signature":"` to the closing quote: the envelope's `}` stays.
                    let member = at - SIGNATURE_MEMBER.len() - 1;
                    if let Some(end) = body.len().checked_sub(2).filter(|end| *end >= at) {
                        body.drain(member..=end);
                    }
                }
            }
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
            Fault::Result { .. } | Fault::After { .. } | Fault::Processing { .. } => {}
        }
    }
    parts.headers.remove("content-length");
    Response::from_parts(parts, Body::from(body))
}

/// What precedes a v1 envelope's signature value, after the `,` that ends `response`.
const SIGNATURE_MEMBER: &[u8] = b"\"signature\":\"";

/// Where the signature value of a v1 envelope starts: the envelope ends
/// `,"signature":"…"}` (the runtime writes it last), so the last such member is it.
fn envelope_signature(body: &[u8]) -> Option<usize> {
    if !body.starts_with(b"{\"response\":") || !body.ends_with(b"\"}") {
        return None;
    }
    let at = body
        .windows(SIGNATURE_MEMBER.len())
        .rposition(|w| w == SIGNATURE_MEMBER)?;
    (at > 0 && body[at - 1] == b',' && at + SIGNATURE_MEMBER.len() < body.len() - 2)
        .then_some(at + SIGNATURE_MEMBER.len())
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
        Fault::Result { .. } | Fault::After { .. } | Fault::Processing { .. } => return None,
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

#[cfg(test)]
mod tests {
    use super::{SIGNATURE_MEMBER, envelope_signature};

    #[test]
    fn a_v1_signature_is_found_at_the_end_of_the_envelope() {
        let body = br#"{"response":{"head":{},"body":{"signature":"no"}},"signature":"QUJD"}"#;
        let at = envelope_signature(body).unwrap();
        assert_eq!(&body[at..at + 4], b"QUJD");
        assert_eq!(
            &body[at - SIGNATURE_MEMBER.len() - 1..at],
            br#","signature":""#
        );
        assert_eq!(envelope_signature(br#"{"response":{"head":{}}}"#), None);
        assert_eq!(
            envelope_signature(br#"{"result":{},"signature":"x"}"#),
            None
        );
    }
}
