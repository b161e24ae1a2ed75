//! The serving side of the v1 head/body envelope ([`crate::head_body`]): verify a request
//! over the exact bytes of its `request` value, and sign the answer in a `response` envelope.

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::SystemTime;

use super::{Caller, Rejection, ServerConfig};
use crate::head_body::{Direction, EnvelopeError, Outgoing, Received};
use crate::protocol::{HeadBody, Protocol};
use crate::{Endpoint, ResultInfo, ResultStatus};

/// The v1 endpoints a router serves, by path: [`super::verified_with`] checks their envelope
/// instead of the `Signature` header, and refuses a header-signed request to them (and a v1
/// envelope at any other path).
#[derive(Debug, Clone, Default)]
pub struct HeadBodyRoutes {
    by_path: HashMap<&'static str, HeadBody>,
}

impl HeadBodyRoutes {
    /// No v1 endpoints: every path speaks the header protocol.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `E` when its protocol is the v1 envelope; a header-protocol `E` changes nothing.
    pub fn with<E: Endpoint>(mut self) -> Self {
        if let Protocol::HeadBody(protocol) = E::PROTOCOL {
            self.by_path.insert(E::PATH, protocol);
        }
        self
    }

    /// The protocol of the route at `path` (as the router matched it, without a nesting
    /// prefix).
    pub(crate) fn get(&self, path: &str) -> Option<&HeadBody> {
        self.by_path.get(path)
    }
}

/// A verified v1 request: who sent it, the `body` object's bytes, and the `reqMsgId` its
/// answer repeats.
#[derive(Debug, Clone)]
pub struct VerifiedHeadBody {
    /// Who sent it; `request_time` is `head.reqTime`.
    pub caller: Caller,
    /// The `body` object, exactly as received.
    pub body: Vec<u8>,
    /// `head.reqMsgId` (empty when absent).
    pub msg_id: String,
}

/// Checks a v1 request to `protocol`'s endpoint: the envelope, `head.clientId`, the freshness
/// of `head.reqTime` (against `now`), `head.function`, and the signature over the exact bytes
/// of the `request` value received.
pub fn verify_head_body_request(
    config: &ServerConfig,
    protocol: &HeadBody,
    body: &[u8],
    now: SystemTime,
) -> Result<VerifiedHeadBody, Rejection> {
    let received = Received::parse(Direction::Request, body).map_err(Rejection::Envelope)?;
    let head = received.head();
    if head.client_id != config.client_id {
        return Err(Rejection::UnknownClient);
    }
    if !received.is_signed() {
        return Err(Rejection::Unsigned);
    }
    let time = head.req_time.as_deref().unwrap_or_default();
    config.freshness.check("head.reqTime", time, now)?;
    received
        .check_function(protocol)
        .map_err(Rejection::Envelope)?;
    received
        .verify(protocol, &config.peer_key)
        .map_err(|error| match error {
            EnvelopeError::AlgorithmUnavailable { .. } => Rejection::Envelope(error),
            _ => Rejection::InvalidSignature,
        })?;
    Ok(VerifiedHeadBody {
        caller: Caller {
            client_id: head.client_id.clone(),
            request_time: time.to_owned(),
            encrypted: false,
        },
        body: received.body().to_vec(),
        msg_id: head.req_msg_id.clone().unwrap_or_default(),
    })
}

/// The `response` envelope of `body` (the handler's JSON object), answering the request
/// `msg_id`, signed with the own key. Unsigned (a refusal) when the family's algorithm is not
/// built in, which [`verify_head_body_request`] has then refused already.
pub fn sign_head_body_response(
    config: &ServerConfig,
    protocol: &HeadBody,
    msg_id: &str,
    body: &[u8],
) -> Vec<u8> {
    seal_answer(config, protocol, msg_id, &answer_body(protocol, body))
}

/// [`sign_head_body_response`] for a body [`answer_body`] has already checked.
pub(crate) fn seal_answer(
    config: &ServerConfig,
    protocol: &HeadBody,
    msg_id: &str,
    body: &[u8],
) -> Vec<u8> {
    let time = crate::wire::rfc3339_now();
    let outgoing = response(config, protocol, msg_id, &time, body);
    outgoing
        .seal(&config.own_key)
        .unwrap_or_else(|_| outgoing.unsigned())
}

/// What a v1 answer's `body` is: the handler's, when it is a JSON object; otherwise `U
/// UNKNOWN_EXCEPTION`. Anything else a handler answered (an empty body, a framework's text
/// error) would make the signed envelope invalid JSON, or put keys beside `body` that no
/// handler meant to sign.
pub(crate) fn answer_body<'a>(protocol: &HeadBody, body: &'a [u8]) -> Cow<'a, [u8]> {
    if is_object(body) {
        return Cow::Borrowed(body);
    }
    tracing::warn!(
        function = protocol.function,
        "a v1 handler's answer is not a JSON object: answered U UNKNOWN_EXCEPTION instead"
    );
    let result = ResultInfo::new(
        "UNKNOWN_EXCEPTION",
        ResultStatus::Unknown,
        "the answer was not a JSON object",
    );
    Cow::Owned(super::result_body("resultInfo", &result))
}

/// Whether `bytes` are exactly one JSON object (whitespace around it aside).
fn is_object(bytes: &[u8]) -> bool {
    serde_json::from_slice::<&serde_json::value::RawValue>(bytes)
        .is_ok_and(|value| value.get().starts_with('{'))
}

/// The unsigned `response` envelope of a refusal with `result` under `resultInfo`.
pub(crate) fn refusal(
    config: &ServerConfig,
    protocol: &HeadBody,
    msg_id: &str,
    result: &ResultInfo,
) -> Vec<u8> {
    let time = crate::wire::rfc3339_now();
    let body = super::result_body("resultInfo", result);
    response(config, protocol, msg_id, &time, &body).unsigned()
}

/// The `clientId` of a request body, when it is an envelope with one, for a refusal's log: at
/// most 64 characters (AlipayHK's are 16), since nothing about it is verified yet.
pub(crate) fn client_id_of(body: &[u8]) -> Option<String> {
    let received = Received::parse(Direction::Request, body).ok()?;
    let id = &received.head().client_id;
    (!id.is_empty()).then(|| id.chars().take(64).collect())
}

/// The `reqMsgId` of a request body, when it is an envelope with one: a refusal repeats it.
pub(crate) fn msg_id_of(body: &[u8]) -> String {
    Received::parse(Direction::Request, body)
        .ok()
        .and_then(|r| r.head().req_msg_id.clone())
        .unwrap_or_default()
}

/// The exact bytes a request's signature had to cover, when it is an envelope: for the
/// refusal log of a signature that did not verify.
pub(crate) fn signed_content(protocol: &HeadBody, body: &[u8]) -> Option<Vec<u8>> {
    Received::parse(Direction::Request, body)
        .ok()
        .map(|r| r.signed(protocol).to_vec())
}

fn response<'a>(
    config: &'a ServerConfig,
    protocol: &HeadBody,
    msg_id: &'a str,
    time: &'a str,
    body: &'a [u8],
) -> Outgoing<'a> {
    Outgoing {
        direction: Direction::Response,
        protocol: *protocol,
        client_id: &config.client_id,
        msg_id,
        time,
        body,
    }
}
