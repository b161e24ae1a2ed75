//! What a notification store promises, whatever keeps the records.

use std::future::Future;
use std::time::Duration;

use super::handler_transaction::DeliveryTransaction;
pub use crate::store_values::{Claim, FenceToken, NotificationKey, StoreError};

/// Where handled notifications are recorded.
///
/// The contract, which every implementation keeps (and `tests/tests/store_conformance/`
/// checks, for the four stores shipped):
///
/// - `claim` is atomic: of two concurrent claims on one key, at most one gets
///   [`Claim::New`]. A claim holds a *lease* of [`lease`](Self::lease), measured by the
///   store's own clock; its holder renews it while the handler runs. Once a lease has run
///   out unrenewed, the next `claim` takes the key over with a larger [`FenceToken`].
/// - `renew`, `complete` and `release` succeed only for the key's current token, and
///   otherwise fail with [`StoreError::Superseded`], changing nothing.
/// - Only `complete` is final: it records an `S` answer, and later claims get
///   [`Claim::Answered`]. `release` gives the claim up so the next delivery runs the handler
///   again (the handler answered `F` or `U`, failed, or was stopped).
/// - A record lives at least [`retention`](Self::retention) after it was last claimed,
///   renewed, completed or answered from, by the store's clock. Answering from a record
///   extends it, so a record outlives every delivery that could still be accepted.
/// - A store that cannot do one of these says so with [`StoreError`]; it never drops a record
///   to make room, and it refuses to run on a database that could lose an acknowledged
///   record ([`StoreError::Unsafe`]).
/// - Tokens never repeat for a key, even after its record was lost.
pub trait NotificationStore: Send + Sync + 'static {
    /// Claims `key` for handling, or says why not.
    fn claim(
        &self,
        key: &NotificationKey,
    ) -> impl Future<Output = Result<Claim, StoreError>> + Send;
    /// Extends the lease of the claim under `token` by [`lease`](Self::lease) from now.
    fn renew(
        &self,
        key: &NotificationKey,
        token: FenceToken,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Records `answer`, an `S` answer given for `key` under `token`, as final.
    fn complete(
        &self,
        key: &NotificationKey,
        token: FenceToken,
        answer: Vec<u8>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Gives the claim under `token` up, so the next delivery runs the handler again.
    fn release(
        &self,
        key: &NotificationKey,
        token: FenceToken,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The transaction the handler of the claim under `token` may write in, committed with its
    /// `S` answer by the router (see [`Delivery`](super::Delivery)). `None`, the default, for a
    /// store whose database cannot hold the merchant's writes.
    fn transaction(&self, key: &NotificationKey, token: FenceToken) -> Option<DeliveryTransaction> {
        let _ = (key, token);
        None
    }
    /// How long a claim holds unrenewed before another delivery may take it over.
    fn lease(&self) -> Duration;
    /// How long a record is kept after it was last used. The webhook routers refuse
    /// notifications older than this (less the clock skew allowed), so a replay is caught
    /// either by its age or by the store.
    fn retention(&self) -> Duration;
}
