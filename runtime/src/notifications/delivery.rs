//! One delivery of a notification: admitted, claimed, handled under supervision, answered.

use std::future::Future;

use axum::response::Response;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::answers::{error_chain, unknown};
use super::dedup_key::dedup_key;
use super::inbox::{Inbox, Refused};
use super::store::{Claim, FenceToken, NotificationKey, NotificationStore, StoreError};
use super::supervision::{Supervised, supervise};
use crate::server::{Verified, json};
use crate::{Endpoint, ResultInfo};

/// What a handler knows about the delivery it runs for.
///
/// The handler's own writes should be conditional on [`token`](Self::token): a handler
/// stopped or paused past its lease (a long GC pause, a partitioned host) may still be
/// running when another delivery has taken the notification over, and the store refuses
/// its answer, but only the handler can refuse its own side effects. The ledger pattern:
///
/// ```sql
/// -- one row per bill; a superseded run (smaller token) changes nothing
/// INSERT INTO points_ledger (bill_no, points, fence) VALUES ($1, $2, $3)
/// ON CONFLICT (bill_no) DO UPDATE SET points = excluded.points, fence = excluded.fence
///     WHERE points_ledger.fence < excluded.fence;
/// ```
///
/// A handler that finds its bill already recorded (a process died after the side effect and
/// before the answer was stored, and this is the re-delivery) answers `S` without doing it
/// again.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    key: Option<NotificationKey>,
    token: Option<FenceToken>,
}

impl Delivery {
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

    /// A delivery for tests of a handler: with this key and token.
    pub fn for_test(key: NotificationKey, token: FenceToken) -> Self {
        Self {
            key: Some(key),
            token: Some(token),
        }
    }
}

/// Runs one verified notification through `inbox`:
///
/// 1. parses the body as `E` (without validating it: what AlipayHK sends may carry values
///    this version does not know);
/// 2. takes a handler slot, and claims the notification's key (`E::IDEMPOTENCY`) in the
///    store;
/// 3. runs `handler` in a task of its own, renewing the claim's lease while it runs and
///    stopping it at the inbox's deadline;
/// 4. records an `S` answer as final, or releases the claim after `F`, `U`, an error or a
///    panic, so the next delivery runs the handler again; answers what the handler answered.
///
/// Everything that is our side's problem answers `U`, so AlipayHK delivers again: a body our
/// types cannot read, a full or failing store, no free handler slot, a shutdown, a handler
/// that panicked or overran its deadline. Steps 2 to 4 run detached from the connection:
/// AlipayHK hanging up stops neither the claim nor the handler, and the re-delivery gets the
/// answer.
pub async fn handle_notification<E, S, F, Fut>(
    notification: Verified,
    result_field: &'static str,
    inbox: Inbox<S>,
    handler: F,
) -> Response
where
    E: Endpoint + DeserializeOwned + Send + 'static,
    E::Response: Serialize + Send + 'static,
    S: NotificationStore,
    F: FnOnce(E, Delivery) -> Fut + Send + 'static,
    Fut: Future<Output = Result<E::Response, ResultInfo>> + Send + 'static,
{
    let parsed: E = match serde_json::from_slice(notification.body()) {
        Ok(parsed) => parsed,
        Err(error) => {
            // Signed by AlipayHK, so genuine: a shape this version cannot read is ours to fix,
            // and AlipayHK keeps it until we can.
            tracing::error!(notification = E::NAME, %error, "cannot read a verified notification; answering U");
            return json(unknown(
                result_field,
                "the notification could not be read; deliver it again later",
            ));
        }
    };
    let key = match dedup_key(&parsed) {
        Ok(key) => key,
        Err(missing) => {
            tracing::error!(notification = E::NAME, error = %missing, "cannot de-duplicate; answering U");
            return json(unknown(result_field, &missing.to_string()));
        }
    };
    let permit = match inbox.admit() {
        Ok(permit) => permit,
        Err(Refused::Closed) => {
            return json(unknown(
                result_field,
                "shutting down; deliver it again later",
            ));
        }
        Err(Refused::Saturated) => {
            tracing::warn!(
                notification = E::NAME,
                running = inbox.running(),
                "every handler slot is busy; answering U"
            );
            return json(unknown(result_field, "busy; deliver it again later"));
        }
    };
    // Detached: the connection closing drops only the wait below, never the claim or the work.
    let task = tokio::spawn(async move {
        let answer = deliver::<E, S, F, Fut>(parsed, key, result_field, &inbox, handler).await;
        drop(permit);
        answer
    });
    match task.await {
        Ok(answer) => json(answer),
        // Only when the runtime is shutting down: the task itself cannot panic.
        Err(_) => json(unknown(
            result_field,
            "the notification was not handled; deliver it again later",
        )),
    }
}

/// Claims, runs and records one notification; the answer body.
async fn deliver<E, S, F, Fut>(
    parsed: E,
    key: Option<NotificationKey>,
    result_field: &'static str,
    inbox: &Inbox<S>,
    handler: F,
) -> Vec<u8>
where
    E: Endpoint + Send + 'static,
    E::Response: Serialize + Send + 'static,
    S: NotificationStore,
    F: FnOnce(E, Delivery) -> Fut + Send + 'static,
    Fut: Future<Output = Result<E::Response, ResultInfo>> + Send + 'static,
{
    let Some(key) = key else {
        let delivery = Delivery {
            key: None,
            token: None,
        };
        let run = supervise(handler(parsed, delivery), None, result_field, inbox).await;
        return run.answer;
    };
    let store = inbox.store();
    let timeout = inbox.limits().store_timeout;
    let token = match tokio::time::timeout(timeout, store.claim(&key)).await {
        Ok(Ok(Claim::New(token))) => token,
        Ok(Ok(Claim::Answered(answer))) => {
            tracing::info!(notification = E::NAME, %key, "re-delivered; answering as before");
            return answer;
        }
        Ok(Ok(Claim::InProgress)) => {
            return unknown(
                result_field,
                "the same notification is being handled; deliver it again later",
            );
        }
        Ok(Err(error)) => {
            // A full store is an operator's emergency: nothing new is handled until it drains.
            tracing::error!(notification = E::NAME, %key, error = %error_chain(&error), "cannot claim; answering U");
            return unknown(
                result_field,
                "the notification could not be recorded; deliver it again later",
            );
        }
        Err(_) => {
            tracing::error!(notification = E::NAME, %key, ?timeout, "the store did not answer a claim; answering U");
            return unknown(
                result_field,
                "the notification could not be recorded; deliver it again later",
            );
        }
    };
    let delivery = Delivery {
        key: Some(key),
        token: Some(token),
    };
    let run = supervise(
        handler(parsed, delivery),
        Some((key, token)),
        result_field,
        inbox,
    )
    .await;
    match run.outcome {
        Supervised::Succeeded => {
            record(E::NAME, &key, token, run.answer, result_field, inbox).await
        }
        Supervised::Superseded => unknown(
            result_field,
            "the notification was taken over by another delivery; deliver it again later",
        ),
        Supervised::NotFinal => {
            release(E::NAME, &key, token, inbox).await;
            run.answer
        }
    }
}

/// Offers an `S` answer to the store until it takes it, is superseded, or the attempts run
/// out; the answer to give.
async fn record<S: NotificationStore>(
    name: &str,
    key: &NotificationKey,
    token: FenceToken,
    answer: Vec<u8>,
    result_field: &str,
    inbox: &Inbox<S>,
) -> Vec<u8> {
    let limits = inbox.limits();
    let mut pause = std::time::Duration::from_millis(100);
    for attempt in 1..=limits.complete_attempts {
        let stored = tokio::time::timeout(
            limits.store_timeout,
            inbox.store().complete(key, token, answer.clone()),
        )
        .await;
        match stored {
            Ok(Ok(())) => return answer,
            Ok(Err(StoreError::Superseded { .. })) => {
                // Another delivery holds the notification now: its answer is the one kept.
                tracing::error!(notification = name, %key, %token, "the handler succeeded under a superseded claim; its answer was not recorded");
                return unknown(
                    result_field,
                    "the notification was taken over by another delivery; deliver it again later",
                );
            }
            Ok(Err(error)) => {
                tracing::warn!(notification = name, %key, attempt, error = %error_chain(&error), "could not record the answer");
            }
            Err(_) => {
                tracing::warn!(notification = name, %key, attempt, "the store did not answer in time")
            }
        }
        if attempt < limits.complete_attempts {
            tokio::time::sleep(pause).await;
            pause *= 4;
        }
    }
    // The work is done: answering U would make AlipayHK deliver it again. The claim runs
    // out unrenewed; a re-delivery after a lost answer would run the handler again, which
    // its own ledger check absorbs.
    tracing::error!(notification = name, %key, %token, "the store never recorded the answer; answering it anyway");
    answer
}

/// Gives the claim up after an answer that is not final.
async fn release<S: NotificationStore>(
    name: &str,
    key: &NotificationKey,
    token: FenceToken,
    inbox: &Inbox<S>,
) {
    let released = tokio::time::timeout(
        inbox.limits().store_timeout,
        inbox.store().release(key, token),
    )
    .await;
    match released {
        Ok(Ok(())) => {}
        Ok(Err(StoreError::Superseded { .. })) => {
            tracing::warn!(notification = name, %key, %token, "the claim had been taken over before its release")
        }
        // The lease runs out unrenewed, and the key is free again then.
        Ok(Err(error)) => {
            tracing::warn!(notification = name, %key, error = %error_chain(&error), "could not release the claim")
        }
        Err(_) => {
            tracing::warn!(notification = name, %key, "the store did not answer a release in time")
        }
    }
}
