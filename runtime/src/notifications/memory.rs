//! A [`NotificationStore`] in memory, for one process.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use crate::time::instant_after;

use super::durations::{DEFAULT_LEASE, DEFAULT_RETENTION};
use super::store::{Claim, FenceToken, NotificationKey, NotificationStore, StoreError};

/// A [`NotificationStore`] in memory, for one process. A restart forgets everything; use
/// `SqliteStore` (one host), `PostgresStore` or `RedisStore` (many) for that.
///
/// - A record is kept [`DEFAULT_RETENTION`] (50 h) after it was last used; a claim's lease is
///   [`DEFAULT_LEASE`] (30 s), renewed by its holder. Times are tokio's monotonic clock, so a
///   wall-clock step changes nothing (and tests may pause and advance it).
/// - Expired records leave through a time-ordered index, so a claim costs O(log n) however
///   many records there are.
/// - At `capacity` records (1,000,000 by default: about 320 MB when full, 321 bytes a record
///   with an 80-byte answer, measured), a new key is refused with
///   [`StoreError::Full`], logged at error and answered `U`: AlipayHK delivers it again, and
///   records of two days ago expire meanwhile. The default sustains 5.5 notifications a
///   second (capacity ÷ retention) for as long as you like; above that, size it as
///   `rate × retention`, or use a database store.
#[derive(Debug)]
pub struct InMemoryStore {
    retention: Duration,
    lease: Duration,
    capacity: usize,
    inner: Mutex<Records>,
}

#[derive(Debug, Default)]
struct Records {
    by_key: HashMap<NotificationKey, Record>,
    /// Each record once, under the instant it expires; the `u64` keeps equal instants apart.
    by_expiry: BTreeMap<(Instant, u64), NotificationKey>,
    next: u64,
}

#[derive(Debug)]
struct Record {
    expiry: (Instant, u64),
    token: FenceToken,
    state: State,
}

#[derive(Debug)]
enum State {
    Claimed { lease_until: Instant },
    Released,
    Answered(Vec<u8>),
}

impl Records {
    /// Drops every record that expired by `now`, oldest first.
    fn expire(&mut self, now: Instant) {
        while let Some(entry) = self.by_expiry.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let key = entry.remove();
            self.by_key.remove(&key);
        }
    }

    /// Inserts or replaces `key`'s record, expiring at `expires`.
    fn put(&mut self, key: NotificationKey, token: FenceToken, state: State, expires: Instant) {
        let expiry = (expires, self.next);
        self.next += 1;
        let record = Record {
            expiry,
            token,
            state,
        };
        if let Some(old) = self.by_key.insert(key, record) {
            self.by_expiry.remove(&old.expiry);
        }
        self.by_expiry.insert(expiry, key);
    }

    /// Moves `key`'s expiry to `expires`, its state unchanged.
    fn extend(&mut self, key: &NotificationKey, expires: Instant) {
        let expiry = (expires, self.next);
        self.next += 1;
        if let Some(record) = self.by_key.get_mut(key) {
            self.by_expiry.remove(&record.expiry);
            record.expiry = expiry;
            self.by_expiry.insert(expiry, *key);
        }
    }

    /// Whether `token` is `key`'s current claim.
    fn held(&self, key: &NotificationKey, token: FenceToken) -> Result<(), StoreError> {
        match self.by_key.get(key) {
            Some(Record {
                token: current,
                state: State::Claimed { .. },
                ..
            }) if *current == token => Ok(()),
            _ => Err(StoreError::Superseded { token }),
        }
    }
}

impl Default for InMemoryStore {
    fn default() -> Self {
        Self::with_retention(DEFAULT_RETENTION)
    }
}

impl InMemoryStore {
    /// A store that keeps a record for `retention` after its last use, with the default lease
    /// and capacity.
    pub fn with_retention(retention: Duration) -> Self {
        Self {
            retention,
            lease: DEFAULT_LEASE,
            capacity: 1_000_000,
            inner: Mutex::new(Records::default()),
        }
    }

    /// How long a claim holds unrenewed before a re-delivery may take it over.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How many records it may hold.
    pub fn with_capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity;
        self
    }

    /// How many notifications are recorded or being handled.
    pub fn len(&self) -> usize {
        self.lock().by_key.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Records> {
        // Every change keeps both maps consistent before it can panic (allocation aside), so a
        // poisoned lock still guards a usable map.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl NotificationStore for InMemoryStore {
    async fn claim(&self, key: &NotificationKey) -> Result<Claim, StoreError> {
        let now = Instant::now();
        let expires = instant_after(now, self.retention);
        let mut records = self.lock();
        records.expire(now);
        let token = match records.by_key.get(key) {
            Some(record) => match &record.state {
                State::Answered(answer) => {
                    // Answering from the record extends it: a replay of this delivery is
                    // refused by its age before the record can be forgotten.
                    let answer = answer.clone();
                    records.extend(key, expires);
                    return Ok(Claim::Answered(answer));
                }
                State::Claimed { lease_until } if *lease_until > now => {
                    return Ok(Claim::InProgress);
                }
                State::Claimed { .. } | State::Released => record.token.next(),
            },
            None if records.by_key.len() >= self.capacity => {
                return Err(StoreError::Full {
                    capacity: self.capacity,
                });
            }
            None => FenceToken::new(1),
        };
        let lease_until = instant_after(now, self.lease);
        records.put(*key, token, State::Claimed { lease_until }, expires);
        Ok(Claim::New(token))
    }

    async fn renew(&self, key: &NotificationKey, token: FenceToken) -> Result<(), StoreError> {
        let now = Instant::now();
        let mut records = self.lock();
        records.held(key, token)?;
        let lease_until = instant_after(now, self.lease);
        records.put(
            *key,
            token,
            State::Claimed { lease_until },
            instant_after(now, self.retention),
        );
        Ok(())
    }

    async fn complete(
        &self,
        key: &NotificationKey,
        token: FenceToken,
        answer: Vec<u8>,
    ) -> Result<(), StoreError> {
        let now = Instant::now();
        let mut records = self.lock();
        records.held(key, token)?;
        records.put(
            *key,
            token,
            State::Answered(answer),
            instant_after(now, self.retention),
        );
        Ok(())
    }

    async fn release(&self, key: &NotificationKey, token: FenceToken) -> Result<(), StoreError> {
        let now = Instant::now();
        let mut records = self.lock();
        records.held(key, token)?;
        // The record stays, with its token, so the next claim's token is larger.
        records.put(
            *key,
            token,
            State::Released,
            instant_after(now, self.retention),
        );
        Ok(())
    }

    fn lease(&self) -> Duration {
        self.lease
    }

    fn retention(&self) -> Duration {
        self.retention
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn key(n: u32) -> NotificationKey {
        NotificationKey::new("TEST_CLIENT", "pointsBillNotify", &[&n.to_string()])
    }

    #[tokio::test]
    async fn expiry_leaves_the_index_and_the_map_in_step() {
        let store = InMemoryStore::with_retention(Duration::from_millis(1));
        for n in 0..1000 {
            let Claim::New(token) = store.claim(&key(n)).await.unwrap() else {
                panic!("claimed");
            };
            store.complete(&key(n), token, vec![]).await.unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
        store.claim(&key(5000)).await.unwrap();
        let records = store.lock();
        assert_eq!(records.by_key.len(), 1);
        assert_eq!(records.by_expiry.len(), 1);
    }

    #[tokio::test]
    async fn durations_near_the_maximum_do_not_overflow() {
        let store = InMemoryStore::with_retention(Duration::MAX).with_lease(Duration::MAX);
        let Claim::New(token) = store.claim(&key(1)).await.unwrap() else {
            panic!("claimed");
        };
        store.renew(&key(1), token).await.unwrap();
        assert_eq!(store.claim(&key(1)).await.unwrap(), Claim::InProgress);
        store.complete(&key(1), token, b"S".to_vec()).await.unwrap();
        assert_eq!(
            store.claim(&key(1)).await.unwrap(),
            Claim::Answered(b"S".to_vec())
        );
    }
}
