//! How calls travel and how their unknown outcomes are settled, as written: `api.protocols`
//! entries and an endpoint's `resolution`. Nothing is checked here beyond YAML shape.

use serde::Deserialize;

use super::constraint::Constraint;
use super::located::Located;

/// One wire protocol: the header protocol, or a v1 head/body envelope and its signing facts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProtocolSpec {
    /// What endpoints and groups name, such as `v1`.
    pub name: Located<String>,
    /// What it is, for the docs.
    #[serde(default)]
    pub description: Option<String>,
    /// `headers` (identity, time and signature in HTTP headers) or `head_body` (the v1
    /// `{"request": {"head", "body"}, "signature"}` envelope).
    pub envelope: Located<String>,
    /// `head_body`: the head's `version`.
    #[serde(default)]
    pub version: Option<Located<Constraint<String>>>,
    /// `head_body`: `value` (the `request` value, braces included) or `members` (between
    /// its outer braces).
    #[serde(default)]
    pub signed: Option<Located<Constraint<String>>>,
    /// `head_body`: `SHA256withRSA` or `SHA1withRSA`.
    #[serde(default)]
    pub algorithm: Option<Located<Constraint<String>>>,
    /// `head_body`: `base64` or `base64_url` (base64, then URL-encoded).
    #[serde(default)]
    pub signature_encoding: Option<Located<Constraint<String>>>,
    /// The page that describes it; covers the facts that name none of their own.
    #[serde(default)]
    pub source: Option<Located<String>>,
    /// Why we believe it, when no page states it.
    #[serde(default)]
    pub inferred: Option<Located<String>>,
}

/// `resolution: { carry, inquire_with, outcome, not_found, cancel_with }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResolutionSpec {
    /// Request fields carried, by wire name, into the inquiry and the cancel.
    pub carry: Vec<Located<String>>,
    /// The endpoint that reads the outcome; re-sending the call does when absent.
    #[serde(default)]
    pub inquire_with: Option<Located<String>>,
    /// The inquiry response's field holding the call's own result; the inquiry's result when
    /// absent.
    #[serde(default)]
    pub outcome: Option<Located<String>>,
    /// Inquiry codes meaning the call never arrived.
    #[serde(default)]
    pub not_found: Vec<Located<String>>,
    /// The endpoint that ends the call at the deadline; none when absent.
    #[serde(default)]
    pub cancel_with: Option<Located<String>>,
    /// The page that describes the procedure.
    #[serde(default)]
    pub source: Option<Located<String>>,
    /// Why we believe it, when no page states it.
    #[serde(default)]
    pub inferred: Option<Located<String>>,
}
