//! Errors of the runtime. None of them carries key material or message bodies.

use crate::keys::role::KeyRole;
use crate::{ResultInfo, ValidationError};

/// A key could not be loaded. Says which key and what was expected, never the key itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Nothing was given.
    #[error("{role}: the key is empty")]
    Empty {
        /// Which key.
        role: KeyRole,
    },
    /// Neither PEM nor base64.
    #[error("{role}: not PEM and not valid base64")]
    NotBase64 {
        /// Which key.
        role: KeyRole,
    },
    /// A passphrase-protected key.
    #[error(
        "{role}: the key is encrypted with a passphrase; write it out unencrypted first (`openssl pkey -in key.pem -out plain.pem`) and keep that file private"
    )]
    Encrypted {
        /// Which key.
        role: KeyRole,
    },
    /// PEM armour without its matching END line.
    #[error("{role}: malformed PEM (no matching END line)")]
    BadPem {
        /// Which key.
        role: KeyRole,
    },
    /// A PEM label that is not an RSA key.
    #[error(
        "{role}: unsupported PEM label `{label}`; expected PRIVATE KEY, RSA PRIVATE KEY, PUBLIC KEY or RSA PUBLIC KEY"
    )]
    UnsupportedLabel {
        /// Which key.
        role: KeyRole,
        /// The label found.
        label: String,
    },
    /// A public key where a private one belongs, or the reverse.
    #[error("{role}: found {found}, expected {expected}")]
    WrongKind {
        /// Which key.
        role: KeyRole,
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: &'static str,
    },
    /// Bytes that do not encode the expected key.
    #[error("{role}: not {expected}")]
    Invalid {
        /// Which key.
        role: KeyRole,
        /// What was expected.
        expected: &'static str,
    },
    /// A key below 2048 bits.
    #[error("{role}: RSA-{bits} is too small; AlipayHK requires at least 2048 bits")]
    TooSmall {
        /// Which key.
        role: KeyRole,
        /// Its size.
        bits: usize,
    },
    /// The AlipayHK public key configured is the merchant's own public key.
    #[error(
        "the AlipayHK public key is your own public key: configure the key AlipayHK issued for your Client-Id"
    )]
    PlatformKeyIsMerchantKey,
}

/// A `Signature` or `Encrypt` header that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// An item without `=`.
    #[error("{header} header: item `{item}` is not key=value")]
    NotKeyValue {
        /// The header.
        header: &'static str,
        /// The offending item (never a secret value: only items without `=` are shown).
        item: String,
    },
    /// A required key is absent.
    #[error("{header} header: `{key}` is missing")]
    Missing {
        /// The header.
        header: &'static str,
        /// The key.
        key: &'static str,
    },
    /// An algorithm this client does not implement.
    #[error("{header} header: unsupported algorithm `{algorithm}`, expected {expected}")]
    UnsupportedAlgorithm {
        /// The header.
        header: &'static str,
        /// The algorithm found.
        algorithm: String,
        /// What is supported.
        expected: &'static str,
    },
    /// A value that is not URL-encoded base64.
    #[error("{header} header: `{key}` is not URL-encoded base64")]
    BadValue {
        /// The header.
        header: &'static str,
        /// The key.
        key: &'static str,
    },
}

/// A signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "signature does not verify with the {role}: the content, the Client-Id, the time or the key differs from what was signed"
)]
pub struct SignatureMismatch {
    /// The key it was checked with.
    pub role: KeyRole,
}

/// Why a call's outcome is unknown: the operation may or may not have happened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnknownReason {
    /// The gateway answered `resultStatus: U`.
    StatusUnknown,
    /// The gateway answered a status this version does not know.
    StatusUnrecognized(String),
    /// No complete response arrived before the timeout, after the request was sent.
    Timeout,
    /// The connection failed after the request was sent.
    ConnectionLost,
    /// The gateway answered with an HTTP server error and no result.
    ServerError(u16),
}

impl std::fmt::Display for UnknownReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::StatusUnknown => f.write_str("the gateway answered status U"),
            Self::StatusUnrecognized(status) => {
                write!(f, "the gateway answered the unrecognized status {status:?}")
            }
            Self::Timeout => f.write_str("no response before the timeout"),
            Self::ConnectionLost => f.write_str("the connection failed after the request was sent"),
            Self::ServerError(status) => write!(f, "HTTP {status} without a result"),
        }
    }
}

/// The response could not be trusted or read. The request may have been performed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// The response signature does not verify: tampered, or the wrong AlipayHK key.
    #[error("response rejected: {0}")]
    SignatureInvalid(#[from] SignatureMismatch),
    /// A successful response carried no signature.
    #[error(
        "response rejected: a successful (S) response must be signed, and this one has no Signature header"
    )]
    SignatureMissing,
    /// Only one of `Signature` and `Response-Time` was present.
    #[error("response rejected: it has {present} but not {missing}")]
    SignaturePartial {
        /// The header present.
        present: &'static str,
        /// The header missing.
        missing: &'static str,
    },
    /// A header could not be read.
    #[error("response rejected: {0}")]
    Header(#[from] HeaderError),
    /// A v1 (head/body) response is not a readable envelope, is signed wrongly, or answers
    /// another function or client.
    #[error("response rejected: {0}")]
    Envelope(#[from] EnvelopeError),
    /// The encrypted response could not be decrypted (key unwrap or body: deliberately not said which).
    #[error("response rejected: the encrypted body could not be decrypted")]
    Decryption,
    /// The body is not the JSON the endpoint documents, or has no result object.
    #[error("response rejected: {0}")]
    Malformed(String),
    /// An HTTP error status without a result object.
    #[error("HTTP {status} without a result object")]
    HttpStatus {
        /// The status code.
        status: u16,
    },
    /// A 3xx: AlipayHK does not redirect, and a redirect is never followed (it would re-send
    /// the signed request elsewhere). Check the base URL.
    #[error(
        "response rejected: HTTP {status} redirect{}; redirects are not followed, check the base URL",
        location.as_deref().map(|l| format!(" to {l}")).unwrap_or_default()
    )]
    Redirected {
        /// The status code.
        status: u16,
        /// The `Location` it named (at most 200 characters).
        location: Option<String>,
    },
    /// The body is longer than the client reads.
    #[error("response rejected: the body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// `Response-Time` is unreadable or outside the configured skew.
    #[cfg(any(feature = "client", feature = "server"))]
    #[error("response rejected: {0}")]
    Stale(#[from] crate::time::request_time::StaleMessage),
}

/// Why a call failed, with the endpoint's typed result code `C`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<C: std::fmt::Debug = String> {
    /// The request broke documented constraints and was not sent.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The request could not be built (serialization, the HTTP request); it was not sent.
    #[error("request not sent: it could not be built")]
    Build(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The gateway could not be reached (TCP or TLS, a connect timeout included); the request
    /// was not sent and is safe to send again. The source says why: connection refused, a
    /// name that did not resolve, a certificate.
    #[error("request not sent: could not connect to the gateway")]
    Connect(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The gateway answered `F`: a definitive failure. Re-sending the same request fails again.
    #[error("failed with {}: {}", result.result_code, result.result_message.as_deref().unwrap_or(""))]
    Failed {
        /// The typed result code.
        code: C,
        /// The result object as received.
        result: ResultInfo,
    },
    /// The outcome is unknown: the operation may have happened. Resolve it by re-sending the
    /// same request (see [`crate::retry`]), never by treating it as a failure.
    #[error(
        "outcome unknown ({reason}): the operation may have happened; re-send the same request to learn the result"
    )]
    Unknown {
        /// Why.
        reason: UnknownReason,
        /// The result object, when the gateway sent one.
        result: Option<ResultInfo>,
        /// The transport failure, for a timeout or a lost connection.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// The response could not be trusted or read; the operation may have happened.
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
}

impl<C: std::fmt::Debug> Error<C> {
    /// The same error with the result code as its text, for code that handles several
    /// endpoints alike (a tool that sends any notification).
    pub fn into_untyped(self) -> Error<String> {
        match self {
            Self::Invalid(error) => Error::Invalid(error),
            Self::Build(error) => Error::Build(error),
            Self::Connect(error) => Error::Connect(error),
            Self::Failed { result, .. } => Error::Failed {
                code: result.result_code.clone(),
                result,
            },
            Self::Unknown {
                reason,
                result,
                source,
            } => Error::Unknown {
                reason,
                result,
                source,
            },
            Self::Protocol(error) => Error::Protocol(error),
        }
    }

    /// Whether the operation may have taken effect without the caller knowing.
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, Self::Unknown { .. } | Self::Protocol(_))
    }

    /// The kind of the I/O error behind a transport failure, if there is one: e.g.
    /// `ConnectionRefused` for a gateway that is not listening.
    pub fn io_error_kind(&self) -> Option<std::io::ErrorKind> {
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            if let Some(io) = cause.downcast_ref::<std::io::Error>() {
                return Some(io.kind());
            }
            source = cause.source();
        }
        None
    }
}

/// Why a v1 message was refused, in either direction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The body is not a v1 envelope (not JSON, no `request`/`response` object, a key given
    /// twice, no `head`).
    #[error("not a v1 {direction} envelope: {reason}")]
    NotEnvelope {
        /// `request` or `response`.
        direction: &'static str,
        /// What is wrong, without the message's content.
        reason: String,
    },
    /// The envelope has no `signature`.
    #[error("the v1 {direction} carries no signature")]
    Unsigned {
        /// `request` or `response`.
        direction: &'static str,
    },
    /// The signature does not verify over the exact bytes received.
    #[error("the v1 {direction} signature ({algorithm}) does not verify")]
    BadSignature {
        /// `request` or `response`.
        direction: &'static str,
        /// The algorithm checked.
        algorithm: &'static str,
    },
    /// `head.function` names another API than the one at this path.
    #[error("head.function is `{found}`, but this endpoint is `{expected}`")]
    WrongFunction {
        /// The endpoint's function.
        expected: &'static str,
        /// What the head said (at most 80 characters).
        found: String,
    },
    /// `head.clientId` is not the expected one.
    #[error("head.clientId is not the expected client")]
    WrongClient,
    /// `head.reqMsgId` is not the request's: a signed answer to another call.
    #[error("head.reqMsgId is not the request's: the answer is to another call")]
    WrongMessage,
    /// This build cannot make or check signatures with the family's algorithm.
    #[error(
        "this build cannot sign or verify {algorithm}: enable alipayhk-runtime's `sha1` feature"
    )]
    AlgorithmUnavailable {
        /// The algorithm.
        algorithm: &'static str,
    },
}
