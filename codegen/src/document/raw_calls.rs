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

/// `resolution: { carry, inquire_with, outcome | reached, not_found, cancel_with }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResolutionSpec {
    /// Request fields carried into the inquiry and the cancel.
    pub carry: Vec<Located<CarrySpec>>,
    /// The endpoint that reads the outcome; re-sending the call does when absent.
    #[serde(default)]
    pub inquire_with: Option<Located<String>>,
    /// The inquiry response's field holding the call's own result; the inquiry's result when
    /// absent.
    #[serde(default)]
    pub outcome: Option<Located<String>>,
    /// Instead of `outcome`: the call is done when the inquiry shows the state it sets.
    #[serde(default)]
    pub reached: Option<Located<ReachedSpec>>,
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

/// A carried field: one name in both requests, or `{ field, from }` when the inquiry (or the
/// cancel) names it otherwise.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "a field name, or `{ field: <the inquiry's name>, from: <the call's name> }`"
)]
pub(crate) enum CarrySpec {
    /// The same name in both.
    Same(String),
    /// Renamed on the way.
    Renamed(RenamedCarry),
}

/// `{ field, from }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RenamedCarry {
    /// The inquiry's (and the cancel's) field.
    pub field: String,
    /// The call's request field that fills it.
    pub from: String,
}

impl CarrySpec {
    /// The field of the inquiry and the cancel.
    pub(crate) fn to(&self) -> &str {
        match self {
            Self::Same(name) => name,
            Self::Renamed(renamed) => &renamed.field,
        }
    }

    /// The call's request field.
    pub(crate) fn from(&self) -> &str {
        match self {
            Self::Same(name) => name,
            Self::Renamed(renamed) => &renamed.from,
        }
    }
}

/// `reached: { field, equals }`: the inquiry response's `field` equals the call's `equals`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReachedSpec {
    /// The inquiry response's field.
    pub field: Located<String>,
    /// The call's request field.
    pub equals: Located<String>,
}

/// `settles: { call, key, outcome }`: a notification that settles a call's pending intent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SettlesSpec {
    /// The outbound endpoint whose intent it settles.
    pub call: Located<String>,
    /// Its fields holding the call's key values, in the order of the call's key.
    pub key: Vec<Located<String>>,
    /// Its field holding the call's result.
    pub outcome: Located<String>,
    /// The page that says so.
    #[serde(default)]
    pub source: Option<Located<String>>,
    /// Why we believe it, when no page states it.
    #[serde(default)]
    pub inferred: Option<Located<String>>,
}
