//! A notification as AlipayHK sends it, for tools that play AlipayHK (the local gateway's
//! `notify` command): read from JSON and checked like any request.

use serde::de::DeserializeOwned;

use crate::validation::{Validate, ValidationError};

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
