//! Reading a v1 envelope that arrived: the exact byte range of its `request` (or `response`)
//! value, its head, its body, and its signature, checked against what was received.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{Direction, EnvelopeError, signed_bytes};
use crate::keys::PublicKey;
use crate::protocol::HeadBody;
use crate::sign::decode_base64_item;

/// The head of a received message: the fields the runtime checks and repeats. Fields it does
/// not know are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReceivedHead {
    /// `clientId`.
    #[serde(default)]
    pub client_id: String,
    /// `function`.
    #[serde(default)]
    pub function: String,
    /// `reqMsgId`.
    #[serde(default)]
    pub req_msg_id: Option<String>,
    /// `reqTime` (a request; some response pages repeat it).
    #[serde(default)]
    pub req_time: Option<String>,
    /// `respTime` (a response).
    #[serde(default)]
    pub resp_time: Option<String>,
    /// `version`.
    #[serde(default)]
    pub version: Option<String>,
}

/// A received envelope. Borrowed from the bytes that arrived: [`Received::signed`] is a slice
/// of them.
#[derive(Debug, Clone)]
pub struct Received<'a> {
    direction: Direction,
    /// The `request`/`response` value's exact text.
    value: &'a str,
    /// The `body` value's exact text; `None` when the message has none.
    body: Option<&'a str>,
    head: ReceivedHead,
    signature: Option<String>,
}

/// Two outer structs, so that serde refuses a key given twice (a map would keep the last one,
/// and a reader and a verifier could then disagree on which one counts).
#[derive(Deserialize)]
struct RequestEnvelope<'a> {
    #[serde(borrow)]
    request: &'a RawValue,
    #[serde(default)]
    signature: Option<String>,
}

#[derive(Deserialize)]
struct ResponseEnvelope<'a> {
    #[serde(borrow)]
    response: &'a RawValue,
    #[serde(default)]
    signature: Option<String>,
}

#[derive(Deserialize)]
struct Value<'a> {
    head: ReceivedHead,
    #[serde(borrow, default)]
    body: Option<&'a RawValue>,
}

impl<'a> Received<'a> {
    /// Finds the parts of `bytes`, as a `direction` envelope.
    pub fn parse(direction: Direction, bytes: &'a [u8]) -> Result<Self, EnvelopeError> {
        let not = |reason: String| EnvelopeError::NotEnvelope {
            direction: direction.key(),
            reason,
        };
        let text = std::str::from_utf8(bytes).map_err(|_| not("not UTF-8".into()))?;
        let (value, signature) = match direction {
            Direction::Request => {
                serde_json::from_str::<RequestEnvelope<'a>>(text).map(|e| (e.request, e.signature))
            }
            Direction::Response => serde_json::from_str::<ResponseEnvelope<'a>>(text)
                .map(|e| (e.response, e.signature)),
        }
        .map_err(|e| not(without_content(&e)))?;
        let value = value.get();
        if !value.starts_with('{') {
            return Err(not(format!("`{}` is not an object", direction.key())));
        }
        let parts: Value<'a> = serde_json::from_str(value).map_err(|e| not(without_content(&e)))?;
        let body = parts.body.map(RawValue::get);
        if body.is_some_and(|body| !body.starts_with('{')) {
            return Err(not("`body` is not an object".into()));
        }
        Ok(Self {
            direction,
            value,
            body,
            head: parts.head,
            signature,
        })
    }

    /// The head.
    pub fn head(&self) -> &ReceivedHead {
        &self.head
    }

    /// The `body` object's exact text, or `{}` when the message has none.
    pub fn body(&self) -> &'a [u8] {
        self.body.unwrap_or("{}").as_bytes()
    }

    /// Whether the envelope carries a `signature`.
    pub fn is_signed(&self) -> bool {
        self.signature.is_some()
    }

    /// The exact bytes the signature covers, under `protocol`'s rules.
    pub fn signed(&self, protocol: &HeadBody) -> &'a [u8] {
        signed_bytes(self.value.as_bytes(), protocol.rules.signed)
    }

    /// Checks `head.function`.
    pub fn check_function(&self, protocol: &HeadBody) -> Result<(), EnvelopeError> {
        if self.head.function == protocol.function {
            Ok(())
        } else {
            Err(EnvelopeError::WrongFunction {
                expected: protocol.function,
                found: self.head.function.chars().take(80).collect(),
            })
        }
    }

    /// Verifies the signature over the exact bytes received, with `key`.
    ///
    /// The signature may be URL-encoded or not (both encodings decode the same), and, as HK
    /// Auto Debit's signing page shows its sample base64-encoded twice, a signature that
    /// decodes to base64 text is decoded once more: both readings of that page verify.
    pub fn verify(&self, protocol: &HeadBody, key: &PublicKey) -> Result<(), EnvelopeError> {
        let direction = self.direction.key();
        let algorithm = protocol.rules.algorithm;
        let Some(signature) = &self.signature else {
            return Err(EnvelopeError::Unsigned { direction });
        };
        #[cfg(not(feature = "sha1"))]
        if algorithm == crate::SignatureAlgorithm::Sha1WithRsa {
            return Err(EnvelopeError::AlgorithmUnavailable {
                algorithm: algorithm.as_str(),
            });
        }
        let message = self.signed(protocol);
        let verifies = decodings(signature)
            .iter()
            .any(|raw| key.verify_with(algorithm, message, raw));
        if verifies {
            Ok(())
        } else {
            Err(EnvelopeError::BadSignature {
                direction,
                algorithm: algorithm.as_str(),
            })
        }
    }
}

/// What serde found wrong, without the message's content: serde quotes a value it did not
/// expect (`invalid type: string "…"`), which may be a secret or a megabyte, and the reason
/// is logged and sent back in a refusal. Field names (in backticks) and positions are kept.
fn without_content(error: &serde_json::Error) -> String {
    let message = error.to_string();
    // A quoted value, or a number serde shows in backticks (`integer `123``); field names
    // are in backticks too, and kept.
    let value_at = message.char_indices().find(|&(i, c)| {
        let next = message[i + c.len_utf8()..].chars().next();
        c == '"' || (c == '`' && next.is_some_and(|n| n.is_ascii_digit() || n == '-'))
    });
    let kept = message[..value_at.map_or(message.len(), |(i, _)| i)].trim_end();
    let kept: String = kept.chars().take(120).collect();
    if kept.contains(" at line ") {
        kept
    } else {
        format!("{kept} at line {} column {}", error.line(), error.column())
    }
}

/// The signature's bytes: percent-decoded (without turning `+` into a space, so raw base64
/// survives), then base64-decoded; and, when that is itself base64 text, decoded again.
fn decodings(signature: &str) -> Vec<Vec<u8>> {
    let Ok(once) = decode_base64_item("signature", "signature", signature.trim()) else {
        return Vec::new();
    };
    let twice = std::str::from_utf8(&once)
        .ok()
        .and_then(|inner| STANDARD.decode(inner.trim()).ok());
    std::iter::once(once).chain(twice).collect()
}
