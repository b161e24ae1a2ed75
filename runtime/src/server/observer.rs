//! What the serving side saw, for a tool that shows it (the local gateway's console): each
//! request and what became of it, and for a refused signature the exact content it had to
//! cover, the single most useful thing when an integration's signature is refused.

/// One request and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The HTTP method.
    pub method: String,
    /// The path, as requested.
    pub path: String,
    /// The `Client-Id` the request carried.
    pub client_id: Option<String>,
    /// What became of it.
    pub outcome: Outcome,
}

/// What became of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It verified and was answered; the answer's result, such as `S SUCCESS`.
    Answered {
        /// `resultStatus resultCode`.
        result: String,
    },
    /// It was refused before a handler saw it.
    Refused {
        /// The result code answered, such as `INVALID_SIGNATURE`.
        code: &'static str,
        /// Why, in words.
        reason: String,
        /// For a signature that did not verify: the exact bytes it had to cover (`METHOD
        /// path`, `Client-Id.Request-Time.body`). It holds the body.
        signed_content: Option<Vec<u8>>,
    },
}

/// Told of every request the middleware handles, after it is answered or refused.
pub trait ExchangeObserver: Send + Sync + 'static {
    /// One request and its outcome.
    fn observe(&self, exchange: Exchange);
}
