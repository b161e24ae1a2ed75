//! One HTTP exchange: send the signed bytes, read a bounded response, and sort failures by
//! whether the request may have reached the gateway.

use reqwest::header::HeaderMap;

use crate::error::{Error, ProtocolError, UnknownReason};

/// A response as received: status, headers and the whole (bounded) body.
pub(super) struct Received {
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
}

/// Reads `response`'s body, at most `limit` bytes: a longer one is refused as soon as its
/// declared length, or the bytes that arrived, pass the limit, and is never buffered further.
pub(super) async fn read_bounded<C: std::fmt::Debug>(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Received, Error<C>> {
    let status = response.status().as_u16();
    let headers = std::mem::take(response.headers_mut());
    if let Some(length) = response.content_length()
        && length > limit as u64
    {
        return Err(ProtocolError::BodyTooLarge { limit }.into());
    }
    let mut body = Vec::with_capacity(response.content_length().map_or(0, |n| n as usize));
    while let Some(chunk) = response.chunk().await.map_err(after_sending)? {
        if body.len() + chunk.len() > limit {
            return Err(ProtocolError::BodyTooLarge { limit }.into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Received {
        status,
        headers,
        body,
    })
}

/// Sorts a failure of `send()` by whether any of the request may have been written.
///
/// - Building the request, or connecting (TCP or TLS, timeouts included): nothing was
///   written, so it was not sent ([`Error::Build`], [`Error::Connect`]).
/// - Anything later (a timeout waiting for the answer, a connection reset): the gateway may
///   have the request and may have performed it ([`Error::Unknown`]).
///
/// The cause is kept as the error's source, so "connection refused" (an `io::Error` of kind
/// `ConnectionRefused` down the chain) and a name that did not resolve stay distinguishable.
pub(super) fn sending_failed<C: std::fmt::Debug>(error: reqwest::Error) -> Error<C> {
    if error.is_builder() {
        Error::Build(Box::new(error))
    } else if error.is_connect() {
        Error::Connect(Box::new(error))
    } else {
        after_sending(error)
    }
}

/// A failure once the request was (or may have been) written.
pub(super) fn after_sending<C: std::fmt::Debug>(error: reqwest::Error) -> Error<C> {
    let reason = if error.is_timeout() {
        UnknownReason::Timeout
    } else {
        UnknownReason::ConnectionLost
    };
    Error::Unknown {
        reason,
        result: None,
        source: Some(Box::new(error)),
    }
}
