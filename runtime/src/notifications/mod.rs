//! Notifications AlipayHK sends to endpoints the merchant hosts, handled exactly once each.
//!
//! AlipayHK re-delivers a notification it got no `S` answer for: after `U` or no answer at
//! all, up to 7 times over about a day (2 min, 10 min, 10 min, 1 h, 2 h, 6 h, 15 h). Whether
//! it re-delivers after `F` is not documented, so nothing here relies on it: an `F` is given
//! only when the merchant's handler says so. [`handle_notification`] de-duplicates on the
//! fields the spec names as the notification's idempotency key (`billNo` for
//! points/bill/notify) through an [`Inbox`] over a [`NotificationStore`]:
//!
//! - **Claims with fencing.** A delivery claims the key, under a [`FenceToken`] larger than
//!   every earlier claim's, and the handler runs once per key at a time. The claim's lease is
//!   renewed while the handler runs, so it is taken over only when its holder stopped
//!   renewing (its process died, or it lost the store), and the store accepts the answer only
//!   from the current token. The handler gets the token in its [`Delivery`], to make its own
//!   writes conditional on it.
//! - **Only `S` is final.** An `S` answer is recorded, and every re-delivery gets it again. An
//!   `F` or `U` answer, an error, a panic or an overrun deadline releases the claim, so the
//!   next delivery runs the handler again.
//! - **Our problems answer `U`.** A notification our types cannot read, a store that fails or
//!   is full, no free handler slot, a shutdown, a refusal by the signature middleware: each
//!   is answered `U`, so AlipayHK delivers it again instead of dropping it.
//! - **No replay runs twice.** Every use of a record extends it by the store's retention,
//!   and the router refuses notifications older than that retention less the allowed clock
//!   skew ([`verified`]): a delivery is either refused by its age or answered from its record.
//!   The default retention (50 h) also covers AlipayHK's retry span with the default maximum
//!   age (25 h), so even a delivery that never reached us cannot be replayed after its record
//!   is gone.
//!
//! **Why the handler runs in a task of its own.** axum drops a handler's future when the
//! connection closes, and AlipayHK closes connections that take too long. Had the handler run
//! inside that future, it could stop half-way (points credited, nothing recorded) and a
//! re-delivery would credit them again. So the claim and the handler run detached: to
//! completion whatever happens to the connection, and the re-delivery gets the answer.
//!
//! **What the handler must still do itself.** A process can die after the handler's side
//! effect and before its answer is recorded; the re-delivery then runs the handler again. Make
//! the side effect idempotent on the notification's key (a unique bill number in the ledger),
//! conditional on the fence token (see [`Delivery`]).
//!
//! Stores: [`InMemoryStore`] (one process), `SqliteStore` (feature `sqlite`; the processes of
//! one host), `PostgresStore` (feature `postgres`) and `RedisStore` (feature `redis`; any
//! number of instances), or your own implementation of the trait.

mod answers;
mod dedup_key;
mod delivery;
#[cfg(feature = "sqlite")]
mod host_clock;
mod inbox;
mod memory;
mod outgoing;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "sqlite")]
mod sqlite;
mod store;
mod supervision;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;

pub use delivery::{Delivery, handle_notification};
pub use inbox::{Inbox, InboxLimits, Shutdown};
pub use memory::{ALIPAYHK_RETRY_SPAN, DEFAULT_LEASE, DEFAULT_RETENTION, InMemoryStore};
pub use outgoing::{ALIPAYHK_REDELIVERY, NotificationInput, read_notification};
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
pub use store::{Claim, FenceToken, NotificationKey, NotificationStore, StoreError};

use crate::ResultStatus;
use crate::server::ServerConfig;
use crate::time::request_time::Freshness;

/// `routes` behind the protocol middleware for notifications: refusals are answered `U` (so
/// AlipayHK delivers again), and notifications older than [`accepted_age`] for the store's
/// `retention` are refused, so that a replay is caught either by its age or by the store.
pub fn verified(routes: Router, mut config: ServerConfig, retention: Duration) -> Router {
    config.freshness.max_age = accepted_age(config.freshness, retention);
    if retention < ALIPAYHK_RETRY_SPAN + config.freshness.max_age + config.freshness.max_skew {
        tracing::warn!(
            ?retention,
            max_age = ?config.freshness.max_age,
            "the store's retention is shorter than AlipayHK's retry span plus the accepted age: a delivery that never reached this server could be replayed after its record is gone"
        );
    }
    config.refusal_status = ResultStatus::Unknown;
    crate::server::verified(routes, Arc::new(config))
}

/// The largest age a notification may have, given a store that keeps records `retention`
/// after their last use: `freshness.max_age`, at most `retention - freshness.max_skew`.
///
/// Why that suffices: a delivery accepted at our time `a` carries a `Request-Time` `t` with
/// `t <= a + max_skew`, and its record is used, and so kept, until at least `a + retention`.
/// A replay of it is accepted only until `t + max_age <= a + max_skew + max_age <= a +
/// retention`, while the record is still there to answer it.
pub fn accepted_age(freshness: Freshness, retention: Duration) -> Duration {
    freshness
        .max_age
        .min(retention.saturating_sub(freshness.max_skew))
}
