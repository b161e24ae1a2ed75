//! Resolving unknown outcomes: re-send the same request until the gateway answers S or F.
//!
//! AlipayHK's advice for `U`, `SYSTEM_ERROR` and timeouts is to re-send the *same* request
//! (same body, so the same idempotency key) until the answer is definitive. This helper does
//! that explicitly: the body is serialized once, each attempt gets a fresh `Request-Time` and
//! signature, and the wait between attempts grows. It never retries `F` or a response that
//! failed verification.

use std::time::Duration;

use crate::{Client, Endpoint, Error};

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

impl Client {
    /// Executes `request`, re-sending the same body while the outcome is unknown (`U`, timeout,
    /// lost connection) or the gateway could not be reached, up to `policy.max_attempts`.
    /// Returns the first definitive answer, or the last unknown one.
    pub async fn execute_resolving_unknown<E: Endpoint>(
        &self,
        request: &E,
        policy: RetryPolicy,
    ) -> Result<E::Response, Error<E::ResultCode>> {
        let first = self.prepare(request)?;
        let mut backoff = policy.initial_backoff;
        let mut attempt = 1;
        loop {
            let signed = if attempt == 1 {
                first.clone()
            } else {
                self.resign(&first)
            };
            let result = self.send::<E>(&signed).await;
            let again = matches!(result, Err(Error::Unknown { .. } | Error::Connect(_)));
            if !again || attempt >= policy.max_attempts {
                return result;
            }
            tracing::info!(
                endpoint = E::NAME,
                attempt,
                "outcome unknown; re-sending the same request"
            );
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(policy.max_backoff);
            attempt += 1;
        }
    }
}
