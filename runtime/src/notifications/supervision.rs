//! A handler run under supervision: its claim's lease renewed while it runs, stopped at the
//! deadline or when shutdown gives up waiting, its panic caught.

use std::future::Future;
use std::time::Duration;

use serde::Serialize;
use tokio::time::{Instant, MissedTickBehavior};

use super::answers::{error_chain, is_success, unknown};
use super::inbox::Inbox;
use super::store::{FenceToken, NotificationKey, NotificationStore, StoreError};
use crate::ResultInfo;
use crate::server::result_body;

/// How a supervised run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Supervised {
    /// The handler answered `S`: record it as final.
    Succeeded,
    /// `F`, `U`, an error, a panic, the deadline or a shutdown: the claim is to be released.
    NotFinal,
    /// A renewal found the claim taken over: the run was stopped, and the claim is not ours
    /// to release.
    Superseded,
}

/// The end of a supervised run and the answer body to give.
#[derive(Debug)]
pub(super) struct Run {
    pub(super) outcome: Supervised,
    pub(super) answer: Vec<u8>,
}

/// Runs `handler` in a task of its own until it ends, its deadline passes, the claim is
/// superseded or shutdown abandons it, renewing `claim` every third of the store's lease.
pub(super) async fn supervise<R, Fut, S>(
    handler: Fut,
    claim: Option<(NotificationKey, FenceToken)>,
    result_field: &str,
    inbox: &Inbox<S>,
) -> Run
where
    R: Serialize + Send + 'static,
    Fut: Future<Output = Result<R, ResultInfo>> + Send + 'static,
    S: NotificationStore,
{
    let limits = *inbox.limits();
    let store = inbox.store();
    // A task of its own, so a panic is caught as a `JoinError` and an abort stops it.
    let mut task = tokio::spawn(handler);
    let deadline = tokio::time::sleep(limits.handler_deadline);
    tokio::pin!(deadline);
    let abandoned = until_set(inbox.abandoned());
    tokio::pin!(abandoned);
    let every = (store.lease() / 3).max(Duration::from_millis(1));
    let first = Instant::now()
        .checked_add(every)
        .unwrap_or_else(Instant::now);
    let mut renewal = tokio::time::interval_at(first, every);
    renewal.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let stopped = |task: &tokio::task::JoinHandle<_>, outcome, message: &str| {
        task.abort();
        Run {
            outcome,
            answer: unknown(result_field, message),
        }
    };
    let joined = loop {
        tokio::select! {
            joined = &mut task => break joined,
            () = &mut deadline => {
                tracing::error!(deadline = ?limits.handler_deadline, "a notification handler overran its deadline; stopped, and its claim released");
                return stopped(&task, Supervised::NotFinal, "the handler did not finish in time; deliver it again later");
            }
            () = &mut abandoned => {
                return stopped(&task, Supervised::NotFinal, "shutting down; deliver it again later");
            }
            _ = renewal.tick(), if claim.is_some() => {
                let Some((key, token)) = claim else { continue };
                match tokio::time::timeout(limits.store_timeout, store.renew(&key, token)).await {
                    Ok(Ok(())) => {}
                    Ok(Err(StoreError::Superseded { .. })) => {
                        // We lost the store for longer than a lease and another delivery took
                        // over: carrying on could only race it.
                        tracing::error!(%key, %token, "the claim was taken over while its handler ran; stopped");
                        return stopped(&task, Supervised::Superseded, "the notification was taken over by another delivery; deliver it again later");
                    }
                    // The lease has two more renewals' worth of time: keep trying.
                    Ok(Err(error)) => tracing::warn!(%key, error = %error_chain(&error), "could not renew a claim"),
                    Err(_) => tracing::warn!(%key, "the store did not answer a renewal in time"),
                }
            }
        }
    };
    match joined {
        Ok(Ok(reply)) => match serde_json::to_vec(&reply) {
            Ok(answer) if is_success(&answer, result_field) => Run {
                outcome: Supervised::Succeeded,
                answer,
            },
            Ok(answer) => Run {
                outcome: Supervised::NotFinal,
                answer,
            },
            Err(error) => {
                tracing::error!(%error, "the handler's reply cannot be serialized; answering U");
                Run {
                    outcome: Supervised::NotFinal,
                    answer: unknown(
                        result_field,
                        "the reply could not be written; deliver it again later",
                    ),
                }
            }
        },
        Ok(Err(result)) => Run {
            outcome: Supervised::NotFinal,
            answer: result_body(result_field, &result),
        },
        Err(panic) => {
            tracing::error!(error = %panic, "a notification handler panicked; its claim is released");
            Run {
                outcome: Supervised::NotFinal,
                answer: unknown(result_field, "the handler failed; deliver it again later"),
            }
        }
    }
}

/// Completes once `flag` is set (and never, should its sender go away unset).
async fn until_set(mut flag: tokio::sync::watch::Receiver<bool>) {
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

    #[tokio::test]
    async fn a_reply_that_cannot_be_serialized_is_answered_u_and_not_recorded() {
        let inbox = Inbox::new(InMemoryStore::default());
        let run = supervise(async { Ok(Unwritable) }, None, "result", &inbox).await;
        assert_eq!(run.outcome, Supervised::NotFinal);
        let answer: serde_json::Value = serde_json::from_slice(&run.answer).unwrap();
        assert_eq!(answer["result"]["resultStatus"], "U");
    }

    #[tokio::test]
    async fn a_panic_is_caught_and_not_final() {
        let inbox = Inbox::new(InMemoryStore::default());
        let run = supervise(
            async {
                if always() {
                    panic!("the handler failed");
                }
                Ok(())
            },
            None,
            "result",
            &inbox,
        )
        .await;
        assert_eq!(run.outcome, Supervised::NotFinal);
    }

    fn always() -> bool {
        true
    }
}
