//! A notification as AlipayHK sends it, for tools that play AlipayHK (the local gateway's
//! `notify` command): read from JSON and checked like any request, re-delivered on AlipayHK's
//! schedule.

use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::validation::{Validate, ValidationError};

/// The waits between AlipayHK's deliveries of one notification, until one is answered `S`:
/// 2 min, 10 min, 10 min, 1 h, 2 h, 6 h and 15 h; 24 h 22 min in all
/// ([`ALIPAYHK_RETRY_SPAN`](super::ALIPAYHK_RETRY_SPAN)).
pub const ALIPAYHK_REDELIVERY: [Duration; 7] = [
    Duration::from_secs(2 * 60),
    Duration::from_secs(10 * 60),
    Duration::from_secs(10 * 60),
    Duration::from_secs(3600),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(6 * 3600),
    Duration::from_secs(15 * 3600),
];

/// Why a notification could not be built from its name and JSON.
#[derive(Debug, thiserror::Error)]
pub enum NotificationInput {
    /// No notification has that name.
    #[error("no notification is called `{name}`; the spec has: {}", known.join(", "))]
    UnknownName {
        /// The name given.
        name: String,
        /// The names the spec has.
        known: Vec<&'static str>,
    },
    /// The JSON does not have the notification's shape.
    #[error("not a `{name}` body: {source}")]
    Shape {
        /// The notification.
        name: &'static str,
        /// Where and why.
        source: serde_json::Error,
    },
    /// The body breaks the notification's documented constraints.
    #[error("`{name}` is not valid: {source}")]
    Invalid {
        /// The notification.
        name: &'static str,
        /// Every violation.
        source: ValidationError,
    },
}

/// `body` read as the notification `name` and validated as AlipayHK would send it.
pub fn read_notification<T: DeserializeOwned + Validate>(
    name: &'static str,
    body: serde_json::Value,
) -> Result<T, NotificationInput> {
    let notification: T =
        serde_json::from_value(body).map_err(|source| NotificationInput::Shape { name, source })?;
    notification
        .validate()
        .map_err(|source| NotificationInput::Invalid { name, source })?;
    Ok(notification)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_spans_what_the_retention_is_built_on() {
        let total: Duration = ALIPAYHK_REDELIVERY.iter().sum();
        assert_eq!(total, super::super::ALIPAYHK_RETRY_SPAN);
    }
}
