use std::fmt;

use serde::{Serialize, de::DeserializeOwned};

use crate::{ResultCode, Validate};

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`: every AlipayHK Open API call documented so far.
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
}

impl HttpMethod {
    /// The method as it appears on the request line and in the content to sign.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request type that can be sent to one AlipayHK endpoint.
///
/// Implemented by generated code (from `spec/` or the `#[endpoint]` attribute); the runtime
/// uses it to validate, serialize, sign and route any request without knowing its fields.
pub trait Endpoint: Serialize + Validate {
    /// The typed response body of a successful call.
    type Response: DeserializeOwned + fmt::Debug;
    /// The endpoint's documented result codes.
    type ResultCode: ResultCode;
    /// The endpoint's name as written in the spec, such as `updatePass`.
    const NAME: &'static str;
    /// The HTTP method.
    const METHOD: HttpMethod;
    /// The request path, starting with `/`, without query string.
    const PATH: &'static str;
    /// The wire protocol: the header protocol unless the spec names another.
    const PROTOCOL: crate::Protocol = crate::Protocol::Headers;
    /// How a call may be repeated after an unknown outcome; `None` (the default) when the
    /// spec records no idempotency, so a helper must never re-send it.
    const IDEMPOTENCY: Option<Idempotency> = None;
    /// The endpoint (by name) that tells the outcome of a call whose outcome is unknown, when
    /// the spec names one.
    const RESOLVE_UNKNOWN_WITH: Option<&'static str> = None;
}

/// How an endpoint may be repeated after an unknown outcome, as its spec records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Idempotency {
    /// Request fields (wire names) identifying one operation: re-sending the same body is the
    /// same operation. Empty for a call that changes nothing.
    pub key: &'static [&'static str],
    /// Result codes a re-send answers when an earlier attempt already succeeded, such as
    /// createPass's `PASS_HAS_EXIT`.
    pub already_done: &'static [&'static str],
}
