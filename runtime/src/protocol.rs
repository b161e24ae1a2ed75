//! Which wire protocol an endpoint speaks, as its spec declares it: a description, not a
//! plugin. The runtime implements two, and the spec chooses between them and their documented
//! variants.
//!
//! - [`Protocol::Headers`]: identity, time and signature in HTTP headers (`Client-Id`,
//!   `Request-Time`, `Signature`), signed over `METHOD path LF client-id "." time "." body`
//!   ([`crate::sign`]). Every endpoint of the current AlipayHK Open API.
//! - [`Protocol::HeadBody`]: AlipayHK's older "v1" envelope,
//!   `{"request": {"head": {...}, "body": {...}}, "signature": "..."}`, signed over the exact
//!   text of the `request` value ([`crate::head_body`]). A. Points authorisation, HK Auto Debit
//!   and Bills & Utilities account binding.

/// The wire protocol of one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// Identity, time and signature in HTTP headers.
    Headers,
    /// The v1 head/body envelope.
    HeadBody(HeadBody),
}

/// A v1 endpoint: the envelope's rules and the `function` that selects the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeadBody {
    /// How this family signs and writes its envelope.
    pub rules: HeadBodyRules,
    /// The head's `function`, such as `alipay.intl.oauth.auth.prepareForRedirect`.
    pub function: &'static str,
}

/// How a family of v1 endpoints signs and writes its envelope: what the spec's protocol
/// declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeadBodyRules {
    /// The protocol's name in the spec (`v1`), for messages.
    pub name: &'static str,
    /// The head's `version`.
    pub version: &'static str,
    /// Which bytes of the `request` (or `response`) value are signed.
    pub signed: SignedPart,
    /// The signature algorithm.
    pub algorithm: SignatureAlgorithm,
    /// How the signature is written in the envelope's `signature`.
    pub encoding: SignatureEncoding,
}

/// Which bytes of the `request` (or `response`) value a v1 signature covers. Both are the
/// exact bytes as sent: a receiver verifies what arrived, never a re-serialisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedPart {
    /// The whole value, braces included (A. Points' "Pre-Sign String (v1)").
    Value,
    /// The text between the value's outer braces (HK Auto Debit's signing page).
    Members,
}

/// An RSASSA-PKCS1-v1_5 signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// SHA256withRSA.
    Sha256WithRsa,
    /// SHA1withRSA: only where a page requires it (HK Auto Debit). Needs the runtime's `sha1`
    /// feature.
    Sha1WithRsa,
}

impl SignatureAlgorithm {
    /// The Java name, as AlipayHK's pages write it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sha256WithRsa => "SHA256withRSA",
            Self::Sha1WithRsa => "SHA1withRSA",
        }
    }
}

/// How a v1 signature's bytes are written in the envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureEncoding {
    /// Base64 with padding.
    Base64,
    /// Base64, then form-style URL encoding (`+` as `%2B`, `/` as `%2F`, `=` as `%3D`).
    Base64UrlEncoded,
}
