//! Keeps a claim while its handler runs: renews the lease off the handler's path, and says
//! when the claim is lost, early enough to stop the handler before the store's lease runs out.
//!
//! The lease is measured by the store's clock, from when it ran a claim or renewal. A renewal
//! that this process sent at `t` and saw confirmed was run by the store at `t` or later, so the
//! store holds the claim at least until `t + lease`. The keeper counts the claim as held only
//! until `t + lease - margin` (the margin is a quarter of the lease: 7.5 s of the default 30 s),
//! which leaves the margin for stopping the handler and for the two clocks running at
//! slightly different rates. Renewals go out every quarter of the lease, each bounded by that
//! quarter, so two lost renewals leave the claim held, and a third stops the handler.

use std::time::Duration;

use tokio::time::{Instant, Interval, MissedTickBehavior, error::Elapsed};

use super::answers::error_chain;
use super::handler_transaction::Boxed;
use super::mutants::{Mutant, active};
use super::store::{FenceToken, NotificationKey, NotificationStore, StoreError};
use crate::time::instant_after;

/// How a claim was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lost {
    /// A renewal found another claim current.
    Superseded,
    /// No renewal was confirmed in time: the store may soon hand the key to another delivery.
    Expiring,
}

type Renewal<'a> = Boxed<'a, (Instant, Result<Result<(), StoreError>, Elapsed>)>;

/// The renewal state of one claim.
pub(super) struct LeaseKeeper<'a, S> {
    store: &'a S,
    key: NotificationKey,
    token: FenceToken,
    /// How long after sending a confirmed renewal the claim still counts as held here.
    held_for: Duration,
    every: Duration,
    held_until: Instant,
    tick: Interval,
    renewing: Option<Renewal<'a>>,
}

impl<'a, S: NotificationStore> LeaseKeeper<'a, S> {
    /// The keeper of the claim under `token`, whose claim call was sent at `claimed_at`.
    pub(super) fn new(
        store: &'a S,
        key: NotificationKey,
        token: FenceToken,
        claimed_at: Instant,
    ) -> Self {
        let lease = store.lease();
        let every = (lease / 4).max(Duration::from_millis(1));
        let held_for = lease.saturating_sub(every);
        let held_until = instant_after(claimed_at, held_for);
        // The first renewal a quarter of a lease from now, or at once when a slow claim left
        // less than that before the local deadline.
        let first = instant_after(Instant::now(), every).min(
            held_until
                .checked_sub(every)
                .unwrap_or(held_until)
                .max(Instant::now()),
        );
        let mut tick = tokio::time::interval_at(first, every);
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        Self {
            store,
            key,
            token,
            held_for,
            every,
            held_until,
            tick,
            renewing: None,
        }
    }

    /// Whether the claim already counts as lost here: its claim call took so long that the
    /// local deadline has passed before the handler could start.
    pub(super) fn expired(&self) -> bool {
        Instant::now() >= self.held_until
    }

    /// The margin between the local deadline and the store's lease: how long a stopped
    /// handler may take to end while the claim is certainly still ours.
    pub(super) fn margin(&self) -> Duration {
        self.every
    }

    /// Renews the lease for as long as it is polled; completes only when the claim is lost.
    /// Dropping it mid-way loses nothing (a renewal in flight is kept for the next call), so
    /// it may sit in a `select!` loop.
    pub(super) async fn lost(&mut self) -> Lost {
        if active(Mutant::NoRenewal) {
            return std::future::pending().await;
        }
        let Self {
            store,
            key,
            token,
            held_for,
            every,
            held_until,
            tick,
            renewing,
        } = self;
        loop {
            tokio::select! {
                biased;
                (sent, renewed) = async { renewing.as_mut().expect("guarded").await },
                    if renewing.is_some() =>
                {
                    *renewing = None;
                    match renewed {
                        Ok(Ok(())) => *held_until = (*held_until).max(instant_after(sent, *held_for)),
                        Ok(Err(StoreError::Superseded { .. })) => {
                            tracing::error!(%key, %token, "the claim was taken over while its handler ran");
                            return Lost::Superseded;
                        }
                        Ok(Err(error)) => {
                            tracing::warn!(%key, error = %error_chain(&error), "could not renew a claim");
                        }
                        Err(_) => tracing::warn!(%key, "the store did not answer a renewal in time"),
                    }
                }
                () = tokio::time::sleep_until(*held_until) => {
                    tracing::error!(%key, %token, "no renewal of the claim was confirmed in time; stopping its handler before the lease runs out");
                    return Lost::Expiring;
                }
                _ = tick.tick() => {
                    if renewing.is_none() {
                        let (store, key, token, every) = (*store, *key, *token, *every);
                        let sent = Instant::now();
                        *renewing = Some(Box::pin(async move {
                            (sent, tokio::time::timeout(every, store.renew(&key, token)).await)
                        }));
                    }
                }
            }
        }
    }
}

/// Waits for `keeper` to lose its claim; never, without a keeper.
pub(super) async fn lost<S: NotificationStore>(keeper: &mut Option<LeaseKeeper<'_, S>>) -> Lost {
    match keeper {
        Some(keeper) => keeper.lost().await,
        None => std::future::pending().await,
    }
}
