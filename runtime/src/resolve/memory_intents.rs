//! An [`IntentStore`] in memory: for tests, and for one process that accepts losing its
//! unsettled intents when it stops.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use super::intent_rows::DEFAULT_INTENT_LEASE;
use super::intent_store::{
    Begin, FenceToken, Intent, IntentKey, IntentRecord, IntentStore, Settlement, Stage, StoreError,
};

/// An [`IntentStore`] in memory, for one process. A restart forgets every intent, settled or
/// not, which is what the store exists to prevent: use it in tests, or where a call left
/// unsettled by a crash may be settled by hand. `SqliteIntentStore` (one host) and
/// `PostgresIntentStore` (many) keep them.
///
/// - One mutex over a map: every call is atomic, and none awaits while holding it.
/// - Leases are on tokio's monotonic clock, so a wall-clock step changes nothing (and a test
///   may pause and advance it). The lease is 30 s unless [`with_lease`](Self::with_lease).
/// - Nothing is ever removed, so a key's token simply counts up from 1.
/// - [`claim_due`](IntentStore::claim_due) scans every intent: O(n log n) in the intents kept,
///   fine for the numbers one process has in memory.
#[derive(Debug)]
pub struct MemoryIntentStore {
    lease: Duration,
    intents: Mutex<HashMap<IntentKey, Entry>>,
}

#[derive(Debug)]
struct Entry {
    intent: Intent,
    stage: Stage,
    settlement: Option<Settlement>,
    /// The token of the latest hold.
    token: FenceToken,
    /// When the hold runs out; `None` once released or settled.
    held_until: Option<Instant>,
}

impl Entry {
    /// Unsettled, and nobody's lease is live: `begin` and `claim_due` may take it.
    fn free(&self, now: Instant) -> bool {
        self.settlement.is_none() && self.held_until.is_none_or(|until| until <= now)
    }

    fn record(&self) -> IntentRecord {
        IntentRecord {
            intent: self.intent.clone(),
            stage: self.stage,
            settlement: self.settlement.clone(),
        }
    }

    /// Takes the hold under the next token.
    fn take(&mut self, until: Instant) -> FenceToken {
        self.token = self.token.next();
        self.held_until = Some(until);
        self.token
    }
}

impl Default for MemoryIntentStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryIntentStore {
    /// An empty store with a 30-second lease.
    pub fn new() -> Self {
        Self {
            lease: DEFAULT_INTENT_LEASE,
            intents: Mutex::new(HashMap::new()),
        }
    }

    /// How long a hold lasts unrenewed before another resolver may take the intent over.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How many intents are kept, settled or not.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no intent is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<IntentKey, Entry>> {
        // Every change is a few field assignments that cannot panic half-way, so a poisoned
        // lock still guards a consistent map.
        self.intents.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `now + lease`, or a century on when that overflows: a lease of `Duration::MAX` means
    /// "until released", not a panic.
    fn lease_from(&self, now: Instant) -> Instant {
        now.checked_add(self.lease)
            .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 86_400)))
            .unwrap_or(now)
    }

    /// Runs `write` on `key`'s entry if `token` holds it (current, unsettled, not released);
    /// otherwise `Superseded`, changing nothing.
    fn fenced(
        &self,
        key: &IntentKey,
        token: FenceToken,
        write: impl FnOnce(&mut Entry),
    ) -> Result<(), StoreError> {
        let mut intents = self.lock();
        match intents.get_mut(key) {
            Some(entry)
                if entry.token == token
                    && entry.settlement.is_none()
                    && entry.held_until.is_some() =>
            {
                write(entry);
                Ok(())
            }
            _ => Err(StoreError::Superseded { token }),
        }
    }
}

impl IntentStore for MemoryIntentStore {
    async fn begin(&self, intent: &Intent) -> Result<Begin, StoreError> {
        let now = Instant::now();
        let until = self.lease_from(now);
        let mut intents = self.lock();
        let Some(entry) = intents.get_mut(&intent.key) else {
            let token = FenceToken::new(1);
            intents.insert(
                intent.key.clone(),
                Entry {
                    intent: intent.clone(),
                    stage: Stage::Pending,
                    settlement: None,
                    token,
                    held_until: Some(until),
                },
            );
            return Ok(Begin::New(token));
        };
        Ok(if let Some(settlement) = &entry.settlement {
            Begin::Settled(settlement.clone())
        } else if entry.free(now) {
            // The stored intent, not `intent`: a resumed call goes on with its first request.
            Begin::Resumed(entry.take(until), entry.record())
        } else {
            Begin::Held
        })
    }

    async fn claim_due(
        &self,
        limit: usize,
        endpoints: &[&str],
    ) -> Result<Vec<(FenceToken, IntentRecord)>, StoreError> {
        let now = Instant::now();
        let until = self.lease_from(now);
        let mut intents = self.lock();
        let mut due: Vec<(u64, IntentKey)> = intents
            .iter()
            .filter(|(_, entry)| entry.free(now) && endpoints.contains(&&*entry.intent.endpoint))
            .map(|(key, entry)| (entry.intent.deadline_ms, key.clone()))
            .collect();
        due.sort_unstable();
        due.truncate(limit);
        Ok(due
            .into_iter()
            .filter_map(|(_, key)| {
                let entry = intents.get_mut(&key)?;
                Some((entry.take(until), entry.record()))
            })
            .collect())
    }

    async fn renew(&self, key: &IntentKey, token: FenceToken) -> Result<(), StoreError> {
        let until = self.lease_from(Instant::now());
        self.fenced(key, token, |entry| entry.held_until = Some(until))
    }

    async fn advance(
        &self,
        key: &IntentKey,
        token: FenceToken,
        stage: Stage,
    ) -> Result<(), StoreError> {
        self.fenced(key, token, |entry| entry.stage = stage)
    }

    async fn settle(
        &self,
        key: &IntentKey,
        token: FenceToken,
        settlement: &Settlement,
    ) -> Result<(), StoreError> {
        self.fenced(key, token, |entry| {
            entry.settlement = Some(settlement.clone());
            entry.held_until = None;
        })
    }

    async fn settle_from_notification(
        &self,
        key: &IntentKey,
        settlement: &Settlement,
    ) -> Result<bool, StoreError> {
        let mut intents = self.lock();
        match intents.get_mut(key) {
            Some(entry) if entry.settlement.is_none() && entry.stage == Stage::Pending => {
                entry.settlement = Some(settlement.clone());
                entry.held_until = None;
                // A new token, so the holder's next fenced write is refused.
                entry.token = entry.token.next();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn release(&self, key: &IntentKey, token: FenceToken) -> Result<(), StoreError> {
        // The token stays, so the next hold's is larger.
        self.fenced(key, token, |entry| entry.held_until = None)
    }

    async fn get(&self, key: &IntentKey) -> Result<Option<IntentRecord>, StoreError> {
        Ok(self.lock().get(key).map(Entry::record))
    }

    fn lease(&self) -> Duration {
        self.lease
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(n: u64) -> Intent {
        Intent {
            key: IntentKey::new("TEST_CLIENT", "pay", &[&n.to_string()]),
            endpoint: "pay".to_owned(),
            request: format!("{{\"n\":{n}}}").into_bytes(),
            deadline_ms: n,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_paused_clock_runs_leases_out_exactly() {
        let store = MemoryIntentStore::new().with_lease(Duration::from_secs(30));
        let Begin::New(first) = store.begin(&intent(1)).await.unwrap() else {
            panic!("new")
        };
        tokio::time::advance(Duration::from_secs(29)).await;
        assert_eq!(store.begin(&intent(1)).await.unwrap(), Begin::Held);
        assert!(store.claim_due(10, &["pay"]).await.unwrap().is_empty());
        tokio::time::advance(Duration::from_secs(1)).await;
        let claimed = store.claim_due(10, &["pay"]).await.unwrap();
        assert_eq!(claimed.len(), 1);
        assert!(claimed[0].0 > first);
    }

    #[tokio::test]
    async fn an_unending_lease_does_not_overflow() {
        let store = MemoryIntentStore::new().with_lease(Duration::MAX);
        let Begin::New(token) = store.begin(&intent(1)).await.unwrap() else {
            panic!("new")
        };
        store.renew(&intent(1).key, token).await.unwrap();
        assert_eq!(store.begin(&intent(1)).await.unwrap(), Begin::Held);
    }
}
