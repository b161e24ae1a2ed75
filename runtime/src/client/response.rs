//! Reading a response (no I/O): verify the signature over the raw body, decrypt, and map the
//! result status to `Ok`, [`Error::Failed`] or [`Error::Unknown`].

use std::time::SystemTime;

use reqwest::header::HeaderMap;
use serde::Deserialize;

use super::Client;
use crate::error::{Error, ProtocolError, UnknownReason};
use crate::head_body::EnvelopeError;
use crate::protocol::Protocol;
use crate::seal;
use crate::sign::{self, SignatureHeader};
use crate::time::request_time::Freshness;
use crate::{Endpoint, ResultCode, ResultInfo, ResultStatus};

/// Only the result object, read before the typed body so that a failure response that does
/// not match the endpoint's schema still yields its code.
#[derive(Deserialize)]
struct Envelope {
    #[serde(alias = "resultInfo")]
    result: Option<ResultInfo>,
}

impl Client {
    /// Checks and reads a response to `E` (no I/O): refuses a redirect, verifies the signature
    /// over the raw body (and, when configured, the `Response-Time` skew), decrypts, and maps
    /// the result status.
    ///
    /// A 3xx is [`ProtocolError::Redirected`]: AlipayHK does not redirect API calls, so it
    /// means a wrong base URL or something in between. The redirect is never followed (that
    /// would re-send the signed request to another origin). Like every protocol error it
    /// reports the outcome as unknown, since the request did reach a server, and the retry
    /// helper does not re-send it: the same URL would redirect again.
    ///
    /// A v1 answer's `reqMsgId` is matched with its request's by [`Client::execute`], which
    /// knows the request; this reads an answer alone and cannot.
    pub fn read_response<E: Endpoint>(
        &self,
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<E::Response, Error<E::ResultCode>> {
        self.read_answer::<E>(status, headers, body, None)
    }

    /// [`read_response`](Self::read_response), for the v1 request whose `reqMsgId` was
    /// `sent_msg_id`.
    pub(super) fn read_answer<E: Endpoint>(
        &self,
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
        sent_msg_id: Option<&str>,
    ) -> Result<E::Response, Error<E::ResultCode>> {
        let inner = &self.inner;
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        if (300..400).contains(&status) {
            return Err(ProtocolError::Redirected {
                status,
                location: header("location").map(|l| l.chars().take(200).collect()),
            }
            .into());
        }
        if let Protocol::HeadBody(protocol) = E::PROTOCOL {
            return match self.open_head_body(&protocol, body, sent_msg_id) {
                Ok((body, signed)) => read_result::<E>(status, body, signed),
                // A 5xx that is not an envelope is the server's failure, not a forgery.
                Err(ProtocolError::Envelope(EnvelopeError::NotEnvelope { .. }))
                    if (500..600).contains(&status) =>
                {
                    read_result::<E>(status, b"", false)
                }
                Err(error) => Err(error.into()),
            };
        }
        let signed = match (header("signature"), header("response-time")) {
            (Some(signature), Some(time)) => {
                let parsed = SignatureHeader::parse(signature).map_err(ProtocolError::from)?;
                sign::SignedContent {
                    method: E::METHOD.as_str(),
                    path: &inner.signed_path(E::PATH),
                    client_id: &inner.client_id,
                    time,
                    body,
                }
                .verify(&inner.platform_key, &parsed.signature)
                .map_err(ProtocolError::from)?;
                if let Some(skew) = inner.max_response_skew {
                    let window = Freshness {
                        max_skew: skew,
                        max_age: skew,
                    };
                    window
                        .check(crate::wire::RESPONSE_TIME, time, SystemTime::now())
                        .map_err(ProtocolError::from)?;
                }
                true
            }
            (Some(_), None) => {
                return Err(ProtocolError::SignaturePartial {
                    present: "Signature",
                    missing: "Response-Time",
                }
                .into());
            }
            (None, Some(_)) => {
                return Err(ProtocolError::SignaturePartial {
                    present: "Response-Time",
                    missing: "Signature",
                }
                .into());
            }
            (None, None) => false,
        };
        // An unsigned body is never decrypted: its key wrap could be anyone's.
        let encrypt = header("encrypt").filter(|_| signed);
        let body = seal::open_body(&*inner.cipher, &inner.merchant_key, encrypt, body)
            .map_err(|_| ProtocolError::Decryption)?;
        read_result::<E>(status, &body, signed)
    }
}

/// Maps a checked (verified or unsigned) plaintext body: `S` gives the typed response (only
/// when signed), `F` the typed code, `U` and unrecognised statuses an unknown outcome.
fn read_result<E: Endpoint>(
    status: u16,
    body: &[u8],
    signed: bool,
) -> Result<E::Response, Error<E::ResultCode>> {
    let result = serde_json::from_slice::<Envelope>(body)
        .ok()
        .and_then(|e| e.result);
    let Some(result) = result else {
        return Err(match status {
            500..=599 => Error::Unknown {
                reason: UnknownReason::ServerError(status),
                result: None,
                source: None,
            },
            200..=299 => ProtocolError::Malformed("the body has no result object".into()).into(),
            _ => ProtocolError::HttpStatus { status }.into(),
        });
    };
    match result.result_status.clone() {
        ResultStatus::Success if !signed => Err(ProtocolError::SignatureMissing.into()),
        ResultStatus::Success => serde_json::from_slice::<E::Response>(body)
            .map_err(|e| ProtocolError::Malformed(format!("{} response: {e}", E::NAME)).into()),
        ResultStatus::Failure => Err(Error::Failed {
            code: E::ResultCode::from_code(&result.result_code),
            result,
        }),
        ResultStatus::Unknown => Err(Error::Unknown {
            reason: UnknownReason::StatusUnknown,
            result: Some(result),
            source: None,
        }),
        ResultStatus::Unrecognized(other) => Err(Error::Unknown {
            reason: UnknownReason::StatusUnrecognized(other),
            result: Some(result),
            source: None,
        }),
    }
}
