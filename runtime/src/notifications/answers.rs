//! The bodies a webhook router answers with, and reading the status of one.

use crate::server::result_body;
use crate::{ResultInfo, ResultStatus};

/// A `U` answer: AlipayHK delivers the notification again later.
pub(super) fn unknown(result_field: &str, message: &str) -> Vec<u8> {
    result_body(
        result_field,
        &ResultInfo::new("UNKNOWN_EXCEPTION", ResultStatus::Unknown, message),
    )
}

/// Whether `body` is an `S` answer: its result object (under `result_field`) says `S`.
pub(super) fn is_success(body: &[u8], result_field: &str) -> bool {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    value
        .get(result_field)
        .and_then(|result| result.get("resultStatus"))
        .and_then(|status| status.as_str())
        == Some(ResultStatus::Success.as_str())
}

/// An error and its causes on one line, for the log.
pub(super) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_s_result_is_a_success() {
        let s = br#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":""}}"#;
        assert!(is_success(s, "result"));
        assert!(!is_success(s, "resultInfo"));
        assert!(!is_success(&unknown("result", "later"), "result"));
        assert!(!is_success(b"", "result"));
        let f = br#"{"result":{"resultCode":"PROCESS_FAIL","resultStatus":"F"}}"#;
        assert!(!is_success(f, "result"));
    }
}
