//! Notifications AlipayHK sends to endpoints the merchant hosts, handled once each.
//!
//! AlipayHK re-delivers a notification it got no success answer for, up to 7 times over about
//! a day (2 min, 10 min, 10 min, 1 h, 2 h, 6 h, 15 h), and a delivery whose answer was lost is
//! re-delivered too. [`handle_notification`] therefore de-duplicates on the fields the spec
//! names as the notification's idempotency key (`billNo` for points/bill/notify): the handler
//! runs once per key, and a re-delivery gets the first answer again. Where the record is kept is
//! the [`NotificationStore`] trait's business: [`InMemoryStore`] for one process,
//! `SqliteStore` (feature `sqlite`) to survive restarts, or your own database.
//!
//! **Why the handler runs in a task of its own.** axum drops a handler's future when the
//! connection closes, and AlipayHK closes connections that take too long. Had the handler run
//! inside that future, it could stop half-way (points credited, nothing recorded) and a
//! re-delivery would credit them again; a drop guard that released the claim would not
//! prevent that. So the handler is spawned: it runs to completion whatever happens to the
//! connection, its answer is recorded, and the re-delivery gets it. A handler that panics
//! releases its claim (the re-delivery runs it again), and a process that dies mid-handler
//! leaves a claim whose lease runs out, after which a re-delivery runs it again.

mod memory;
#[cfg(feature = "sqlite")]
mod sqlite;
mod store;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::response::Response;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use memory::InMemoryStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
pub use store::{Claim, ClaimId, NotificationKey, NotificationStore, StoreError};

use crate::server::{ServerConfig, Verified, json, parse_body, result_body};
use crate::{Endpoint, ResultInfo, ResultStatus};

/// `routes` behind the protocol middleware, refusing notifications older than `retention`
/// (or than `config`'s own maximum age, when shorter): an answer the store has forgotten must
/// not be re-earned by replaying the notification.
pub fn verified(routes: Router, mut config: ServerConfig, retention: Duration) -> Router {
    config.freshness.max_age = config.freshness.max_age.min(retention);
    crate::server::verified(routes, Arc::new(config))
}

/// Runs one verified notification: parses the body as `E` (without validating it: what
/// AlipayHK sends may carry values this version does not know), de-duplicates it on
/// `E::IDEMPOTENCY`'s key through `store`, runs `handler` in a task of its own, and answers
/// its reply, or its failure result under `result_field`.
///
/// - A failure (`Err`) or a panic is not recorded: the claim is released and AlipayHK's
///   re-delivery runs the handler again.
/// - A store that cannot claim answers `U`, so AlipayHK delivers again later.
/// - A store that cannot record a success still answers it: the work is done, and answering
///   `U` would make AlipayHK deliver it again.
pub async fn handle_notification<E, S, F, Fut>(
    notification: Verified,
    result_field: &'static str,
    store: Arc<S>,
    handler: F,
) -> Response
where
    E: Endpoint + DeserializeOwned + Send + 'static,
    E::Response: Serialize + Send + 'static,
    S: NotificationStore,
    F: FnOnce(E) -> Fut + Send + 'static,
    Fut: Future<Output = Result<E::Response, ResultInfo>> + Send + 'static,
{
    let body = notification.into_body();
    let parsed: E = match parse_body(&body, result_field) {
        Ok(parsed) => parsed,
        Err(answer) => return json(answer),
    };
    let Some(key) = dedup_key::<E>(&body) else {
        let outcome = tokio::spawn(handler(parsed)).await;
        return json(answer_body(E::NAME, outcome, result_field).0);
    };
    let claim = match store.claim(&key).await {
        Ok(Claim::New(claim)) => claim,
        Ok(Claim::Answered(answer)) => {
            tracing::info!(notification = E::NAME, %key, "re-delivered; answering as before");
            return json(answer);
        }
        Ok(Claim::InProgress) => {
            return unknown(
                result_field,
                "the same notification is being handled; deliver it again later",
            );
        }
        Err(error) => {
            tracing::error!(notification = E::NAME, %key, error = %error_chain(&error), "cannot claim");
            return unknown(
                result_field,
                "the notification could not be recorded; deliver it again later",
            );
        }
    };
    // Detached: the connection closing drops only the wait below, never the work.
    let task = tokio::spawn(async move {
        let outcome = tokio::spawn(handler(parsed)).await;
        let (answer, recorded) = answer_body(E::NAME, outcome, result_field);
        let stored = if recorded {
            store.complete(&key, claim, answer.clone()).await
        } else {
            store.release(&key, claim).await
        };
        if let Err(error) = stored {
            tracing::error!(notification = E::NAME, %key, recorded, error = %error_chain(&error), "the store failed after the handler ran");
        }
        answer
    });
    match task.await {
        Ok(answer) => json(answer),
        // Unreachable short of the runtime shutting down: the task itself cannot panic.
        Err(_) => unknown(
            result_field,
            "the notification was not handled; deliver it again later",
        ),
    }
}

/// The answer body, and whether it is a success worth recording. A panic answers `U`.
fn answer_body<R: Serialize>(
    endpoint: &str,
    outcome: Result<Result<R, ResultInfo>, tokio::task::JoinError>,
    result_field: &str,
) -> (Vec<u8>, bool) {
    match outcome {
        Ok(Ok(reply)) => (serde_json::to_vec(&reply).unwrap_or_default(), true),
        Ok(Err(result)) => (result_body(result_field, &result), false),
        Err(panic) => {
            tracing::error!(notification = endpoint, error = %panic, "the handler panicked; the claim is released");
            (
                result_body(
                    result_field,
                    &ResultInfo::new(
                        "UNKNOWN_EXCEPTION",
                        ResultStatus::Unknown,
                        "the handler failed; deliver it again later",
                    ),
                ),
                false,
            )
        }
    }
}

fn unknown(result_field: &str, message: &str) -> Response {
    json(result_body(
        result_field,
        &ResultInfo::new("UNKNOWN_EXCEPTION", ResultStatus::Unknown, message),
    ))
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

/// The digest of `NAME` and the key fields' values; `None` when the spec names no key or the
/// body lacks a key field, since notifications without their key cannot be told apart.
fn dedup_key<E: Endpoint>(body: &[u8]) -> Option<NotificationKey> {
    let key = E::IDEMPOTENCY.map(|i| i.key).filter(|k| !k.is_empty())?;
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let mut values = Vec::with_capacity(key.len());
    for field in key {
        values.push(match value.get(field)? {
            serde_json::Value::Null => return None,
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        });
    }
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    Some(NotificationKey::new(E::NAME, &values))
}
