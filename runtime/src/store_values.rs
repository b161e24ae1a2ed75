//! The values the notification and intent stores deal in: a notification's key, a claim's
//! fence token, what a claim found, and why a store refused. A leaf: the stores, their
//! transactions and their traits all name these.

use std::fmt;

use crate::crypto::Backend;

/// A notification's identity: SHA-256 over the merchant's `Client-Id`, the endpoint's name and
/// its key fields' values.
///
/// The `Client-Id` scopes every key to one AlipayHK account: a sandbox and a live integration
/// (which AlipayHK gives different client ids) may share one database without answering each
/// other's notifications from the record. Fixed-size whatever was sent, so a hostile 500 KB
/// `billNo` costs the store 32 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NotificationKey([u8; 32]);

impl NotificationKey {
    /// The key of notification `endpoint`, sent to the merchant `client_id`, whose key fields
    /// hold `values`. Each part is length-prefixed, so no two different lists share a key.
    pub fn new(client_id: &str, endpoint: &str, values: &[&str]) -> Self {
        let mut input = Vec::with_capacity(
            client_id.len()
                + endpoint.len()
                + values.iter().map(|v| v.len() + 8).sum::<usize>()
                + 16,
        );
        let parts = [client_id, endpoint]
            .into_iter()
            .chain(values.iter().copied());
        for part in parts {
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
    pub fn to_hex(self) -> String {
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

/// The fencing token of one claim: it grows with every claim of the same key, so of two
/// holders the later one has the larger token.
///
/// The database stores never hand out the same token twice for a key, even after its record
/// was lost (evicted, expired, or missing after a failover): a new claim's token is at least
/// the store's clock in microseconds, and otherwise one more than the record's last token.
///
/// A store accepts `renew`, `complete` and `release` only from the key's current token, and a
/// handler makes its own writes conditional on it (see `notifications::Delivery`): a
/// holder that was paused past its lease, and whose claim was taken over meanwhile, can then
/// change nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FenceToken(u64);

impl FenceToken {
    /// The token with this value (stores read it back from their records).
    pub const fn new(value: u64) -> Self {
        Self(value)
    }

    /// Its value, for the handler's own conditional writes.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// The token of the next claim of the same key.
    pub const fn next(self) -> Self {
        Self(self.0.saturating_add(1))
    }
}

impl fmt::Display for FenceToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What a store knows about a notification key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Not seen before, released, or its holder stopped renewing its lease: the caller now
    /// holds it, under this token, and must `complete` or `release` it.
    New(FenceToken),
    /// Handled with an `S` answer: this is that answer.
    Answered(Vec<u8>),
    /// Another delivery of the same notification holds it and its lease has not run out.
    InProgress,
}

/// The store refused or could not do what was asked. The notification is then answered `U`,
/// so AlipayHK delivers it again later; nothing is recorded or dropped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store holds as many records as it may.
    #[error("the notification store is full ({capacity} records)")]
    Full {
        /// Its capacity.
        capacity: usize,
    },
    /// The claim under `token` is no longer the key's current one: its lease ran out and
    /// another delivery took the key over (or it was completed or released already). The
    /// write was refused.
    #[error("claim {token} was superseded; its write was refused")]
    Superseded {
        /// The token whose write was refused.
        token: FenceToken,
    },
    /// The database behind the store failed.
    #[error("the notification store failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The database is not configured so that an acknowledged record survives a crash (or
    /// its configuration could not be read): the store refuses to run on it, since a lost
    /// record runs a handler twice. `connect` says which setting, and what it needs.
    #[error("refusing a notification store whose `{setting}` is {found}: it needs {required}")]
    Unsafe {
        /// The server setting.
        setting: &'static str,
        /// Its value, or why it could not be read.
        found: String,
        /// What the store relies on.
        required: &'static str,
    },
    /// The handler's transaction was used after its delivery ended, or could not be used.
    #[error("the delivery's transaction {0}")]
    Transaction(&'static str),
}

impl StoreError {
    /// A database error, boxed.
    pub fn backend(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Backend(Box::new(error))
    }
}

#[cfg(test)]
mod tests {
    use super::{FenceToken, NotificationKey};

    #[test]
    fn keys_are_digests_that_keep_parts_apart() {
        let a = NotificationKey::new("C", "pointsBillNotify", &["ab", "c"]);
        let b = NotificationKey::new("C", "pointsBillNotify", &["a", "bc"]);
        assert_ne!(a, b);
        assert_eq!(
            a,
            NotificationKey::new("C", "pointsBillNotify", &["ab", "c"])
        );
        assert_ne!(
            a,
            NotificationKey::new("C", "membercardCreate", &["ab", "c"])
        );
        // A sandbox and a live account never share a record.
        assert_ne!(
            a,
            NotificationKey::new("SANDBOX", "pointsBillNotify", &["ab", "c"])
        );
        let huge = "9".repeat(500_000);
        assert_eq!(
            std::mem::size_of_val(&NotificationKey::new("C", "x", &[&huge])),
            32
        );
        assert_eq!(a.to_hex().len(), 64);
    }

    #[test]
    fn tokens_grow_and_never_wrap() {
        assert!(FenceToken::new(1).next() > FenceToken::new(1));
        assert_eq!(FenceToken::new(u64::MAX).next(), FenceToken::new(u64::MAX));
    }
}
