//! The v1 head/body envelope, as pure functions over bytes, for the client and the serving
//! side alike:
//!
//! ```text
//! {"request":{"head":{"clientId":…,"function":…,"reqMsgId":…,"reqTime":…,"version":…,"reserve":"{}"},"body":{…}},"signature":"…"}
//! ```
//!
//! A response is the same with `response` (and `respTime`). The signature covers the exact
//! bytes of the `request` (or `response`) value as sent, braces included or not as the
//! family's [`SignedPart`] says. [`Outgoing::seal`] writes the value once and signs those
//! bytes; [`Received::parse`] finds the exact byte range that arrived, so what is verified is
//! what was sent, never a re-serialisation: one changed byte, whitespace included, fails.

mod received;

use serde::Serialize;

pub use crate::error::EnvelopeError;
pub use received::{Received, ReceivedHead};

use crate::keys::PrivateKey;
use crate::protocol::{HeadBody, SignatureEncoding, SignedPart};
use crate::sign::encode_base64_item;

/// The outer key of an envelope: a request or a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `{"request": …}`
    Request,
    /// `{"response": …}`
    Response,
}

impl Direction {
    /// The outer key.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Response => "response",
        }
    }
}

/// A message to send: its head's values and the body's JSON bytes (an object).
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    /// A request or a response.
    pub direction: Direction,
    /// The endpoint's rules and function.
    pub protocol: HeadBody,
    /// `head.clientId`.
    pub client_id: &'a str,
    /// `head.reqMsgId`: a fresh UUID for a request; a response repeats its request's.
    pub msg_id: &'a str,
    /// `head.reqTime` (request) or `head.respTime` (response), ISO-8601 with offset.
    pub time: &'a str,
    /// The `body` object's JSON, written as is.
    pub body: &'a [u8],
}

/// The request head, in the order AlipayHK's "API Structure (v1)" page lists its fields.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RequestHead<'a> {
    client_id: &'a str,
    function: &'a str,
    req_msg_id: &'a str,
    req_time: &'a str,
    version: &'a str,
    /// The page shows the string `"{}"`, not an object.
    reserve: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResponseHead<'a> {
    client_id: &'a str,
    function: &'a str,
    req_msg_id: &'a str,
    resp_time: &'a str,
    version: &'a str,
}

impl Outgoing<'_> {
    /// The value of `request` (or `response`): `{"head":{…},"body":…}`, compact.
    pub fn value(&self) -> Vec<u8> {
        let rules = &self.protocol.rules;
        let head = match self.direction {
            Direction::Request => serde_json::to_vec(&RequestHead {
                client_id: self.client_id,
                function: self.protocol.function,
                req_msg_id: self.msg_id,
                req_time: self.time,
                version: rules.version,
                reserve: "{}",
            }),
            Direction::Response => serde_json::to_vec(&ResponseHead {
                client_id: self.client_id,
                function: self.protocol.function,
                req_msg_id: self.msg_id,
                resp_time: self.time,
                version: rules.version,
            }),
        }
        .unwrap_or_default();
        let mut value = Vec::with_capacity(head.len() + self.body.len() + 20);
        value.extend_from_slice(b"{\"head\":");
        value.extend_from_slice(&head);
        value.extend_from_slice(b",\"body\":");
        value.extend_from_slice(self.body);
        value.push(b'}');
        value
    }

    /// The whole envelope, signed with `key`: the bytes to send.
    pub fn seal(&self, key: &PrivateKey) -> Result<Vec<u8>, EnvelopeError> {
        let value = self.value();
        let rules = &self.protocol.rules;
        let signature = key
            .sign_with(rules.algorithm, signed_bytes(&value, rules.signed))
            .ok_or(EnvelopeError::AlgorithmUnavailable {
                algorithm: rules.algorithm.as_str(),
            })?;
        Ok(envelope(
            self.direction,
            &value,
            Some(&signature),
            rules.encoding,
        ))
    }

    /// The whole envelope without a signature: a refusal, which nothing the caller sent can
    /// be trusted enough to sign.
    pub fn unsigned(&self) -> Vec<u8> {
        envelope(
            self.direction,
            &self.value(),
            None,
            self.protocol.rules.encoding,
        )
    }
}

/// `{"<direction>":<value>,"signature":"<signature>"}`. Base64 and its URL encoding need no
/// JSON escaping.
fn envelope(
    direction: Direction,
    value: &[u8],
    signature: Option<&[u8]>,
    encoding: SignatureEncoding,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 400);
    out.extend_from_slice(b"{\"");
    out.extend_from_slice(direction.key().as_bytes());
    out.extend_from_slice(b"\":");
    out.extend_from_slice(value);
    if let Some(signature) = signature {
        let text = match encoding {
            SignatureEncoding::Base64 => {
                base64::Engine::encode(&base64::engine::general_purpose::STANDARD, signature)
            }
            SignatureEncoding::Base64UrlEncoded => encode_base64_item(signature),
        };
        out.extend_from_slice(b",\"signature\":\"");
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    }
    out.push(b'}');
    out
}

/// The bytes of `value` (a JSON object's exact text) that `part` says are signed.
pub fn signed_bytes(value: &[u8], part: SignedPart) -> &[u8] {
    match part {
        SignedPart::Value => value,
        // `value` is an object's text from `{` to `}` (serde_json's raw value has no
        // surrounding whitespace), so the members are everything in between.
        SignedPart::Members => value
            .strip_prefix(b"{")
            .and_then(|v| v.strip_suffix(b"}"))
            .unwrap_or(value),
    }
}

/// A fresh `reqMsgId`: a random (version 4) UUID.
pub fn new_message_id() -> String {
    let mut bytes = [0u8; 16];
    crate::Backend::default()
        .primitives()
        .fill_random(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}
