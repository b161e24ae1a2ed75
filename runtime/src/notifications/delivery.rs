//! What a handler knows about the delivery it runs for: its identity, its fence token, the
//! signal that it must stop, and the store's transaction for its writes.

use tokio::sync::watch;

use super::handler_transaction::DeliveryTransaction;
use super::store::{FenceToken, NotificationKey};

/// What a handler knows about the delivery it runs for.
///
/// **Database writes: in the store's transaction.** With `PostgresStore` or `SqliteStore`,
/// write through [`postgres`](Self::postgres) or [`sqlite`](Self::sqlite): your writes and the
/// record that answers every later delivery `S` commit together, or not at all. A process
/// killed anywhere leaves both or neither, and of two deliveries racing on one notification
/// (one of them paused or cut off from the database past its lease) only the current claim's
/// commit succeeds: the other's writes roll back. Nothing else is needed: no fence column, no
/// "already done" check. Only an `S` answer commits; after `F`, `U`, an error or a stop, your
/// writes roll back and the next delivery runs the handler again.
///
/// **Effects outside the database** (an HTTP call to a points provider, a message) cannot
/// commit with the record. The router stops the handler before its claim can run out at the
/// store ([`cancelled`](Self::cancelled) says so first), but a request already sent may still
/// take effect, and a process can die after the effect and before its answer is recorded: the
/// next delivery then runs the handler again. Make the effect idempotent downstream: send
/// [`key`](Self::key) (or the notification's own key field) as the provider's idempotency key,
/// so a second call is answered from the first.
///
/// **Writes to another database** can use [`token`](Self::token) as a fence: write only when
/// no row of a larger token exists, and treat a row of a smaller one as already done.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Delivery {
    key: Option<NotificationKey>,
    token: Option<FenceToken>,
    stop: watch::Receiver<Option<Stop>>,
    // Read by the database stores' accessors only.
    #[cfg_attr(not(any(feature = "postgres", feature = "sqlite")), allow(dead_code))]
    transaction: Option<DeliveryTransaction>,
}

/// Why a handler was told to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stop {
    /// No renewal of the claim was confirmed for longer than the lease less its safety margin
    /// (the store is slow or unreachable): the handler is stopped before the lease can run out
    /// at the store and another delivery take the notification over.
    ClaimLost,
    /// A renewal found the claim taken over by another delivery.
    Superseded,
    /// The handler overran its deadline (`InboxLimits::handler_deadline`).
    Deadline,
    /// The inbox is shutting down and stopped waiting for the handler.
    Shutdown,
}

impl Delivery {
    pub(super) fn new(
        key: Option<NotificationKey>,
        token: Option<FenceToken>,
        stop: watch::Receiver<Option<Stop>>,
        transaction: Option<DeliveryTransaction>,
    ) -> Self {
        Self {
            key,
            token,
            stop,
            transaction,
        }
    }

    /// The notification's identity; `None` when the spec names no idempotency key.
    pub fn key(&self) -> Option<&NotificationKey> {
        self.key.as_ref()
    }

    /// The fencing token of this delivery's claim: larger than that of every earlier claim of
    /// the same notification. `None` when the spec names no idempotency key (nothing is
    /// claimed, and the handler runs on every delivery).
    pub fn token(&self) -> Option<FenceToken> {
        self.token
    }

    /// Why the handler must stop, once it must. Check it before an effect that cannot be
    /// undone; the task is stopped at its next `.await` in any case.
    pub fn stopped(&self) -> Option<Stop> {
        *self.stop.borrow()
    }

    /// Completes when the handler must stop, with why: for a `select!` around a long call.
    pub async fn cancelled(&self) -> Stop {
        let mut stop = self.stop.clone();
        let why = stop
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|why| *why);
        match why {
            Some(why) => why,
            // No supervisor holds the sender (a delivery made for a test): never stopped.
            None => std::future::pending().await,
        }
    }

    /// The `PostgresStore` transaction this delivery's writes commit in, with its answer.
    /// `None` on another store, or when the spec names no idempotency key.
    #[cfg(feature = "postgres")]
    pub fn postgres(&self) -> Option<&super::PostgresTransaction> {
        self.transaction.as_ref()?.downcast()
    }

    /// The `SqliteStore` transaction this delivery's writes commit in, with its answer.
    /// `None` on another store, or when the spec names no idempotency key.
    #[cfg(feature = "sqlite")]
    pub fn sqlite(&self) -> Option<&super::SqliteTransaction> {
        self.transaction.as_ref()?.downcast()
    }

    /// A delivery for tests of a handler: with this key and token, never stopped, and no
    /// transaction.
    pub fn for_test(key: NotificationKey, token: FenceToken) -> Self {
        let (_, stop) = watch::channel(None);
        Self::new(Some(key), Some(token), stop, None)
    }
}
