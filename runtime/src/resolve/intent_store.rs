//! What an intent store promises: the merchant's durable record of calls whose outcome must be
//! settled, written before the first send, so that a crash forgets none of them.

use std::future::Future;
use std::time::Duration;

pub use crate::store_values::{FenceToken, StoreError};

/// One call to settle: written before its first send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    /// The intent's identity: the merchant's `Client-Id`, the endpoint and its idempotency key
    /// values ([`IntentKey::new`]).
    pub key: IntentKey,
    /// The endpoint's spec name, such as `pay`: what `resume` dispatches on.
    pub endpoint: String,
    /// The request as JSON, exactly as the caller built it (re-sent, and read for the
    /// inquiry's and the cancel's fields).
    pub request: Vec<u8>,
    /// When the merchant stops waiting: wall-clock epoch milliseconds. Past it, an unsettled
    /// intent is cancelled (where its endpoint can be).
    pub deadline_ms: u64,
}

/// An intent's identity, as text: `client-id`, endpoint and key values, each length-prefixed
/// so that no two different lists share a key. Readable in the store, for an operator.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IntentKey(String);

impl IntentKey {
    /// The key of a call to `endpoint` by `client_id` whose idempotency key fields hold
    /// `values`.
    pub fn new(client_id: &str, endpoint: &str, values: &[&str]) -> Self {
        let mut key = String::new();
        for part in [client_id, endpoint]
            .into_iter()
            .chain(values.iter().copied())
        {
            key.push_str(&part.len().to_string());
            key.push(':');
            key.push_str(part);
        }
        Self(key)
    }

    /// A key read back from storage.
    pub fn from_stored(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The text stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where an unsettled intent is in its procedure: what a resumer does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Written; sent, or maybe sent. Next: read the outcome (inquire, or re-send an idempotent
    /// call).
    Pending,
    /// Its deadline passed without a final outcome: cancelling. Next: cancel (again).
    Cancelling,
}

impl Stage {
    /// As stored.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Cancelling => "cancelling",
        }
    }

    /// From storage.
    pub fn from_stored(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(Self::Pending),
            "cancelling" => Some(Self::Cancelling),
            _ => None,
        }
    }
}

/// How an intent ended. Final: once settled, it never changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    /// The call succeeded: the response (JSON) that says so, from the call itself, its
    /// inquiry, or a notification.
    Done(Vec<u8>),
    /// The call failed with this result (JSON of the result object): it did not happen.
    Failed(Vec<u8>),
    /// It was cancelled at its deadline: it did not happen and never will.
    Cancelled,
    /// The procedure ran out without a confirmed outcome (the cancel itself was not
    /// confirmed): a person must look. The reason, for them.
    Unresolved(String),
}

/// An intent as stored, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntentRecord {
    /// The intent.
    pub intent: Intent,
    /// Where it is, while unsettled.
    pub stage: Stage,
    /// How it ended, once settled.
    pub settlement: Option<Settlement>,
}

/// What [`IntentStore::begin`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// No intent had this key: it is written, and held under this token.
    New(FenceToken),
    /// An unsettled intent with this key was not held (a crashed process's, or one released):
    /// it is now held under this token. Its stored record is returned: continue from it, and
    /// never with a different request.
    Resumed(FenceToken, IntentRecord),
    /// Another resolver holds it and its lease has not run out.
    Held,
    /// It is settled: this is how.
    Settled(Settlement),
}

/// Where intents are kept.
///
/// The contract (checked for every shipped store by `tests/tests/intent_store_conformance/`):
///
/// - `begin` is atomic: of two concurrent begins of one key, at most one gets `New` or
///   `Resumed`. A hold is a lease of [`lease`](Self::lease) on the store's clock, renewed by
///   its holder; once it runs out, `begin` or `claim_due` takes it over with a larger token.
/// - `renew`, `advance`, `settle` and `release` succeed only for the key's current token, and
///   otherwise fail with [`StoreError::Superseded`], changing nothing.
/// - `settle` is final; `settle_from_notification` settles an unsettled, pending intent
///   whoever holds it (AlipayHK's own word about the outcome), and its holder's next fenced
///   write then fails with `Superseded`. An intent being cancelled is left to its cancel: a
///   payment paid while the cancel was on its way is reversed by it, so "paid" would be wrong.
/// - An unsettled intent is never dropped; tokens never repeat for a key.
pub trait IntentStore: Send + Sync + 'static {
    /// Writes `intent` and holds it, or finds it (see [`Begin`]).
    fn begin(&self, intent: &Intent) -> impl Future<Output = Result<Begin, StoreError>> + Send;
    /// Holds up to `limit` unsettled intents of the named `endpoints` whose lease ran out (or
    /// that were released), oldest deadline first: what `resume` works through. Intents of
    /// other endpoints are left untouched, for a resolver that can settle them: claiming and
    /// releasing them would let them crowd out the ones this resolver can.
    fn claim_due(
        &self,
        limit: usize,
        endpoints: &[&str],
    ) -> impl Future<Output = Result<Vec<(FenceToken, IntentRecord)>, StoreError>> + Send;
    /// Extends the hold under `token` by [`lease`](Self::lease) from now.
    fn renew(
        &self,
        key: &IntentKey,
        token: FenceToken,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Moves the unsettled intent held under `token` to `stage`.
    fn advance(
        &self,
        key: &IntentKey,
        token: FenceToken,
        stage: Stage,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Settles the intent held under `token`, for good.
    fn settle(
        &self,
        key: &IntentKey,
        token: FenceToken,
        settlement: &Settlement,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Settles `key` from a notification, if it is unsettled and pending; `Ok(false)` when
    /// there is no such intent, it was settled already, or it is being cancelled.
    fn settle_from_notification(
        &self,
        key: &IntentKey,
        settlement: &Settlement,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Gives the hold under `token` up, leaving the intent unsettled for the next resumer.
    fn release(
        &self,
        key: &IntentKey,
        token: FenceToken,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The intent stored under `key`, if any.
    fn get(
        &self,
        key: &IntentKey,
    ) -> impl Future<Output = Result<Option<IntentRecord>, StoreError>> + Send;
    /// How long a hold lasts unrenewed.
    fn lease(&self) -> Duration;
}

/// A shared store: one resolver and the webhook handler that settles from notifications, or
/// several resolvers in one process, on the same records.
impl<S: IntentStore> IntentStore for std::sync::Arc<S> {
    fn begin(&self, intent: &Intent) -> impl Future<Output = Result<Begin, StoreError>> + Send {
        (**self).begin(intent)
    }
    fn claim_due(
        &self,
        limit: usize,
        endpoints: &[&str],
    ) -> impl Future<Output = Result<Vec<(FenceToken, IntentRecord)>, StoreError>> + Send {
        (**self).claim_due(limit, endpoints)
    }
    fn renew(
        &self,
        key: &IntentKey,
        token: FenceToken,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        (**self).renew(key, token)
    }
    fn advance(
        &self,
        key: &IntentKey,
        token: FenceToken,
        stage: Stage,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        (**self).advance(key, token, stage)
    }
    fn settle(
        &self,
        key: &IntentKey,
        token: FenceToken,
        settlement: &Settlement,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        (**self).settle(key, token, settlement)
    }
    fn settle_from_notification(
        &self,
        key: &IntentKey,
        settlement: &Settlement,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        (**self).settle_from_notification(key, settlement)
    }
    fn release(
        &self,
        key: &IntentKey,
        token: FenceToken,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        (**self).release(key, token)
    }
    fn get(
        &self,
        key: &IntentKey,
    ) -> impl Future<Output = Result<Option<IntentRecord>, StoreError>> + Send {
        (**self).get(key)
    }
    fn lease(&self) -> Duration {
        (**self).lease()
    }
}
