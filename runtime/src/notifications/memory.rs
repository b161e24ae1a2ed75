//! A [`NotificationStore`] in memory, for one process.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::store::{Claim, ClaimId, NotificationKey, NotificationStore, StoreError};

/// A [`NotificationStore`] in memory, for one process. A restart forgets everything; use
/// `SqliteStore` (feature `sqlite`) or a database for that.
///
/// - Answers are kept for `retention` (48 hours by default: AlipayHK's retries span about a
///   day); a claim in progress for its `lease` (60 s by default).
/// - Expired records leave through a time-ordered index, so a claim costs O(log n) however
///   many records there are.
/// - At `capacity` records (100,000 by default, about 10 MB), a new key is refused with
///   [`StoreError::Full`] and answered `U`: AlipayHK delivers it again once records expire.
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
    state: State,
}

#[derive(Debug)]
enum State {
    InProgress(ClaimId),
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
    fn put(&mut self, key: NotificationKey, state: State, expires: Instant) {
        let expiry = (expires, self.next);
        self.next += 1;
        if let Some(old) = self.by_key.insert(key, Record { expiry, state }) {
            self.by_expiry.remove(&old.expiry);
        }
        self.by_expiry.insert(expiry, key);
    }

    fn remove(&mut self, key: &NotificationKey) {
        if let Some(old) = self.by_key.remove(key) {
            self.by_expiry.remove(&old.expiry);
        }
    }
}

impl Default for InMemoryStore {
    fn default() -> Self {
        Self::with_retention(Duration::from_secs(48 * 3600))
    }
}

impl InMemoryStore {
    /// A store that forgets an answer after `retention`, with the default lease and capacity.
    pub fn with_retention(retention: Duration) -> Self {
        Self {
            retention,
            lease: Duration::from_secs(60),
            capacity: 100_000,
            inner: Mutex::new(Records::default()),
        }
    }

    /// How long a claim holds before a re-delivery may take it over. Make it longer than
    /// your handler ever runs.
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
        let mut records = self.lock();
        records.expire(now);
        match records.by_key.get(key).map(|r| &r.state) {
            Some(State::Answered(answer)) => return Ok(Claim::Answered(answer.clone())),
            Some(State::InProgress(_)) => return Ok(Claim::InProgress),
            None if records.by_key.len() >= self.capacity => {
                return Err(StoreError::Full {
                    capacity: self.capacity,
                });
            }
            None => {}
        }
        // An in-progress record expires with its lease, so a key absent here is free.
        let claim = ClaimId::random();
        records.put(*key, State::InProgress(claim), now + self.lease);
        Ok(Claim::New(claim))
    }

    async fn complete(
        &self,
        key: &NotificationKey,
        _claim: ClaimId,
        answer: Vec<u8>,
    ) -> Result<(), StoreError> {
        // Recorded even when a later delivery took the claim over: the handler did run.
        let expires = Instant::now() + self.retention;
        self.lock().put(*key, State::Answered(answer), expires);
        Ok(())
    }

    async fn release(&self, key: &NotificationKey, claim: ClaimId) -> Result<(), StoreError> {
        let mut records = self.lock();
        if matches!(records.by_key.get(key), Some(Record { state: State::InProgress(held), .. }) if *held == claim)
        {
            records.remove(key);
        }
        Ok(())
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
        NotificationKey::new("pointsBillNotify", &[&n.to_string()])
    }

    fn claimed(claim: Claim) -> ClaimId {
        match claim {
            Claim::New(id) => id,
            other => panic!("expected a new claim, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_key_is_handled_once_and_a_concurrent_delivery_waits() {
        let store = InMemoryStore::default();
        let id = claimed(store.claim(&key(1)).await.unwrap());
        assert_eq!(store.claim(&key(1)).await.unwrap(), Claim::InProgress);
        store
            .complete(&key(1), id, b"answer".to_vec())
            .await
            .unwrap();
        assert_eq!(
            store.claim(&key(1)).await.unwrap(),
            Claim::Answered(b"answer".to_vec())
        );
        claimed(store.claim(&key(2)).await.unwrap());
        assert_eq!(store.len(), 2);
    }

    #[tokio::test]
    async fn a_released_key_runs_again_but_only_its_holder_releases_it() {
        let store = InMemoryStore::default();
        let first = claimed(store.claim(&key(1)).await.unwrap());
        store.release(&key(1), ClaimId(first.0 ^ 1)).await.unwrap();
        assert_eq!(store.claim(&key(1)).await.unwrap(), Claim::InProgress);
        store.release(&key(1), first).await.unwrap();
        claimed(store.claim(&key(1)).await.unwrap());
    }

    #[tokio::test]
    async fn a_claim_whose_lease_ran_out_is_taken_over() {
        let store = InMemoryStore::default().with_lease(Duration::ZERO);
        let first = claimed(store.claim(&key(1)).await.unwrap());
        let second = claimed(store.claim(&key(1)).await.unwrap());
        assert_ne!(first, second);
        // The first holder's late release does not free the second's claim.
        store.release(&key(1), first).await.unwrap();
        assert_eq!(store.len(), 1);
    }

    #[tokio::test]
    async fn answers_are_forgotten_after_the_retention() {
        let store = InMemoryStore::with_retention(Duration::ZERO);
        let id = claimed(store.claim(&key(1)).await.unwrap());
        store
            .complete(&key(1), id, b"answer".to_vec())
            .await
            .unwrap();
        claimed(store.claim(&key(1)).await.unwrap());
    }

    #[tokio::test]
    async fn a_full_store_refuses_new_keys_and_keeps_every_record() {
        let store = InMemoryStore::default().with_capacity(3);
        for n in 0..3 {
            let id = claimed(store.claim(&key(n)).await.unwrap());
            store.complete(&key(n), id, vec![n as u8]).await.unwrap();
        }
        assert!(matches!(
            store.claim(&key(9)).await,
            Err(StoreError::Full { capacity: 3 })
        ));
        for n in 0..3 {
            assert_eq!(
                store.claim(&key(n)).await.unwrap(),
                Claim::Answered(vec![n as u8])
            );
        }
    }

    #[tokio::test]
    async fn expiry_leaves_the_index_and_the_map_in_step() {
        let store = InMemoryStore::with_retention(Duration::from_millis(1));
        for n in 0..1000 {
            let id = claimed(store.claim(&key(n)).await.unwrap());
            store.complete(&key(n), id, vec![]).await.unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
        claimed(store.claim(&key(5000)).await.unwrap());
        let records = store.lock();
        assert_eq!(records.by_key.len(), 1);
        assert_eq!(records.by_expiry.len(), 1);
    }
}
