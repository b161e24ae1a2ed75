//! Spec documents exactly as written in YAML, with locations for later error reports.
//!
//! Nothing here is checked beyond YAML shape: meaning is checked in `model::build`.

use serde::Deserialize;

pub(crate) use super::constraint::Constraint;
pub(crate) use super::located::{Located, Position};
pub(crate) use super::raw_calls::{ProtocolSpec, ReachedSpec, ResolutionSpec, SettlesSpec};

/// `spec/api.yaml`: what holds for the whole API.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApiDocument {
    /// The documentation pages the spec was written from, which items cite by id.
    #[serde(default)]
    pub sources: Vec<DocSourceSpec>,
    /// API-wide facts.
    pub api: ApiSpec,
    /// Shared types, referenced by name from any endpoint.
    #[serde(default)]
    pub types: Vec<TypeSpec>,
    /// Result-code tables shared by several endpoints.
    #[serde(default)]
    pub result_code_tables: Vec<ResultCodeTableSpec>,
}

/// A documentation page items cite with `source: <id>`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DocSourceSpec {
    /// What items cite, such as `update_card`.
    pub id: Located<String>,
    /// The page's title.
    pub title: Located<String>,
    /// Where the page is.
    pub url: Located<String>,
    /// When it was read, `YYYY-MM-DD`.
    pub read: Located<String>,
}

/// A named result-code table, emitted once as an enum in the `types` module.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResultCodeTableSpec {
    /// The Rust name of the enum, such as `PassResultCode`.
    pub name: Located<String>,
    /// What the table covers.
    #[serde(default)]
    pub description: Option<String>,
    /// The codes.
    pub codes: Located<Vec<ResultCodeSpec>>,
}

/// API-wide facts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApiSpec {
    /// Display name.
    pub name: Located<String>,
    /// The generated crate's name, as the usage snippets in its docs spell it; `alipayhk` when
    /// absent.
    #[serde(default, rename = "crate")]
    pub crate_name: Option<Located<String>>,
    /// Crate-level description.
    #[serde(default)]
    pub description: Option<String>,
    /// Rust code shown (and compiled as a doc-test) in the generated crate's docs.
    #[serde(default)]
    pub example: Option<String>,
    /// The protocol headers.
    #[serde(default)]
    pub headers: HeadersSpec,
    /// Endpoint groups: the generated crate compiles each behind a cargo feature of its name.
    #[serde(default)]
    pub groups: Vec<GroupSpec>,
    /// The group of an endpoint that names none.
    #[serde(default)]
    pub default_group: Option<Located<String>>,
    /// The wire protocols endpoints speak; the header protocol alone when absent.
    #[serde(default)]
    pub protocols: Vec<ProtocolSpec>,
    /// The protocol of an endpoint (and group) that names none; `headers` when absent.
    #[serde(default)]
    pub default_protocol: Option<Located<String>>,
}

/// One endpoint group.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupSpec {
    /// The group's name, which is also its cargo feature's, such as `passes`.
    pub name: Located<String>,
    /// What its endpoints do: the feature's docs.
    pub description: String,
    /// The protocol of its endpoints that name none; `api.default_protocol` when absent.
    #[serde(default)]
    pub protocol: Option<Located<String>>,
}

/// The protocol headers, by where they appear.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HeadersSpec {
    /// Sent on requests and responses.
    #[serde(default)]
    pub general: Vec<HeaderSpec>,
    /// Sent on requests only.
    #[serde(default)]
    pub request: Vec<HeaderSpec>,
    /// Sent on responses only.
    #[serde(default)]
    pub response: Vec<HeaderSpec>,
}

/// One header.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HeaderSpec {
    /// The header name as written on the wire.
    pub name: Located<String>,
    /// What it carries.
    pub description: String,
    /// Whether it must be present.
    #[serde(default)]
    pub required: bool,
    /// An example value.
    #[serde(default)]
    pub sample: Option<String>,
}

/// A named shared type: an object or an enum.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TypeSpec {
    /// The Rust name, in PascalCase.
    pub name: Located<String>,
    /// `object` or `enum`.
    #[serde(rename = "type")]
    pub kind: Located<String>,
    /// What it is.
    #[serde(default)]
    pub description: Option<String>,
    /// Fields, for `object`.
    #[serde(default)]
    pub fields: Option<Vec<FieldSpec>>,
    /// Cross-field rules, for `object`.
    #[serde(default)]
    pub rules: Vec<Located<RuleSpec>>,
    /// Values, for `enum`.
    #[serde(default)]
    pub values: Option<Located<Vec<EnumValueSpec>>>,
    /// Allowed changes of value, for an `enum` that is a state.
    #[serde(default)]
    pub transitions: Vec<TransitionSpec>,
    /// For an `enum`: the page (or reasoning) behind values that name none of their own.
    #[serde(default)]
    pub source: Option<Located<String>>,
    /// For an `object` whose page is cut: why its fields may be incomplete. The object keeps
    /// the fields the page did not show (`other_fields`).
    #[serde(default)]
    pub open: Option<Located<String>>,
    /// Why we believe it, when no page states it.
    #[serde(default)]
    pub inferred: Option<Located<String>>,
}

/// The values a state may change to from one value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransitionSpec {
    /// The current value.
    pub from: Located<String>,
    /// The values it may become.
    pub to: Vec<Located<String>>,
}

/// A spec file describing one endpoint.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EndpointDocument {
    /// The endpoint.
    pub endpoint: EndpointSpec,
}

/// One endpoint.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EndpointSpec {
    /// The name in lowerCamelCase, such as `updatePass`; Rust names derive from it.
    pub name: Located<String>,
    /// The HTTP method.
    pub method: Located<String>,
    /// The request path.
    pub path: Located<String>,
    /// One line for the docs.
    pub summary: Located<String>,
    /// More, for the docs.
    #[serde(default)]
    pub description: Option<String>,
    /// The documentation page this spec was written from.
    #[serde(default)]
    pub docs_url: Option<String>,
    /// The request body.
    pub request: MessageSpec,
    /// The response body.
    pub response: MessageSpec,
    /// Which side calls: `outbound` (you call AlipayHK; the default) or `inbound` (AlipayHK
    /// calls an endpoint you host, such as a notification).
    #[serde(default)]
    pub direction: Option<Located<String>>,
    /// How a call may be repeated after an unknown outcome; absent when it may not.
    #[serde(default)]
    pub idempotency: Option<IdempotencySpec>,
    /// The endpoint that tells the outcome of a call whose outcome is unknown.
    #[serde(default)]
    pub resolve_unknown_with: Option<Located<String>>,
    /// How the resolver settles an unknown outcome: read it, and cancel at the deadline.
    #[serde(default)]
    pub resolution: Option<Located<ResolutionSpec>>,
    /// A notification: the call whose pending intent it settles.
    #[serde(default)]
    pub settles: Option<Located<SettlesSpec>>,
    /// The endpoint group (`api.groups`); `api.default_group` when absent.
    #[serde(default)]
    pub group: Option<Located<String>>,
    /// The wire protocol (`api.protocols`); its group's, else `api.default_protocol`.
    #[serde(default)]
    pub protocol: Option<Located<String>>,
    /// With a `head_body` protocol: the head's `function`, which selects the API.
    #[serde(default)]
    pub function: Option<Located<String>>,
    /// The documented result codes.
    #[serde(default)]
    pub result_codes: Option<Located<Vec<ResultCodeSpec>>>,
    /// A shared table from `api.yaml`, instead of `result_codes`.
    #[serde(default)]
    pub result_code_table: Option<Located<String>>,
}

/// `idempotency: { key, already_done }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IdempotencySpec {
    /// Request fields (wire names) that identify one operation: a re-send with the same
    /// values is the same operation. Empty for a call that changes nothing.
    pub key: Located<Vec<Located<String>>>,
    /// Result codes a re-send answers when an earlier attempt already succeeded.
    #[serde(default)]
    pub already_done: Vec<Located<String>>,
}

/// A request or response body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MessageSpec {
    /// What the body is.
    #[serde(default)]
    pub description: Option<String>,
    /// Its fields, in wire order.
    pub fields: Vec<FieldSpec>,
    /// Cross-field rules.
    #[serde(default)]
    pub rules: Vec<Located<RuleSpec>>,
    /// A JSON sample from the docs.
    #[serde(default)]
    pub sample: Option<Located<String>>,
    /// Why the body's fields may be incomplete (its page is cut); the object then keeps the
    /// fields the page did not show (`other_fields`).
    #[serde(default)]
    pub open: Option<Located<String>>,
}

/// One field of an object.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldSpec {
    /// The wire name.
    pub name: Located<String>,
    /// A built-in type, `enum`, `object`, `array`, `map`, or a shared type's name.
    #[serde(rename = "type")]
    pub ty: Located<String>,
    /// What it holds.
    #[serde(default)]
    pub description: Option<String>,
    /// Must be present.
    #[serde(default)]
    pub required: Option<Located<Constraint<bool>>>,
    /// May be an explicit `null`.
    #[serde(default)]
    pub nullable: bool,
    /// A secret (an access token, say): `Debug` prints it redacted.
    #[serde(default)]
    pub sensitive: bool,
    /// Other wire names accepted when reading.
    #[serde(default)]
    pub aliases: Vec<Located<String>>,
    /// Maximum length in characters, for strings.
    #[serde(default)]
    pub max_length: Option<Located<Constraint<u64>>>,
    /// Minimum length in characters, for strings.
    #[serde(default)]
    pub min_length: Option<Located<Constraint<u64>>>,
    /// Smallest allowed value, for numbers.
    #[serde(default)]
    pub minimum: Option<Located<Constraint<f64>>>,
    /// Largest allowed value, for numbers.
    #[serde(default)]
    pub maximum: Option<Located<Constraint<f64>>>,
    /// An example value.
    #[serde(default)]
    pub sample: Option<String>,
    /// Rust name of an inline `enum` or `object`.
    #[serde(default)]
    pub type_name: Option<Located<String>>,
    /// Values of an inline `enum`.
    #[serde(default)]
    pub values: Option<Located<Vec<EnumValueSpec>>>,
    /// Fields of an inline `object`.
    #[serde(default)]
    pub fields: Option<Vec<FieldSpec>>,
    /// Cross-field rules of an inline `object`.
    #[serde(default)]
    pub rules: Vec<Located<RuleSpec>>,
    /// Element type of an `array`, value type of a `map`.
    #[serde(default)]
    pub items: Option<Located<String>>,
    /// Keys of a `map` the docs fix, each given a typed builder method.
    #[serde(default)]
    pub keys: Vec<MapKeySpec>,
    /// The id of a page in `sources:` that states it.
    #[serde(default)]
    pub source: Option<Located<String>>,
    /// Why we believe it, when no page states it.
    #[serde(default)]
    pub inferred: Option<Located<String>>,
    /// The attribute front door's `identifier` option: the existing type it names is a string
    /// newtype, as a spec's `type: identifier` declares one. YAML names its identifiers, so
    /// it cannot set this.
    #[serde(skip)]
    pub existing_identifier: Option<Position>,
}

/// A key of an open map that the docs fix, such as `billNo` in `dataInfo`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MapKeySpec {
    /// The key as written in the map, such as `$codemsg$`.
    pub key: Located<String>,
    /// `string` (the default), `integer`, `number` or `boolean`.
    #[serde(default, rename = "type")]
    pub ty: Option<Located<String>>,
    /// What it holds.
    #[serde(default)]
    pub description: Option<String>,
    /// The id of a page in `sources:` that states it.
    #[serde(default)]
    pub source: Option<Located<String>>,
    /// Why we believe it, when no page states it.
    #[serde(default)]
    pub inferred: Option<Located<String>>,
}

/// One value of an enum.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnumValueSpec {
    /// The wire value.
    pub value: Located<String>,
    /// What it means.
    #[serde(default)]
    pub description: Option<String>,
    /// The id of a page in `sources:` that states it.
    #[serde(default)]
    pub source: Option<Located<String>>,
    /// Why we believe it, when no page states it.
    #[serde(default)]
    pub inferred: Option<Located<String>>,
}

/// A rule across the fields of one object: exactly one of `exactly_one_of`,
/// `at_least_one_of` and `required_when`, with its provenance.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleSpec {
    /// Exactly one of these fields must be present.
    #[serde(default)]
    pub exactly_one_of: Option<Vec<Located<String>>>,
    /// At least one of these fields must be present.
    #[serde(default)]
    pub at_least_one_of: Option<Vec<Located<String>>>,
    /// `field` is required when `when` equals `equals`.
    #[serde(default)]
    pub required_when: Option<RequiredWhenSpec>,
    /// The id of a page in `sources:` that states it.
    #[serde(default)]
    pub source: Option<Located<String>>,
    /// Why we believe it, when no page states it.
    #[serde(default)]
    pub inferred: Option<Located<String>>,
}

/// `required_when: { field, when, equals }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequiredWhenSpec {
    /// The conditionally required field.
    pub field: Located<String>,
    /// The field whose value decides.
    pub when: Located<String>,
    /// The deciding value.
    pub equals: Located<String>,
}

/// One documented result code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResultCodeSpec {
    /// The wire value of `resultCode`, spelt exactly as the gateway sends it.
    pub code: Located<String>,
    /// `S`, `F` or `U`.
    pub status: Located<String>,
    /// The documented message.
    pub message: String,
    /// The id of a page in `sources:` that states it.
    #[serde(default)]
    pub source: Option<Located<String>>,
    /// Why we believe it, when no page states it.
    #[serde(default)]
    pub inferred: Option<Located<String>>,
}
