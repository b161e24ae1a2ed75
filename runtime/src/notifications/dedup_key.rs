//! A notification's identity, read from the typed notification itself.

use serde::Serialize;

use super::store::NotificationKey;
use crate::Endpoint;

/// The spec names key fields the notification does not carry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{endpoint} carries no value for its idempotency key field `{field}`")]
pub(super) struct MissingKey {
    endpoint: &'static str,
    field: &'static str,
}

/// The digest of the merchant's `client_id`, `NAME` and the key fields' values, read from the parsed notification (so a
/// body nested deeper than `serde_json::Value` reads still has its key); `Ok(None)` when the
/// spec names no key, and an error when a key field is absent or null, since a notification
/// without its key cannot be told apart from another and must not run unguarded.
pub(super) fn dedup_key<E: Endpoint + Serialize>(
    client_id: &str,
    notification: &E,
) -> Result<Option<NotificationKey>, MissingKey> {
    let Some(key) = E::IDEMPOTENCY.map(|i| i.key).filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    let value = serde_json::to_value(notification).unwrap_or_default();
    let mut values = Vec::with_capacity(key.len());
    for field in key {
        let missing = MissingKey {
            endpoint: E::NAME,
            field,
        };
        values.push(match value.get(field) {
            None | Some(serde_json::Value::Null) => return Err(missing),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        });
    }
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    Ok(Some(NotificationKey::new(client_id, E::NAME, &values)))
}
