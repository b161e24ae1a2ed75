//! The inbox: a store, the limits handlers run within, and the handlers running now.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

/// The limits a webhook router's handlers run within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct InboxLimits {
    /// How long a handler may run. Past it the handler is stopped (and awaited), its writes
    /// rolled back, its claim released, and the delivery answered `U`, so AlipayHK delivers
    /// again. Default 5 minutes.
    pub handler_deadline: Duration,
    /// How many handlers may run at once; a delivery beyond that is answered `U` without
    /// being claimed. Default 256.
    pub max_handlers: usize,
    /// How long one claim, completion, commit or release may take before it counts as failed.
    /// Default 10 s. Renewals have their own bound, a quarter of the store's lease.
    pub store_timeout: Duration,
    /// How many times an `S` answer is offered to the store before giving up. Default 4,
    /// over about 2 s.
    pub complete_attempts: u32,
}

impl Default for InboxLimits {
    fn default() -> Self {
        Self {
            handler_deadline: Duration::from_secs(5 * 60),
            max_handlers: 256,
            store_timeout: Duration::from_secs(10),
            complete_attempts: 4,
        }
    }
}

impl InboxLimits {
    /// Sets the handler deadline.
    pub fn handler_deadline(mut self, deadline: Duration) -> Self {
        self.handler_deadline = deadline;
        self
    }

    /// Sets how many handlers may run at once (at least 1).
    pub fn max_handlers(mut self, max: usize) -> Self {
        self.max_handlers = max.clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
        self
    }

    /// Sets the timeout of one store call.
    pub fn store_timeout(mut self, timeout: Duration) -> Self {
        self.store_timeout = timeout;
        self
    }

    /// Sets how many times a success is offered to the store (at least 1).
    pub fn complete_attempts(mut self, attempts: u32) -> Self {
        self.complete_attempts = attempts.max(1);
        self
    }
}

/// Where a webhook router's notifications go: the [`NotificationStore`](super::NotificationStore)
/// that de-duplicates them, the [`InboxLimits`] handlers run within, and the handlers running
/// now, so that [`shutdown`](Self::shutdown) can wait for them. Cloning it is cheap and shares
/// all of that.
#[derive(Debug)]
pub struct Inbox<S> {
    shared: Arc<Shared<S>>,
}

impl<S> Clone for Inbox<S> {
    fn clone(&self) -> Self {
        Self {
            shared: self.shared.clone(),
        }
    }
}

#[derive(Debug)]
struct Shared<S> {
    store: S,
    limits: InboxLimits,
    /// One permit per running handler.
    permits: Arc<Semaphore>,
    closed: AtomicBool,
    /// Set when shutdown stops waiting: every handler still running stops and gives its
    /// claim up.
    abandon: watch::Sender<bool>,
}

/// What [`Inbox::shutdown`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Shutdown {
    /// Handlers that finished within the grace period.
    pub finished: usize,
    /// Handlers still running at its end: stopped (and awaited), their writes rolled back and
    /// their claims released, so AlipayHK's next delivery runs them again.
    pub abandoned: usize,
}

impl<S> Inbox<S> {
    /// An inbox over `store` with the default limits.
    pub fn new(store: S) -> Self {
        Self::with_limits(store, InboxLimits::default())
    }

    /// An inbox over `store` with `limits`.
    pub fn with_limits(store: S, limits: InboxLimits) -> Self {
        // The fields are public: hold a value set directly to what the setter allows.
        let limits = limits.max_handlers(limits.max_handlers);
        let (abandon, _) = watch::channel(false);
        Self {
            shared: Arc::new(Shared {
                store,
                permits: Arc::new(Semaphore::new(limits.max_handlers)),
                limits,
                closed: AtomicBool::new(false),
                abandon,
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.shared.store
    }

    /// The limits.
    pub fn limits(&self) -> &InboxLimits {
        &self.shared.limits
    }

    /// How many handlers are running now.
    pub fn running(&self) -> usize {
        self.shared.limits.max_handlers - self.shared.permits.available_permits()
    }

    /// Stops taking deliveries (each is answered `U` from now on, so AlipayHK delivers it
    /// again, to another instance or after the restart), waits up to `grace` for the
    /// handlers running now, then stops those still running, waits for their tasks to end,
    /// rolls their transactions back and releases their claims.
    /// Call it after the server stopped accepting connections (`serve`'s shutdown future).
    pub async fn shutdown(&self, grace: Duration) -> Shutdown
    where
        S: super::NotificationStore,
    {
        self.shared.closed.store(true, Ordering::SeqCst);
        let running = self.running();
        let all = self.shared.limits.max_handlers as u32;
        if let Ok(Ok(_idle)) =
            tokio::time::timeout(grace, self.shared.permits.acquire_many(all)).await
        {
            // Nothing runs, and nothing new starts: the inbox is closed.
            return Shutdown {
                finished: running,
                abandoned: 0,
            };
        }
        let abandoned = self.running();
        self.shared.abandon.send_replace(true);
        // Each stopped handler's task ends within a quarter of the lease, then its transaction
        // is rolled back and its claim released, a store call each.
        let stopping = self.shared.store.lease() / 4 + self.shared.limits.store_timeout * 2;
        let _ = tokio::time::timeout(stopping, self.shared.permits.acquire_many(all)).await;
        tracing::warn!(
            abandoned,
            "shutdown: handlers still running past the grace period were stopped and their claims released"
        );
        Shutdown {
            finished: running.saturating_sub(abandoned),
            abandoned,
        }
    }

    /// A slot for one handler, or why there is none.
    pub(super) fn admit(&self) -> Result<OwnedSemaphorePermit, Refused> {
        if self.shared.closed.load(Ordering::SeqCst) {
            return Err(Refused::Closed);
        }
        self.shared
            .permits
            .clone()
            .try_acquire_owned()
            .map_err(|_| Refused::Saturated)
    }

    /// Completes once shutdown stops waiting for handlers.
    pub(super) fn abandoned(&self) -> watch::Receiver<bool> {
        self.shared.abandon.subscribe()
    }
}

/// Why a delivery was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refused {
    Closed,
    Saturated,
}
