//! What a resolved call ended as, typed for the caller and encoded for the store.

use serde_json::{Value, json};

use super::intent_store::{IntentKey, Settlement, StoreError};
use super::resolvable::Resolvable;
use crate::{Error, ResultCode, ResultInfo};

/// How a call ended: never "unknown", except as [`Outcome::Unresolved`], which says why and
/// carries everything a person needs to act.
#[derive(Debug)]
pub enum Outcome<E: Resolvable> {
    /// It happened; how we know.
    Done(Evidence<E>),
    /// It did not happen: the call (or its inquiry) answered `F` with this code.
    Failed {
        /// The typed code.
        code: E::ResultCode,
        /// The result object.
        result: ResultInfo,
    },
    /// The deadline passed without a final answer, and the call was cancelled (or it never
    /// reached AlipayHK: every copy was refused a connection): it did not happen, and never
    /// will.
    Cancelled,
    /// The procedure ran out without a confirmed outcome: the cancel was not confirmed (or the
    /// endpoint cannot be cancelled). It may have happened. Logged at `error` level.
    Unresolved(Unresolved),
}

/// How the resolver knows a call happened.
#[derive(Debug)]
pub enum Evidence<E: Resolvable> {
    /// The call's own `S` answer.
    Answered(E::Response),
    /// The inquiry's answer, whose outcome field said `S`.
    Inquired(E::InquiryAnswer),
    /// A re-send answered a code the spec lists as "already done": an earlier attempt
    /// succeeded, and its answer is lost.
    AlreadyDone(ResultInfo),
    /// A notification from AlipayHK said so (`notifyPayment`): its body.
    Notified(Value),
}

/// A call the resolver could not settle: what to look up, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// The intent, as stored.
    pub key: IntentKey,
    /// The endpoint.
    pub endpoint: &'static str,
    /// Why: the last answers the procedure got.
    pub reason: String,
}

/// Why the resolver could not take a call on. Nothing was sent, except for `Conflict`, where
/// an earlier call with the same key (and another request) is already being settled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError<C: std::fmt::Debug> {
    /// The request is invalid or could not be built: not sent, nothing written.
    #[error("not sent: {0}")]
    NotSent(Error<C>),
    /// The store failed before the call was sent: not sent by this call. When the failure
    /// came after the intent was written (a connection lost on the way back), the intent may
    /// exist, and a `resume` would settle it, sending the call if AlipayHK never saw it. So
    /// call `execute` again with the same request (the same idempotency key), never a new
    /// key: it finds the intent if there is one, and sends nothing twice.
    #[error(
        "not sent: the intent store failed ({0}); call again with the same request, not a new one"
    )]
    Store(#[source] StoreError),
    /// An intent with the same idempotency key holds a different request: not sent. Settle or
    /// look up the earlier call first.
    #[error("not sent: an earlier call with the same idempotency key holds a different request")]
    Conflict,
}

impl<E: Resolvable> Outcome<E> {
    /// The stored form.
    pub(crate) fn settlement(&self) -> Settlement {
        match self {
            Self::Done(Evidence::Answered(response)) => {
                Settlement::Done(encode(json!({ "answered": response })))
            }
            Self::Done(Evidence::Inquired(response)) => Settlement::Done(encode(
                json!({ "inquired": serde_json::to_value(response).unwrap_or_default() }),
            )),
            Self::Done(Evidence::AlreadyDone(result)) => {
                Settlement::Done(encode(json!({ "already_done": result })))
            }
            Self::Done(Evidence::Notified(body)) => {
                Settlement::Done(encode(json!({ "notified": body })))
            }
            Self::Failed { result, .. } => Settlement::Failed(encode(json!(result))),
            Self::Cancelled => Settlement::Cancelled,
            Self::Unresolved(unresolved) => Settlement::Unresolved(unresolved.reason.clone()),
        }
    }

    /// The outcome a stored settlement records.
    pub(crate) fn from_settlement(key: &IntentKey, settlement: &Settlement) -> Self {
        match settlement {
            Settlement::Done(bytes) => {
                let value: Value = serde_json::from_slice(bytes).unwrap_or_default();
                let evidence = if let Some(r) = value.get("answered") {
                    serde_json::from_value(r.clone())
                        .ok()
                        .map(Evidence::Answered)
                } else if let Some(r) = value.get("inquired") {
                    serde_json::from_value(r.clone())
                        .ok()
                        .map(Evidence::Inquired)
                } else {
                    None
                };
                let evidence = evidence.unwrap_or_else(|| {
                    Evidence::Notified(value.get("notified").cloned().unwrap_or(value))
                });
                Self::Done(evidence)
            }
            Settlement::Failed(bytes) => {
                let result: ResultInfo = serde_json::from_slice(bytes).unwrap_or_else(|_| {
                    ResultInfo::new("UNKNOWN", crate::ResultStatus::Failure, "")
                });
                Self::Failed {
                    code: E::ResultCode::from_code(&result.result_code),
                    result,
                }
            }
            Settlement::Cancelled => Self::Cancelled,
            Settlement::Unresolved(reason) => Self::Unresolved(Unresolved {
                key: key.clone(),
                endpoint: E::NAME,
                reason: reason.clone(),
            }),
        }
    }

    /// Whether the call happened.
    pub fn is_done(&self) -> bool {
        matches!(self, Self::Done(_))
    }
}

fn encode(value: Value) -> Vec<u8> {
    serde_json::to_vec(&value).unwrap_or_default()
}

/// A typed code from a result, for outcomes built from read or stored results.
pub(super) fn code_of<C: ResultCode>(result: &ResultInfo) -> C {
    C::from_code(&result.result_code)
}
