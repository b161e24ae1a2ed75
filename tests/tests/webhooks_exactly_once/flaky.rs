//! A store over the in-memory one whose renewals or completes fail on demand.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use alipayhk::runtime::notifications::{
    Claim, FenceToken, InMemoryStore, NotificationKey, NotificationStore, StoreError,
};

/// A store whose renewals fail (its database unreachable from this instance) and whose first
/// `fail_completes` completes fail, over the in-memory store.
pub struct Flaky {
    pub inner: InMemoryStore,
    pub fail_renewals: bool,
    pub fail_completes: AtomicUsize,
}

impl NotificationStore for Flaky {
    async fn claim(&self, key: &NotificationKey) -> Result<Claim, StoreError> {
        self.inner.claim(key).await
    }
    async fn renew(&self, key: &NotificationKey, token: FenceToken) -> Result<(), StoreError> {
        if self.fail_renewals {
            return Err(StoreError::Backend("unreachable".into()));
        }
        self.inner.renew(key, token).await
    }
    async fn complete(
        &self,
        key: &NotificationKey,
        token: FenceToken,
        answer: Vec<u8>,
    ) -> Result<(), StoreError> {
        if self
            .fail_completes
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err(StoreError::Backend("connection reset".into()));
        }
        self.inner.complete(key, token, answer).await
    }
    async fn release(&self, key: &NotificationKey, token: FenceToken) -> Result<(), StoreError> {
        self.inner.release(key, token).await
    }
    fn lease(&self) -> Duration {
        self.inner.lease()
    }
    fn retention(&self) -> Duration {
        self.inner.retention()
    }
}
