//! The client's halves of the v1 head/body envelope ([`crate::head_body`]): the head filled
//! in, the envelope sealed, and a response checked over the exact bytes that arrived.

use std::time::SystemTime;

use crate::error::{Error, ProtocolError};
use crate::head_body::{
    Direction, EnvelopeError, Outgoing, Received, ReceivedHead, new_message_id,
};
use crate::protocol::{HeadBody, Protocol};
use crate::time::request_time::Freshness;
use crate::wire;

use super::{Client, SignedRequest};

impl Client {
    /// The envelope of a request whose body is `json`: a fresh `reqMsgId` (or `msg_id`, for a
    /// re-send), `reqTime` now, signed with the merchant key.
    pub(super) fn seal_head_body<C: std::fmt::Debug>(
        &self,
        method: &'static str,
        path: &'static str,
        protocol: HeadBody,
        json: &[u8],
        msg_id: Option<&str>,
    ) -> Result<SignedRequest, Error<C>> {
        let fresh;
        let msg_id = match msg_id {
            Some(id) => id,
            None => {
                fresh = new_message_id();
                &fresh
            }
        };
        let time = wire::rfc3339_now();
        let body = Outgoing {
            direction: Direction::Request,
            protocol,
            client_id: &self.inner.client_id,
            msg_id,
            time: &time,
            body: json,
        }
        .seal(&self.inner.merchant_key)
        .map_err(|e| Error::Build(Box::new(e)))?;
        Ok(SignedRequest {
            method,
            path,
            headers: vec![(wire::CONTENT_TYPE, wire::JSON.to_owned())],
            body,
            protocol: Protocol::HeadBody(protocol),
        })
    }

    /// A re-send of a v1 request: the same body and `reqMsgId`, a fresh `reqTime` and
    /// signature. A request that is not a readable envelope (it was built by hand) is
    /// returned as it is, for the gateway to judge.
    pub(super) fn reseal_head_body(
        &self,
        request: &SignedRequest,
        protocol: HeadBody,
    ) -> SignedRequest {
        let parts = Received::parse(Direction::Request, &request.body).ok();
        let resealed = parts.and_then(|parts| {
            let msg_id = parts.head().req_msg_id.clone();
            self.seal_head_body::<String>(
                request.method,
                request.path,
                protocol,
                parts.body(),
                msg_id.as_deref(),
            )
            .ok()
        });
        resealed.unwrap_or_else(|| request.clone())
    }

    /// Checks a v1 response to `protocol`'s endpoint: the envelope, `head.function`,
    /// `head.clientId`, `head.reqMsgId` against `sent_msg_id` (the request's; an answer to
    /// another call is refused, so a recorded answer cannot be replayed for a new one), the
    /// time when [`max_response_skew`](super::ClientBuilder::max_response_skew) is set, and
    /// the signature over the exact `response` bytes received. Returns the `body` object's
    /// bytes and whether it was signed (an unsigned refusal still carries its result).
    pub(super) fn open_head_body<'a>(
        &self,
        protocol: &HeadBody,
        body: &'a [u8],
        sent_msg_id: Option<&str>,
    ) -> Result<(&'a [u8], bool), ProtocolError> {
        let received = Received::parse(Direction::Response, body)?;
        if !received.is_signed() {
            return Ok((received.body(), false));
        }
        received.verify(protocol, &self.inner.platform_key)?;
        received.check_function(protocol)?;
        let head = received.head();
        if head.client_id != self.inner.client_id {
            return Err(EnvelopeError::WrongClient.into());
        }
        // No page promises that a response repeats `reqMsgId` (those that reach a response
        // head show it; inferred): one that does must repeat the request's.
        let found = head.req_msg_id.as_deref().filter(|id| !id.is_empty());
        if let (Some(sent), Some(found)) = (sent_msg_id, found)
            && sent != found
        {
            return Err(EnvelopeError::WrongMessage.into());
        }
        if let Some(skew) = self.inner.max_response_skew {
            // The Macao applyToken page repeats `reqTime` where the others have `respTime`.
            let time = (head.resp_time.as_deref()).or(head.req_time.as_deref());
            let window = Freshness {
                max_skew: skew,
                max_age: skew,
            };
            window.check("head.respTime", time.unwrap_or_default(), SystemTime::now())?;
        }
        Ok((received.body(), true))
    }
}

/// The head of a v1 request as it was sealed (`None` for a header-protocol request, or one
/// built by hand that is no envelope).
pub(super) fn sent_head(request: &SignedRequest) -> Option<ReceivedHead> {
    match request.protocol {
        Protocol::HeadBody(_) => Received::parse(Direction::Request, &request.body)
            .ok()
            .map(|sent| sent.head().clone()),
        Protocol::Headers => None,
    }
}
