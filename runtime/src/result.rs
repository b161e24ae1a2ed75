use std::fmt;
use std::hash::Hash;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The `resultStatus` of an AlipayHK response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ResultStatus {
    /// `S`: the call succeeded.
    Success,
    /// `F`: the call failed definitively; re-sending the same request will fail again.
    Failure,
    /// `U`: the outcome is unknown. The operation may or may not have happened: resolve it by
    /// re-sending the same request (same idempotency key), never by treating it as a failure.
    Unknown,
    /// A status value this version does not know. Treated like [`ResultStatus::Unknown`].
    Unrecognized(String),
}

impl ResultStatus {
    /// The wire value (`S`, `F`, `U`, or the unrecognized value as received).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Success => "S",
            Self::Failure => "F",
            Self::Unknown => "U",
            Self::Unrecognized(other) => other,
        }
    }

    /// Whether the operation may have taken effect without the caller knowing: `U` and any
    /// value this version does not recognize.
    pub fn is_undetermined(&self) -> bool {
        matches!(self, Self::Unknown | Self::Unrecognized(_))
    }
}

impl From<&str> for ResultStatus {
    fn from(value: &str) -> Self {
        match value {
            "S" => Self::Success,
            "F" => Self::Failure,
            "U" => Self::Unknown,
            other => Self::Unrecognized(other.to_owned()),
        }
    }
}

impl fmt::Display for ResultStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ResultStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ResultStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Ok(Self::from(value.as_ref()))
    }
}

/// The result object every AlipayHK response carries (`result` or, on older pages,
/// `resultInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultInfo {
    /// The result code, such as `SUCCESS` or `PARAM_ILLEGAL`.
    #[serde(rename = "resultCode")]
    pub result_code: String,
    /// Whether the call succeeded (`S`), failed (`F`) or has an unknown outcome (`U`).
    #[serde(rename = "resultStatus")]
    pub result_status: ResultStatus,
    /// A human-readable message. Older pages name it `resultMsg`; both are accepted.
    #[serde(
        rename = "resultMessage",
        alias = "resultMsg",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub result_message: Option<String>,
}

impl ResultInfo {
    /// A result with the given code, status and message.
    pub fn new(
        result_code: impl Into<String>,
        result_status: ResultStatus,
        result_message: impl Into<String>,
    ) -> Self {
        Self {
            result_code: result_code.into(),
            result_status,
            result_message: Some(result_message.into()),
        }
    }
}

/// An endpoint's documented result codes, generated as an enum with an `Unknown(UnknownValue)`
/// variant so that a code added by AlipayHK never breaks parsing.
pub trait ResultCode: fmt::Debug + Clone + PartialEq + Eq + Hash + Send + Sync + 'static {
    /// The code for a wire value; values not in the table become the `Unknown` variant.
    fn from_code(code: &str) -> Self;
    /// The wire value.
    fn as_str(&self) -> &str;
    /// The status the documentation gives this code, or `None` for an undocumented code.
    fn documented_status(&self) -> Option<ResultStatus>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_message_spellings() {
        let new: ResultInfo = serde_json::from_str(
            r#"{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"}"#,
        )
        .unwrap();
        let old: ResultInfo = serde_json::from_str(
            r#"{"resultCode":"SUCCESS","resultStatus":"S","resultMsg":"Success"}"#,
        )
        .unwrap();
        assert_eq!(new, old);
        assert_eq!(new.result_status, ResultStatus::Success);
    }

    #[test]
    fn keeps_an_unrecognized_status() {
        let info: ResultInfo =
            serde_json::from_str(r#"{"resultCode":"X","resultStatus":"P"}"#).unwrap();
        assert_eq!(info.result_status, ResultStatus::Unrecognized("P".into()));
        assert!(info.result_status.is_undetermined());
        assert_eq!(
            serde_json::to_string(&info).unwrap(),
            r#"{"resultCode":"X","resultStatus":"P"}"#
        );
    }
}
