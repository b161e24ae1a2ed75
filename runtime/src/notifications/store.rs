//! What a notification store promises, whatever keeps the records.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use crate::crypto::Backend;

/// A notification's identity: SHA-256 over the endpoint's name and its key fields' values.
///
/// Fixed-size whatever was sent, so a hostile 500 KB `billNo` costs the store 32 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NotificationKey([u8; 32]);

impl NotificationKey {
    /// The key of notification `endpoint` whose key fields hold `values`. Each part is
    /// length-prefixed, so no two different lists of values share a key.
    pub fn new(endpoint: &str, values: &[&str]) -> Self {
        let mut input = Vec::with_capacity(
            endpoint.len() + values.iter().map(|v| v.len() + 8).sum::<usize>() + 8,
        );
        for part in std::iter::once(endpoint).chain(values.iter().copied()) {
            input.extend_from_slice(&(part.len() as u64).to_be_bytes());
            input.extend_from_slice(part.as_bytes());
        }
        Self(Backend::default().primitives().sha256(&input))
    }

    /// A key read back from storage.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The digest.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The digest in lower-case hex, for stores keyed by text (Redis, logs).
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Debug for NotificationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NotificationKey({})", self.to_hex())
    }
}

impl fmt::Display for NotificationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// One holder's claim on a key, so that only the holder releases it: a delivery that took
/// over after the lease ran out must not lose its claim to the first one's late release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClaimId(pub u64);

impl ClaimId {
    /// A random claim id.
    pub fn random() -> Self {
        let mut bytes = [0u8; 8];
        Backend::default().primitives().fill_random(&mut bytes);
        Self(u64::from_be_bytes(bytes))
    }
}

/// What a store knows about a notification key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Not seen before, released, or its lease ran out: the caller now holds it and must
    /// `complete` or `release` it.
    New(ClaimId),
    /// Handled: this is the answer given the first time.
    Answered(Vec<u8>),
    /// Another delivery of the same notification holds it and its lease has not run out.
    InProgress,
}

/// The store could not answer. The notification is then answered `U`, so AlipayHK delivers it
/// again later; nothing is recorded or dropped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store holds as many records as it may.
    #[error("the notification store is full ({capacity} records)")]
    Full {
        /// Its capacity.
        capacity: usize,
    },
    /// The database behind the store failed.
    #[error("the notification store failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Where handled notifications are recorded.
///
/// The contract, which every implementation keeps:
///
/// - `claim` is atomic: of two concurrent claims on one key, at most one gets
///   [`Claim::New`]. A claim holds a *lease*: once it has run out, the next `claim` takes the
///   key over (the holder crashed, or was stopped mid-handler).
/// - `complete` records the answer, kept for [`retention`](Self::retention); later claims get
///   [`Claim::Answered`].
/// - `release` forgets the claim `claim` holds, and nothing else.
/// - A store that cannot do one of these says so with [`StoreError`]; it never drops a record
///   to make room.
///
/// How other databases map onto it:
///
/// - **Redis**: `claim` is `SET alipayhk:{key} claim:{id} NX PX {lease}`; if that fails,
///   `GET` says `answer:…` ([`Claim::Answered`]) or `claim:…` ([`Claim::InProgress`]).
///   `complete` is `SET alipayhk:{key} answer:{body} PX {retention}`; `release` is a Lua
///   script that deletes the key only while it still holds `claim:{id}`.
/// - **Postgres**: a table `(key bytea primary key, claim bigint, answer bytea, expires_at
///   timestamptz)`. `claim` is `INSERT … ON CONFLICT (key) DO UPDATE SET claim = $id,
///   expires_at = now() + lease WHERE t.answer IS NULL AND t.expires_at < now() RETURNING
///   claim`, then a `SELECT` when nothing was returned. `complete` is an `UPDATE` setting
///   `answer` and `expires_at = now() + retention`; `release` is `DELETE … WHERE key = $1 AND
///   claim = $2 AND answer IS NULL`. A periodic `DELETE … WHERE expires_at < now()` forgets.
///
/// [`InMemoryStore`](super::InMemoryStore) and, with the `sqlite` feature,
/// `SqliteStore` are the implementations shipped.
pub trait NotificationStore: Send + Sync + 'static {
    /// Claims `key` for handling, or says why not.
    fn claim(
        &self,
        key: &NotificationKey,
    ) -> impl Future<Output = Result<Claim, StoreError>> + Send;
    /// Records the answer given for `key`, claimed as `claim`.
    fn complete(
        &self,
        key: &NotificationKey,
        claim: ClaimId,
        answer: Vec<u8>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Gives `claim` up (the handler did not succeed), so a re-delivery runs it again.
    fn release(
        &self,
        key: &NotificationKey,
        claim: ClaimId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// How long an answer is remembered. The webhook routers refuse notifications older than
    /// this, so a replay is caught either by its age or by the store.
    fn retention(&self) -> Duration;
}

#[cfg(test)]
mod tests {
    use super::NotificationKey;

    #[test]
    fn keys_are_digests_that_keep_parts_apart() {
        let a = NotificationKey::new("pointsBillNotify", &["ab", "c"]);
        let b = NotificationKey::new("pointsBillNotify", &["a", "bc"]);
        assert_ne!(a, b);
        assert_eq!(a, NotificationKey::new("pointsBillNotify", &["ab", "c"]));
        assert_ne!(a, NotificationKey::new("membercardCreate", &["ab", "c"]));
        let huge = "9".repeat(500_000);
        assert_eq!(
            std::mem::size_of_val(&NotificationKey::new("x", &[&huge])),
            32
        );
        assert_eq!(a.to_hex().len(), 64);
    }
}
