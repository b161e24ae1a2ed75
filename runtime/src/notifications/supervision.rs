//! A handler run under supervision, and its answer recorded: the claim's lease kept while the
//! handler runs and while its answer is recorded, the handler stopped (and awaited) at its
//! deadline, at shutdown or before its claim can run out, its panic caught.

use std::future::Future;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::answers::{error_chain, is_success, unknown};
use super::delivery::Stop;
use super::handler_transaction::DeliveryTransaction;
use super::inbox::Inbox;
use super::lease_keeper::{LeaseKeeper, Lost, lost};
use super::mutants::{Mutant, active};
use super::store::{FenceToken, NotificationKey, NotificationStore, StoreError};
use crate::ResultInfo;
use crate::server::result_body;

/// A claim a delivery holds: its key, its token, when the claim call was sent, and the
/// transaction the store offers its handler.
pub(super) struct Held {
    pub(super) key: NotificationKey,
    pub(super) token: FenceToken,
    pub(super) claimed_at: Instant,
    pub(super) transaction: Option<DeliveryTransaction>,
}

/// How the handler's task ended.
enum Ended<R> {
    Answered(Result<R, ResultInfo>),
    Panicked,
    Stopped(Stop),
}

/// Runs `handler` in a task of its own, keeps `held`'s claim while it runs, and records its
/// `S` answer as final or gives the claim up; the answer body to send.
pub(super) async fn supervise<R, Fut, S>(
    handler: Fut,
    held: Option<Held>,
    stop: watch::Sender<Option<Stop>>,
    result_field: &str,
    inbox: &Inbox<S>,
) -> Vec<u8>
where
    R: Serialize + Send + 'static,
    Fut: Future<Output = Result<R, ResultInfo>> + Send + 'static,
    S: NotificationStore,
{
    let store = inbox.store();
    let mut keeper = held
        .as_ref()
        .map(|h| LeaseKeeper::new(store, h.key, h.token, h.claimed_at));
    let transaction = held.as_ref().and_then(|h| h.transaction.clone());
    if let (Some(held), Some(keeper)) = (&held, &keeper)
        && keeper.expired()
    {
        // The claim call took most of a lease (a store recovering from a partition, a pool
        // out of connections): there is no time left to run the handler safely.
        tracing::warn!(key = %held.key, token = %held.token, "the claim took too long to leave time for its handler; answering U");
        end_transaction(transaction.as_ref(), inbox.limits().store_timeout).await;
        release(held, inbox).await;
        return unknown(
            result_field,
            "the notification could not be claimed in time; deliver it again later",
        );
    }
    let ended = run(handler, &mut keeper, &stop, inbox).await;
    let (outcome, answer) = match ended {
        Ended::Answered(Ok(reply)) => match serde_json::to_vec(&reply) {
            Ok(answer) if is_success(&answer, result_field) => (Outcome::Success, answer),
            Ok(answer) => (Outcome::NotFinal, answer),
            Err(error) => {
                tracing::error!(%error, "the handler's reply cannot be serialized; answering U");
                let message = "the reply could not be written; deliver it again later";
                (Outcome::NotFinal, unknown(result_field, message))
            }
        },
        Ended::Answered(Err(result)) => (Outcome::NotFinal, result_body(result_field, &result)),
        Ended::Panicked => {
            tracing::error!("a notification handler panicked; its claim is released");
            let message = "the handler failed; deliver it again later";
            (Outcome::NotFinal, unknown(result_field, message))
        }
        Ended::Stopped(why) => (
            Outcome::Stopped(why),
            unknown(result_field, stop_message(why)),
        ),
    };
    let Some(held) = held else {
        return answer;
    };
    if outcome == Outcome::Success {
        let recorded = tokio::select! {
            recorded = record(&held, transaction.as_ref(), answer.clone(), inbox) => recorded,
            why = lost(&mut keeper) => {
                tracing::error!(key = %held.key, token = %held.token, ?why, "the claim was lost while the answer was being recorded");
                false
            }
        };
        if recorded {
            return answer;
        }
        end_transaction(transaction.as_ref(), inbox.limits().store_timeout).await;
        release(&held, inbox).await;
        return unknown(
            result_field,
            "the answer could not be recorded; deliver it again later",
        );
    }
    end_transaction(transaction.as_ref(), inbox.limits().store_timeout).await;
    if !matches!(outcome, Outcome::Stopped(Stop::Superseded)) {
        release(&held, inbox).await;
    }
    answer
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Success,
    NotFinal,
    Stopped(Stop),
}

fn stop_message(why: Stop) -> &'static str {
    match why {
        Stop::Deadline => "the handler did not finish in time; deliver it again later",
        Stop::Shutdown => "shutting down; deliver it again later",
        Stop::ClaimLost | Stop::Superseded => {
            "the notification could not be kept by this instance; deliver it again later"
        }
    }
}

/// Runs the handler's task until it ends or must stop; a stopped task has ended (or could not
/// be ended) when this returns.
async fn run<R, Fut, S>(
    handler: Fut,
    keeper: &mut Option<LeaseKeeper<'_, S>>,
    stop: &watch::Sender<Option<Stop>>,
    inbox: &Inbox<S>,
) -> Ended<R>
where
    R: Send + 'static,
    Fut: Future<Output = Result<R, ResultInfo>> + Send + 'static,
    S: NotificationStore,
{
    let limits = *inbox.limits();
    // A task of its own, so a panic is caught as a `JoinError` and an abort stops it.
    let mut task = tokio::spawn(handler);
    let deadline = tokio::time::sleep(limits.handler_deadline);
    tokio::pin!(deadline);
    let abandoned = until_set(inbox.abandoned());
    tokio::pin!(abandoned);
    let why = tokio::select! {
        joined = &mut task => {
            return match joined {
                Ok(answered) => Ended::Answered(answered),
                Err(_) => Ended::Panicked,
            };
        }
        () = &mut deadline => {
            tracing::error!(deadline = ?limits.handler_deadline, "a notification handler overran its deadline; stopped");
            Stop::Deadline
        }
        () = &mut abandoned => Stop::Shutdown,
        why = lost(keeper) => match why {
            Lost::Superseded => Stop::Superseded,
            Lost::Expiring => Stop::ClaimLost,
        },
    };
    let margin = keeper
        .as_ref()
        .map_or(limits.store_timeout, LeaseKeeper::margin);
    stop_task(&mut task, why, stop, margin).await;
    Ended::Stopped(why)
}

/// Tells the handler to stop, gives it half of `margin` to end by itself (a handler watching
/// [`Delivery::cancelled`](super::Delivery::cancelled) cleans up), then aborts its task and
/// waits up to the other half for it to end, so that nothing it does runs beside the next
/// delivery's handler.
async fn stop_task<T>(
    task: &mut JoinHandle<T>,
    why: Stop,
    stop: &watch::Sender<Option<Stop>>,
    margin: Duration,
) {
    stop.send_replace(Some(why));
    if active(Mutant::ReleaseUnawaited) {
        task.abort();
        return;
    }
    if tokio::time::timeout(margin / 2, &mut *task).await.is_ok() {
        return;
    }
    task.abort();
    // An abort takes effect at the task's next `.await`; code that blocks its thread runs on
    // until it yields.
    if tokio::time::timeout(margin / 2, task).await.is_err() {
        tracing::error!(
            ?margin,
            "a stopped notification handler did not end: it blocks its thread instead of yielding"
        );
    }
}

/// Records the `S` answer: in the handler's transaction when it began one (its writes and the
/// record commit together), else as the claim's completion; whether it was recorded.
async fn record<S: NotificationStore>(
    held: &Held,
    transaction: Option<&DeliveryTransaction>,
    answer: Vec<u8>,
    inbox: &Inbox<S>,
) -> bool {
    let limits = inbox.limits();
    let Held { key, token, .. } = held;
    if let Some(transaction) = transaction.filter(|t| t.0.began()) {
        // One attempt: a commit whose outcome is unknown must not be tried again, and either
        // way the next delivery finds the record or runs the handler again.
        return match tokio::time::timeout(limits.store_timeout, transaction.0.commit(answer)).await
        {
            Ok(Ok(())) => true,
            Ok(Err(StoreError::Superseded { .. })) => {
                tracing::error!(%key, %token, "the handler succeeded under a superseded claim; its writes were rolled back");
                false
            }
            Ok(Err(error)) => {
                tracing::error!(%key, %token, error = %error_chain(&error), "the handler's transaction did not commit");
                false
            }
            Err(_) => {
                tracing::error!(%key, %token, "the handler's transaction did not commit in time");
                false
            }
        };
    }
    let mut pause = Duration::from_millis(100);
    for attempt in 1..=limits.complete_attempts {
        let stored = tokio::time::timeout(
            limits.store_timeout,
            inbox.store().complete(key, *token, answer.clone()),
        )
        .await;
        match stored {
            Ok(Ok(())) => return true,
            Ok(Err(StoreError::Superseded { .. })) => {
                // Another delivery holds the notification now: its answer is the one kept.
                tracing::error!(%key, %token, "the handler succeeded under a superseded claim; its answer was not recorded");
                return false;
            }
            Ok(Err(error)) => {
                tracing::warn!(%key, attempt, error = %error_chain(&error), "could not record the answer");
            }
            Err(_) => tracing::warn!(%key, attempt, "the store did not answer in time"),
        }
        if attempt < limits.complete_attempts {
            tokio::time::sleep(pause).await;
            pause *= 4;
        }
    }
    tracing::error!(%key, %token, "the store never recorded the answer; answering U");
    false
}

/// Rolls back (and ends) the handler's transaction, begun or not, so a handle the handler kept
/// can no longer write. Bounded: a rollback that cannot reach the database is dropped, which
/// closes its connection, and the server rolls back on its own.
async fn end_transaction(transaction: Option<&DeliveryTransaction>, timeout: Duration) {
    if let Some(transaction) = transaction
        && tokio::time::timeout(timeout, transaction.0.roll_back())
            .await
            .is_err()
    {
        tracing::warn!(
            "could not roll a handler's transaction back in time; its connection was closed"
        );
    }
}

/// Gives the claim up, so the next delivery runs the handler again.
async fn release<S: NotificationStore>(held: &Held, inbox: &Inbox<S>) {
    let Held { key, token, .. } = held;
    let released = tokio::time::timeout(
        inbox.limits().store_timeout,
        inbox.store().release(key, *token),
    )
    .await;
    match released {
        Ok(Ok(())) => {}
        Ok(Err(StoreError::Superseded { .. })) => {
            tracing::warn!(%key, %token, "the claim had been taken over or completed before its release")
        }
        // The lease runs out unrenewed, and the key is free again then.
        Ok(Err(error)) => {
            tracing::warn!(%key, error = %error_chain(&error), "could not release the claim")
        }
        Err(_) => tracing::warn!(%key, "the store did not answer a release in time"),
    }
}

/// Completes once `flag` is set (and never, should its sender go away unset).
async fn until_set(mut flag: watch::Receiver<bool>) {
    if flag.wait_for(|set| *set).await.is_err() {
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notifications::InMemoryStore;

    /// A reply that cannot be written as JSON.
    struct Unwritable;

    impl Serialize for Unwritable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no"))
        }
    }

    fn status(answer: &[u8]) -> String {
        let answer: serde_json::Value = serde_json::from_slice(answer).unwrap();
        answer["result"]["resultStatus"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[tokio::test]
    async fn a_reply_that_cannot_be_serialized_is_answered_u_and_not_recorded() {
        let inbox = Inbox::new(InMemoryStore::default());
        let (stop, _) = watch::channel(None);
        let answer = supervise(async { Ok(Unwritable) }, None, stop, "result", &inbox).await;
        assert_eq!(status(&answer), "U");
    }

    #[tokio::test]
    async fn a_panic_is_caught_and_not_final() {
        let inbox = Inbox::new(InMemoryStore::default());
        let (stop, _) = watch::channel(None);
        let handler = async {
            if always() {
                panic!("the handler failed");
            }
            Ok(())
        };
        let answer = supervise(handler, None, stop, "result", &inbox).await;
        assert_eq!(status(&answer), "U");
    }

    fn always() -> bool {
        true
    }
}
