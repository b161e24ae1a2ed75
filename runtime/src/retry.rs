//! Resolving unknown outcomes: re-send the same request until the gateway answers S or F.
//!
//! AlipayHK's advice for `U`, `SYSTEM_ERROR` and timeouts is to re-send the *same* request
//! (same body, so the same idempotency key) until the answer is definitive. This helper does
//! that explicitly, for the endpoints whose spec records idempotency (and only for them): the
//! body is serialized once, each attempt gets a fresh `Request-Time` and signature, and the
//! wait between attempts grows. It never retries `F` or a response that failed verification.

use std::time::Duration;

use crate::{Client, Endpoint, Error, ResultInfo};

/// How often and how patiently to re-send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The wait before the second attempt; doubled after each further attempt.
    pub initial_backoff: Duration,
    /// The longest wait between attempts.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
        }
    }
}

/// What a call resolved to.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved<R> {
    /// The call answered `S`, possibly after re-sending.
    Done(R),
    /// A re-send after an unknown outcome answered a code the spec lists as "already done"
    /// (createPass: `PASS_HAS_EXIT`): an earlier attempt succeeded, and its response body is
    /// lost. Where the spec names a query ([`Endpoint::RESOLVE_UNKNOWN_WITH`]), it reads what
    /// was done. createPass has none: its module docs say what to do without
    /// the `passId`.
    AlreadyDone {
        /// The result that said so.
        result: ResultInfo,
    },
}

impl<R> Resolved<R> {
    /// The response, when this attempt got one.
    pub fn response(self) -> Option<R> {
        match self {
            Self::Done(response) => Some(response),
            Self::AlreadyDone { .. } => None,
        }
    }
}

impl Client {
    /// Executes `request`, re-sending the same body (fresh `Request-Time` and signature), up to
    /// `policy.max_attempts`, as far as the endpoint's spec allows ([`Endpoint::IDEMPOTENCY`]):
    ///
    /// - a request that never reached the gateway ([`Error::Connect`]) is re-sent: nothing
    ///   happened;
    /// - an unknown outcome (`U`, timeout, lost connection) is re-sent only for an endpoint
    ///   the spec calls idempotent; otherwise it is returned as is, since re-sending could do
    ///   the operation twice ([`Endpoint::RESOLVE_UNKNOWN_WITH`] names how to find out);
    /// - after an unknown outcome, an answer with one of the spec's `already_done` codes
    ///   resolves to [`Resolved::AlreadyDone`];
    /// - `F` and responses that failed verification are returned at once.
    pub async fn execute_resolving_unknown<E: Endpoint>(
        &self,
        request: &E,
        policy: RetryPolicy,
    ) -> Result<Resolved<E::Response>, Error<E::ResultCode>> {
        let first = self.prepare(request)?;
        let already_done = E::IDEMPOTENCY.map_or(&[][..], |i| i.already_done);
        let mut backoff = policy.initial_backoff;
        let mut attempt = 1;
        // Whether an earlier attempt may have been performed: only then does an "already
        // done" answer mean this call's own success.
        let mut maybe_performed = false;
        loop {
            let signed = if attempt == 1 {
                first.clone()
            } else {
                self.resign(&first)
            };
            let result = self.send_attempt::<E>(&signed, attempt).await;
            if maybe_performed
                && let Err(Error::Failed { result, .. }) = &result
                && already_done.contains(&result.result_code.as_str())
            {
                tracing::info!(
                    endpoint = E::NAME,
                    code = %result.result_code,
                    "a re-send says an earlier attempt succeeded"
                );
                return Ok(Resolved::AlreadyDone {
                    result: result.clone(),
                });
            }
            let resend = match &result {
                Err(Error::Connect(_)) => true,
                Err(Error::Unknown { .. }) if E::IDEMPOTENCY.is_some() => {
                    maybe_performed = true;
                    true
                }
                Err(Error::Unknown { .. }) => {
                    tracing::warn!(
                        endpoint = E::NAME,
                        resolve_with = E::RESOLVE_UNKNOWN_WITH,
                        "outcome unknown; not re-sending: the spec records no idempotency"
                    );
                    false
                }
                _ => false,
            };
            if !resend || attempt >= policy.max_attempts {
                return result.map(Resolved::Done);
            }
            tracing::info!(endpoint = E::NAME, attempt, "re-sending the same request");
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(policy.max_backoff);
            attempt += 1;
        }
    }
}
