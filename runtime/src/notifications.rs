//! Notifications AlipayHK sends to endpoints the merchant hosts, handled once each.
//!
//! AlipayHK re-delivers a notification it got no success answer for, up to 7 times over about
//! a day (2 min, 10 min, 10 min, 1 h, 2 h, 6 h, 15 h), and a delivery whose answer was lost is
//! re-delivered too. [`handle_notification`] therefore de-duplicates on the fields the spec
//! names as the notification's idempotency key (`billNo` for points/bill/notify): the handler
//! runs once per key, and a re-delivery gets the first answer again. Where the record is kept is
//! the [`NotificationStore`] trait's business; [`InMemoryStore`] suits one process, a merchant
//! with several instances implements it over their database.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::response::Response;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::server::{json, parse_body, result_body};
use crate::{Endpoint, ResultInfo};

/// What a store knows about a notification key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Not seen before (or released): the caller now holds it and must `complete` or
    /// `release` it.
    New,
    /// Handled: this is the answer given the first time.
    Answered(Vec<u8>),
    /// Another delivery of the same notification is being handled right now.
    InProgress,
}

/// Where handled notifications are recorded.
pub trait NotificationStore: Send + Sync + 'static {
    /// Claims `key` for handling, or says why not.
    fn claim(&self, key: &str) -> impl Future<Output = Claim> + Send;
    /// Records the answer given for a claimed `key`.
    fn complete(&self, key: &str, answer: Vec<u8>) -> impl Future<Output = ()> + Send;
    /// Gives a claim up (the handler did not succeed), so a re-delivery runs it again.
    fn release(&self, key: &str) -> impl Future<Output = ()> + Send;
}

/// A [`NotificationStore`] in memory, for one process. Records are kept for `retention`
/// (48 hours by default: AlipayHK's retries span about a day) and then forgotten.
#[derive(Debug)]
pub struct InMemoryStore {
    retention: Duration,
    entries: Mutex<HashMap<String, Record>>,
}

/// When a key was claimed or answered, and the answer once there is one.
#[derive(Debug)]
struct Record {
    at: Instant,
    answer: Option<Vec<u8>>,
}

impl Default for InMemoryStore {
    fn default() -> Self {
        Self::with_retention(Duration::from_secs(48 * 3600))
    }
}

impl InMemoryStore {
    /// A store that forgets a record after `retention`.
    pub fn with_retention(retention: Duration) -> Self {
        Self {
            retention,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// How many notifications are recorded or being handled.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Record>> {
        // A panic while holding the lock cannot leave the map half-updated: every change is
        // one insert or remove.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl NotificationStore for InMemoryStore {
    async fn claim(&self, key: &str) -> Claim {
        let mut entries = self.lock();
        let now = Instant::now();
        entries.retain(|_, record| now.duration_since(record.at) < self.retention);
        match entries.get(key) {
            Some(Record {
                answer: Some(answer),
                ..
            }) => Claim::Answered(answer.clone()),
            Some(Record { answer: None, .. }) => Claim::InProgress,
            None => {
                entries.insert(
                    key.to_owned(),
                    Record {
                        at: now,
                        answer: None,
                    },
                );
                Claim::New
            }
        }
    }

    async fn complete(&self, key: &str, answer: Vec<u8>) {
        let record = Record {
            at: Instant::now(),
            answer: Some(answer),
        };
        self.lock().insert(key.to_owned(), record);
    }

    async fn release(&self, key: &str) {
        self.lock().remove(key);
    }
}

/// Runs one notification: parses the body as `E` (without validating it: what AlipayHK sends
/// may carry values this version does not know), de-duplicates it on `E::IDEMPOTENCY`'s key
/// through `store`, and answers the handler's reply, or its failure result under
/// `result_field`. A failure is not recorded, so AlipayHK's re-delivery runs the handler again.
pub async fn handle_notification<E, S, F, Fut>(
    body: Bytes,
    result_field: &str,
    store: &S,
    handler: F,
) -> Response
where
    E: Endpoint + DeserializeOwned,
    E::Response: Serialize,
    S: NotificationStore,
    F: FnOnce(E) -> Fut,
    Fut: Future<Output = Result<E::Response, ResultInfo>>,
{
    let notification: E = match parse_body(&body, result_field) {
        Ok(notification) => notification,
        Err(answer) => return json(answer),
    };
    let Some(key) = dedup_key::<E>(&body) else {
        return answer(handler(notification).await, result_field).0;
    };
    match store.claim(&key).await {
        Claim::Answered(answer) => {
            tracing::info!(notification = E::NAME, %key, "re-delivered; answering as before");
            json(answer)
        }
        Claim::InProgress => json(result_body(
            result_field,
            &ResultInfo::new(
                "UNKNOWN_EXCEPTION",
                crate::ResultStatus::Unknown,
                "the same notification is being handled; deliver it again later",
            ),
        )),
        Claim::New => {
            let (response, body) = answer(handler(notification).await, result_field);
            match body {
                Some(body) => store.complete(&key, body).await,
                None => store.release(&key).await,
            }
            response
        }
    }
}

/// The response, and its body when it is a success worth recording.
fn answer<R: Serialize>(
    outcome: Result<R, ResultInfo>,
    result_field: &str,
) -> (Response, Option<Vec<u8>>) {
    match outcome {
        Ok(reply) => {
            let body = serde_json::to_vec(&reply).unwrap_or_default();
            (json(body.clone()), Some(body))
        }
        Err(result) => (json(result_body(result_field, &result)), None),
    }
}

/// `NAME` and the key fields' values; `None` when the spec names no key or the body lacks a
/// key field, since notifications without their key cannot be told apart.
fn dedup_key<E: Endpoint>(body: &[u8]) -> Option<String> {
    let key = E::IDEMPOTENCY.map(|i| i.key).filter(|k| !k.is_empty())?;
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let mut out = String::from(E::NAME);
    for field in key {
        out.push('\u{1f}');
        match value.get(field)? {
            serde_json::Value::Null => return None,
            serde_json::Value::String(s) => out.push_str(s),
            other => out.push_str(&other.to_string()),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Claim, InMemoryStore, NotificationStore};

    #[tokio::test]
    async fn a_key_is_handled_once_and_a_concurrent_delivery_waits() {
        let store = InMemoryStore::default();
        assert_eq!(store.claim("B-1").await, Claim::New);
        // A second delivery while the first is being handled.
        assert_eq!(store.claim("B-1").await, Claim::InProgress);
        store.complete("B-1", b"answer".to_vec()).await;
        assert_eq!(
            store.claim("B-1").await,
            Claim::Answered(b"answer".to_vec())
        );
        assert_eq!(store.claim("B-2").await, Claim::New);
        assert_eq!(store.len(), 2);
    }

    #[tokio::test]
    async fn a_released_key_runs_again() {
        let store = InMemoryStore::default();
        assert_eq!(store.claim("B-1").await, Claim::New);
        store.release("B-1").await;
        assert_eq!(store.claim("B-1").await, Claim::New);
    }

    #[tokio::test]
    async fn records_are_forgotten_after_the_retention() {
        let store = InMemoryStore::with_retention(Duration::ZERO);
        assert_eq!(store.claim("B-1").await, Claim::New);
        store.complete("B-1", b"answer".to_vec()).await;
        assert_eq!(store.claim("B-1").await, Claim::New);
    }
}
