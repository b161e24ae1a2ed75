//! Notifications AlipayHK sends to endpoints the merchant hosts, handled exactly once each.
//!
//! AlipayHK re-delivers a notification it got no `S` answer for: after `U` or no answer at
//! all, up to 7 times over about a day (2 min, 10 min, 10 min, 1 h, 2 h, 6 h, 15 h). Whether
//! it re-delivers after `F` is not documented, so nothing here relies on it: an `F` is given
//! only when the merchant's handler says so. [`handle_notification`] de-duplicates on the
//! fields the spec names as the notification's idempotency key (`billNo` for
//! points/bill/notify) through an [`Inbox`] over a [`NotificationStore`]:
//!
//! - **Effects in the record's transaction.** With `PostgresStore` and `SqliteStore`, a handler
//!   writes through [`Delivery::postgres`] or [`Delivery::sqlite`]: its writes and the record
//!   that answers every later delivery `S` commit in one transaction, under the claim's fence,
//!   or not at all. This needs no lease, clock or fencing discipline from the handler: two
//!   deliveries racing on one notification cannot both commit.
//! - **Claims with fencing.** A delivery claims the key, under a [`FenceToken`] larger than
//!   every earlier claim's, and the handler runs once per key at a time. The claim's lease is
//!   renewed while the handler runs and while its answer is recorded; when no renewal has been
//!   confirmed for three quarters of the lease, the handler is told ([`Delivery::cancelled`]),
//!   stopped and awaited, before the store could hand the key to another delivery. The store
//!   accepts the answer only from the current token.
//! - **Only `S` is final, and only once recorded.** An `S` answer is recorded, and every
//!   re-delivery gets it again; an `S` the store did not take is answered `U`. An `F` or `U`
//!   answer, an error, a panic, an overrun deadline or a stop releases the claim (after the
//!   stopped task has ended), so the next delivery runs the handler again.
//! - **Our problems answer `U`.** A notification our types cannot read, a store that fails or
//!   is full, no free handler slot, a shutdown, a refusal by the signature middleware: each
//!   is answered `U`, so AlipayHK delivers it again instead of dropping it.
//! - **No replay runs twice.** Every use of a record extends it by the store's retention,
//!   and the router refuses notifications older than that retention less the allowed clock
//!   skew ([`verified`]): a delivery is either refused by its age or answered from its record.
//!   The default retention (50 h) also covers AlipayHK's retry span with the default maximum
//!   age (25 h), so even a delivery that never reached us cannot be replayed after its record
//!   is gone.
//! - **Keys are scoped** by the merchant's `Client-Id`: a sandbox and a live account sharing a
//!   database never answer each other's notifications.
//!
//! **Why the handler runs in a task of its own.** axum drops a handler's future when the
//! connection closes, and AlipayHK closes connections that take too long. Had the handler run
//! inside that future, it could stop half-way (points credited, nothing recorded) and a
//! re-delivery would credit them again. So the claim and the handler run detached: to
//! completion whatever happens to the connection, and the re-delivery gets the answer.
//!
//! **What the handler must still do itself**, for effects outside the store's database: a
//! process can die after such an effect and before its answer is recorded, and a request
//! already sent when the handler is stopped may still take effect; the re-delivery then runs
//! the handler again. Send the notification's key downstream as the effect's idempotency key
//! (see [`Delivery`]).
//!
//! Stores: [`InMemoryStore`] (one process), `SqliteStore` (feature `sqlite`; the processes of
//! one host), `PostgresStore` (feature `postgres`) and `RedisStore` (feature `redis`; any
//! number of instances), or your own implementation of the trait.

mod answers;
mod dedup_key;
mod delivery;
mod durations;
mod handler_transaction;
mod handling;
#[cfg(feature = "sqlite")]
pub(crate) mod host_clock;
mod inbox;
mod lease_keeper;
mod memory;
mod mutants;
mod outgoing;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "postgres")]
pub(crate) mod postgres_connection;
#[cfg(feature = "postgres")]
pub(crate) mod postgres_sql;
#[cfg(feature = "postgres")]
mod postgres_transaction;
#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "redis")]
mod redis_connection;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;
#[cfg(feature = "sqlite")]
mod sqlite_records;
#[cfg(feature = "sqlite")]
mod sqlite_transaction;
mod store;
mod supervision;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;

pub use delivery::{Delivery, Stop};
pub use durations::{ALIPAYHK_REDELIVERY, ALIPAYHK_RETRY_SPAN, DEFAULT_LEASE, DEFAULT_RETENTION};
pub use handler_transaction::DeliveryTransaction;
pub use handling::handle_notification;
pub use inbox::{Inbox, InboxLimits, Shutdown};
pub use memory::InMemoryStore;
pub use outgoing::{NotificationInput, read_notification};
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "postgres")]
pub use postgres_transaction::{PostgresTransaction, TransactionClient};
#[cfg(feature = "redis")]
pub use redis::{RedisDurability, RedisStore};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
#[cfg(feature = "sqlite")]
pub use sqlite_transaction::SqliteTransaction;
pub use store::{Claim, FenceToken, NotificationKey, NotificationStore, StoreError};

use crate::ResultStatus;
use crate::server::ServerConfig;
use crate::time::request_time::Freshness;

/// `routes` behind the protocol middleware for notifications: refusals are answered `U` (so
/// AlipayHK delivers again), and notifications older than [`accepted_age`] for the store's
/// `retention` are refused, so that a replay is caught either by its age or by the store.
pub fn verified(routes: Router, config: ServerConfig, retention: Duration) -> Router {
    verified_with(
        routes,
        config,
        retention,
        crate::server::HeadBodyRoutes::new(),
    )
}

/// [`verified`], with the v1 notifications in `head_body` checked as envelopes.
pub fn verified_with(
    routes: Router,
    mut config: ServerConfig,
    retention: Duration,
    head_body: crate::server::HeadBodyRoutes,
) -> Router {
    config.freshness.max_age = accepted_age(config.freshness, retention);
    if retention < ALIPAYHK_RETRY_SPAN + config.freshness.max_age + config.freshness.max_skew {
        tracing::warn!(
            ?retention,
            max_age = ?config.freshness.max_age,
            "the store's retention is shorter than AlipayHK's retry span plus the accepted age: a delivery that never reached this server could be replayed after its record is gone"
        );
    }
    config.refusal_status = ResultStatus::Unknown;
    crate::server::verified_with(routes, Arc::new(config), head_body)
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
