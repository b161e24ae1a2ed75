//! One delivery of a notification: admitted, claimed, handled under supervision, answered.

use std::future::Future;

use axum::response::Response;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::watch;
use tokio::time::Instant;

use super::answers::{error_chain, unknown};
use super::dedup_key::dedup_key;
use super::delivery::Delivery;
use super::inbox::{Inbox, Refused};
use super::store::{Claim, NotificationKey, NotificationStore};
use super::supervision::{Held, supervise};
use crate::server::{Verified, json};
use crate::{Endpoint, ResultInfo};

/// Runs one verified notification through `inbox`:
///
/// 1. parses the body as `E` (without validating it: what AlipayHK sends may carry values
///    this version does not know);
/// 2. takes a handler slot, and claims the notification's key (`E::IDEMPOTENCY`) in the
///    store;
/// 3. runs `handler` in a task of its own, renewing the claim's lease while it runs, and
///    stopping it (and waiting for it to end) at the inbox's deadline, at shutdown, or before
///    its claim can run out at the store;
/// 4. records an `S` answer as final (committing the handler's transaction with it, when the
///    handler wrote in one), or rolls its writes back and releases the claim after `F`, `U`,
///    an error, a panic or a stop, so the next delivery runs the handler again. An `S` is
///    answered only once it is recorded.
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
    let key = match dedup_key(&notification.caller().client_id, &parsed) {
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
    let (stop, stopped) = watch::channel(None);
    let Some(key) = key else {
        let delivery = Delivery::new(None, None, stopped, None);
        return supervise(handler(parsed, delivery), None, stop, result_field, inbox).await;
    };
    let store = inbox.store();
    let timeout = inbox.limits().store_timeout;
    // The lease runs from when the store ran the claim, which is no earlier than this.
    let claimed_at = Instant::now();
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
    let transaction = store.transaction(&key, token);
    let delivery = Delivery::new(Some(key), Some(token), stopped, transaction.clone());
    let held = Held {
        key,
        token,
        claimed_at,
        transaction,
    };
    supervise(
        handler(parsed, delivery),
        Some(held),
        stop,
        result_field,
        inbox,
    )
    .await
}
