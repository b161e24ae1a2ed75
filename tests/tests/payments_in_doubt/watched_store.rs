//! A memory store the tests can watch and break: `renew` and `advance` fail while `down` is
//! set, `settle` while `settles_down` is, as a database that does not answer for a while; and
//! it counts the intents held by claims at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use alipayhk::runtime::resolve::{
    Begin, FenceToken, Intent, IntentKey, IntentRecord, IntentStore, MemoryIntentStore, Settlement,
    Stage, StoreError,
};

pub struct Watched {
    inner: Arc<MemoryIntentStore>,
    pub down: AtomicBool,
    pub settles_down: AtomicBool,
    /// Intents `claim_due` handed out and not yet settled.
    held: AtomicUsize,
    /// The most of them at any time.
    pub most_held: AtomicUsize,
}

impl Watched {
    /// A fresh memory store with `lease`, its renewals down from the start if `down`.
    pub fn new(lease: Duration, down: bool) -> Arc<Self> {
        let watched = Self::around(Arc::new(MemoryIntentStore::new().with_lease(lease)));
        watched.down.store(down, Ordering::SeqCst);
        watched
    }

    /// Watches `inner`, which others may write to directly.
    pub fn around(inner: Arc<MemoryIntentStore>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            down: AtomicBool::new(false),
            settles_down: AtomicBool::new(false),
            held: AtomicUsize::new(0),
            most_held: AtomicUsize::new(0),
        })
    }

    fn check(flag: &AtomicBool) -> Result<(), StoreError> {
        if flag.load(Ordering::SeqCst) {
            return Err(StoreError::backend(std::io::Error::other(
                "connection refused",
            )));
        }
        Ok(())
    }
}

impl IntentStore for Watched {
    async fn begin(&self, intent: &Intent) -> Result<Begin, StoreError> {
        self.inner.begin(intent).await
    }
    async fn claim_due(
        &self,
        limit: usize,
        endpoints: &[&str],
    ) -> Result<Vec<(FenceToken, IntentRecord)>, StoreError> {
        let claimed = self.inner.claim_due(limit, endpoints).await?;
        let held = self.held.fetch_add(claimed.len(), Ordering::SeqCst) + claimed.len();
        self.most_held.fetch_max(held, Ordering::SeqCst);
        Ok(claimed)
    }
    async fn renew(&self, key: &IntentKey, token: FenceToken) -> Result<(), StoreError> {
        Self::check(&self.down)?;
        self.inner.renew(key, token).await
    }
    async fn advance(
        &self,
        key: &IntentKey,
        token: FenceToken,
        stage: Stage,
    ) -> Result<(), StoreError> {
        Self::check(&self.down)?;
        self.inner.advance(key, token, stage).await
    }
    async fn settle(
        &self,
        key: &IntentKey,
        token: FenceToken,
        settlement: &Settlement,
    ) -> Result<(), StoreError> {
        Self::check(&self.settles_down)?;
        self.inner.settle(key, token, settlement).await?;
        let _ = (self.held).fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        Ok(())
    }
    async fn settle_from_notification(
        &self,
        key: &IntentKey,
        settlement: &Settlement,
    ) -> Result<bool, StoreError> {
        self.inner.settle_from_notification(key, settlement).await
    }
    async fn release(&self, key: &IntentKey, token: FenceToken) -> Result<(), StoreError> {
        self.inner.release(key, token).await
    }
    async fn get(&self, key: &IntentKey) -> Result<Option<IntentRecord>, StoreError> {
        self.inner.get(key).await
    }
    fn lease(&self) -> Duration {
        self.inner.lease()
    }
}
