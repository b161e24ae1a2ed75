//! The runtime's items that generated code names, as symbols: an emitter asks the
//! [`Context`](super::context::Context) for one and gets its path in the crate being
//! generated, so no emitter spells where the runtime lives.
//!
//! After smithy-rs's `RuntimeType`: a path below the runtime's root, never text with the root
//! pasted in.

/// An item of `alipayhk-runtime`, by its path below the crate root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RuntimeType(&'static str);

impl RuntimeType {
    /// The path below the runtime's root, such as `server::ServerConfig`.
    pub(crate) const fn path(self) -> &'static str {
        self.0
    }

    /// The last segment: what a `use` of it brings into scope.
    pub(crate) fn name(self) -> &'static str {
        self.0.rsplit("::").next().unwrap_or(self.0)
    }
}

// The crate root's items.
pub(crate) const BASIS: RuntimeType = RuntimeType("Basis");
pub(crate) const CLIENT: RuntimeType = RuntimeType("Client");
pub(crate) const ENDPOINT: RuntimeType = RuntimeType("Endpoint");
pub(crate) const EPOCH_MILLIS: RuntimeType = RuntimeType("EpochMillis");
pub(crate) const ERROR: RuntimeType = RuntimeType("Error");
pub(crate) const FIELD_PATH: RuntimeType = RuntimeType("FieldPath");
pub(crate) const HEAD_BODY: RuntimeType = RuntimeType("HeadBody");
pub(crate) const HEAD_BODY_RULES: RuntimeType = RuntimeType("HeadBodyRules");
pub(crate) const HTTP_METHOD: RuntimeType = RuntimeType("HttpMethod");
pub(crate) const IDEMPOTENCY: RuntimeType = RuntimeType("Idempotency");
pub(crate) const PROTOCOL: RuntimeType = RuntimeType("Protocol");
pub(crate) const RESULT_CODE: RuntimeType = RuntimeType("ResultCode");
pub(crate) const RESULT_INFO: RuntimeType = RuntimeType("ResultInfo");
pub(crate) const RESULT_STATUS: RuntimeType = RuntimeType("ResultStatus");
pub(crate) const RULE: RuntimeType = RuntimeType("Rule");
pub(crate) const SIGNATURE_ALGORITHM: RuntimeType = RuntimeType("SignatureAlgorithm");
pub(crate) const SIGNATURE_ENCODING: RuntimeType = RuntimeType("SignatureEncoding");
pub(crate) const SIGNED_PART: RuntimeType = RuntimeType("SignedPart");
pub(crate) const UNKNOWN_VALUE: RuntimeType = RuntimeType("UnknownValue");
pub(crate) const VALIDATE: RuntimeType = RuntimeType("Validate");
pub(crate) const VALIDATION_ERROR: RuntimeType = RuntimeType("ValidationError");
pub(crate) const VIOLATION: RuntimeType = RuntimeType("Violation");

/// What the generated crate root re-exports from the runtime, in the order `cargo fmt` sorts
/// them.
pub(crate) const ROOT_REEXPORTS: [RuntimeType; 12] = [
    ENDPOINT,
    EPOCH_MILLIS,
    ERROR,
    FIELD_PATH,
    HTTP_METHOD,
    RESULT_CODE,
    RESULT_INFO,
    RESULT_STATUS,
    RULE,
    VALIDATE,
    VALIDATION_ERROR,
    VIOLATION,
];

// Modules whose functions generated code calls by name.
/// The field checks (`check_length`, `check_range`, …).
pub(crate) const VALIDATION: RuntimeType = RuntimeType("validation");
/// The header names.
pub(crate) const WIRE: RuntimeType = RuntimeType("wire");

// JSON.
pub(crate) const JSON_VALUE: RuntimeType = RuntimeType("serde_json::Value");
pub(crate) const JSON_TO_VALUE: RuntimeType = RuntimeType("serde_json::to_value");

// Settling unknown outcomes.
pub(crate) const INQUIRY_RULE: RuntimeType = RuntimeType("resolve::InquiryRule");
pub(crate) const RESOLUTION: RuntimeType = RuntimeType("resolve::Resolution");
pub(crate) const RESOLVABLE: RuntimeType = RuntimeType("resolve::Resolvable");
pub(crate) const SETTLES: RuntimeType = RuntimeType("resolve::Settles");

// Notifications (the webhook side).
pub(crate) const DELIVERY: RuntimeType = RuntimeType("notifications::Delivery");
pub(crate) const HANDLE_NOTIFICATION: RuntimeType =
    RuntimeType("notifications::handle_notification");
pub(crate) const INBOX: RuntimeType = RuntimeType("notifications::Inbox");
pub(crate) const NOTIFICATION_INPUT: RuntimeType = RuntimeType("notifications::NotificationInput");
pub(crate) const NOTIFICATION_STORE: RuntimeType = RuntimeType("notifications::NotificationStore");
pub(crate) const NOTIFICATION_VERIFIED: RuntimeType = RuntimeType("notifications::verified");
pub(crate) const NOTIFICATION_VERIFIED_WITH: RuntimeType =
    RuntimeType("notifications::verified_with");
pub(crate) const READ_NOTIFICATION: RuntimeType = RuntimeType("notifications::read_notification");

// The server side of the protocol, and the axum it runs on.
pub(crate) const AXUM: RuntimeType = RuntimeType("server::axum");
pub(crate) const AXUM_ROUTING: RuntimeType = RuntimeType("server::axum::routing");
pub(crate) const AXUM_STATE: RuntimeType = RuntimeType("server::axum::extract::State");
pub(crate) const SERVER_CONFIG: RuntimeType = RuntimeType("server::ServerConfig");
pub(crate) const SERVER_HANDLE: RuntimeType = RuntimeType("server::handle");
pub(crate) const SERVER_NOT_IMPLEMENTED: RuntimeType = RuntimeType("server::not_implemented");
pub(crate) const SERVER_UNKNOWN_PATH: RuntimeType = RuntimeType("server::unknown_path");
pub(crate) const SERVER_VERIFIED: RuntimeType = RuntimeType("server::Verified");
pub(crate) const SERVER_VERIFIED_FN: RuntimeType = RuntimeType("server::verified");
pub(crate) const SERVER_VERIFIED_WITH: RuntimeType = RuntimeType("server::verified_with");
pub(crate) const HEAD_BODY_ROUTES: RuntimeType = RuntimeType("server::HeadBodyRoutes");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symbol_is_named_by_its_last_segment() {
        assert_eq!(AXUM_STATE.name(), "State");
        assert_eq!(CLIENT.name(), "Client");
    }
}
