//! The checked intermediate model: everything the emitter needs, nothing it must re-check.
//!
//! Built from YAML by [`build`] (and, for the `#[endpoint]` attribute, from Rust syntax by the
//! macro crate). Collections are ordered by construction (`BTreeMap`, or spec order where the
//! order is meaningful), so emitting the same model always gives the same bytes.

// Leaves first: where facts come from (`provenance`), where errors go (`report`), the type
// space (`type_space`) and what a type name can mean while an object is built (`scope`); then
// reading provenance (`citations`), the checks of fields, rules, shared types and result
// codes, the whole-API reachability pass (`reach`), and the builders.
mod build;
mod citations;
mod cross_checks;
mod field_keys;
mod fields;
mod groups;
mod headers;
mod names;
mod protocols;
mod provenance;
mod reach;
mod report;
mod resolutions;
mod result_codes;
mod rule_types;
mod rules;
mod scope;
mod settlements;
mod shared_types;
mod standalone;
mod type_space;

use std::collections::BTreeMap;

#[cfg(feature = "yaml")]
pub(crate) use build::build;
pub(crate) use groups::{ALL_ENDPOINTS, Group};
#[cfg(feature = "cli")]
pub(crate) use names::is_lower_camel;
pub(crate) use names::rust_field_ident_name;
pub(crate) use protocols::{HeadBodyDef, SignatureEncoding, SignedPart, WireProtocol};
pub(crate) use provenance::{DocSource, Limit, Provenance};
pub(crate) use resolutions::ResolutionDef;
pub(crate) use rule_types::{Condition, Hop, RuleDef, RuleKind};
pub(crate) use settlements::SettlesDef;
pub(crate) use shared_types::{IdentifierDef, Transition};
pub(crate) use standalone::{ObjectRole, endpoint_alone, object_alone};
pub(crate) use type_space::{TypeHome, TypeId, TypeKind, TypeRef};

use crate::document::SourceFile;
use crate::document::raw::Located;

/// Types an attribute names instead of declaring them: what only the attribute front door
/// has, so the spec documents (which YAML fills too) do not carry it.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExistingTypes {
    /// An existing Rust type used as the response body instead of declared fields.
    pub response: Option<Located<String>>,
    /// An existing Rust type used as the result-code enum instead of declared codes.
    pub result_codes: Option<Located<String>>,
}

/// The whole API.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Api {
    /// Display name.
    pub name: String,
    /// The generated crate's name in Rust paths, such as `alipayhk`.
    pub crate_name: String,
    /// Crate-level description.
    pub description: Option<String>,
    /// Rust code shown (and compiled as a doc-test) in the crate docs.
    pub example: Option<String>,
    /// Protocol headers.
    pub headers: Vec<Header>,
    /// Shared types, by Rust name.
    pub shared_types: BTreeMap<String, TypeDef>,
    /// Result-code tables shared by several endpoints, by Rust name.
    pub result_code_tables: BTreeMap<String, ResultCodeSet>,
    /// Endpoints, by name.
    pub endpoints: BTreeMap<String, EndpointDef>,
    /// Endpoint groups, each a cargo feature of the generated crate, by name.
    pub groups: BTreeMap<String, Group>,
    /// The documentation pages items cite, by id.
    pub doc_sources: BTreeMap<String, DocSource>,
    /// `api.yaml`.
    pub source: SourceFile,
}

impl Api {
    /// Whether anything goes in the shared `types` module.
    pub(crate) fn has_shared_items(&self) -> bool {
        !self.shared_types.is_empty() || !self.result_code_tables.is_empty()
    }

    /// Every spec file the API was read from.
    pub(crate) fn spec_files(&self) -> Vec<&SourceFile> {
        std::iter::once(&self.source)
            .chain(self.endpoints.values().map(|e| &e.source))
            .collect()
    }
}

/// Where a header appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum HeaderPlacement {
    /// On requests and responses.
    General,
    /// On requests only.
    Request,
    /// On responses only.
    Response,
}

/// A protocol header.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    /// The wire name.
    pub name: String,
    /// What it carries.
    pub description: String,
    /// Whether it must be present.
    pub required: bool,
    /// An example value.
    pub sample: Option<String>,
    /// Where it appears.
    pub placement: HeaderPlacement,
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
}

impl HttpMethod {
    /// The method as written in HTTP, such as `POST`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }
}

/// One endpoint.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EndpointDef {
    /// The spec name, such as `updatePass`.
    pub name: String,
    /// Who calls whom.
    pub flow: Flow,
    /// The wire protocol it speaks.
    pub protocol: WireProtocol,
    /// How a call may be repeated after an unknown outcome; `None` when it may not.
    pub idempotency: Option<Idempotency>,
    /// The endpoint that tells the outcome of a call whose outcome is unknown.
    pub resolve_unknown_with: Option<String>,
    /// How the resolver settles an unknown outcome.
    pub resolution: Option<ResolutionDef>,
    /// A notification: the call whose pending intent it settles.
    pub settles: Option<SettlesDef>,
    /// The group (and cargo feature) it is compiled under; `None` when the API has none.
    pub group: Option<String>,
    /// The module name, such as `update_pass`.
    pub module: String,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The request path.
    pub path: String,
    /// One line for the docs.
    pub summary: String,
    /// More, for the docs.
    pub description: Option<String>,
    /// The documentation page.
    pub docs_url: Option<String>,
    /// The request body type.
    pub request: ObjectDef,
    /// The response body type.
    pub response: Message,
    /// Types declared inline in this endpoint, by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// The result-code enum.
    pub result_codes: ResultCodes,
    /// JSON sample of the request body.
    pub request_sample: Option<String>,
    /// JSON sample of the response body.
    pub response_sample: Option<String>,
    /// The spec file.
    pub source: SourceFile,
}

/// A message body: declared by the spec, or an existing Rust type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Message {
    /// Declared by the spec, emitted with the endpoint.
    Declared(ObjectDef),
    /// A Rust type the user wrote, named as a path (attribute front door only).
    Existing(String),
}

impl Message {
    /// The Rust type's name or path.
    pub(crate) fn type_name(&self) -> &str {
        match self {
            Self::Declared(def) => &def.name,
            Self::Existing(path) => path,
        }
    }

    /// The declaration, when the spec declares the body.
    pub(crate) fn declared(&self) -> Option<&ObjectDef> {
        match self {
            Self::Declared(def) => Some(def),
            Self::Existing(_) => None,
        }
    }
}

/// An endpoint's result codes: its own enum, or an existing Rust type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ResultCodes {
    /// Declared by the spec, emitted with the endpoint.
    Declared(ResultCodeSet),
    /// A table from `api.yaml`, emitted once in the `types` module.
    Shared(String),
    /// A Rust type implementing `ResultCode`, named as a path (attribute front door only).
    Existing(String),
}

impl ResultCodes {
    /// The Rust type's name or path.
    pub(crate) fn type_name(&self) -> &str {
        match self {
            Self::Declared(set) => &set.name,
            Self::Shared(name) | Self::Existing(name) => name,
        }
    }

    /// The declaration, when the spec lists the codes.
    pub(crate) fn declared(&self) -> Option<&ResultCodeSet> {
        match self {
            Self::Declared(set) => Some(set),
            Self::Shared(_) | Self::Existing(_) => None,
        }
    }

    /// The codes, own or from a shared table in `tables`; `None` for an existing type.
    pub(crate) fn set<'a>(
        &'a self,
        tables: &'a BTreeMap<String, ResultCodeSet>,
    ) -> Option<&'a ResultCodeSet> {
        match self {
            Self::Declared(set) => Some(set),
            Self::Shared(name) => tables.get(name),
            Self::Existing(_) => None,
        }
    }
}

/// Who calls whom: the YAML key `direction` (`outbound`, `inbound`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Flow {
    /// The merchant calls AlipayHK.
    Outbound,
    /// AlipayHK calls an endpoint the merchant hosts (a notification).
    Inbound,
}

/// How a call may be repeated after an unknown outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Idempotency {
    /// Request fields (wire names) identifying one operation; empty for a call that changes
    /// nothing.
    pub key: Vec<String>,
    /// Result codes a re-send answers when an earlier attempt already succeeded.
    pub already_done: Vec<String>,
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TypeDef {
    /// A struct.
    Object(ObjectDef),
    /// An enum of string values.
    Enum(EnumDef),
    /// A string newtype for an identifier (`MerchantId`), so two IDs cannot be swapped.
    Identifier(IdentifierDef),
}

/// A struct with named fields.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ObjectDef {
    /// Rust name.
    pub name: String,
    /// Doc text.
    pub description: Option<String>,
    /// Fields, in wire order.
    pub fields: Vec<FieldDef>,
    /// Cross-field rules.
    pub rules: Vec<RuleDef>,
    /// Reachable from a request, so it gets a `Validate` implementation.
    pub validated: bool,
    /// Why its fields may be incomplete (its page is cut), when they may: it then keeps the
    /// fields it does not declare, received and sent, in [`OTHER_FIELDS`].
    pub open: Option<String>,
}

/// The Rust field of an open object that holds the fields its page did not show.
pub(crate) const OTHER_FIELDS: &str = "other_fields";

/// A field of an object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldDef {
    /// The wire name.
    pub wire_name: String,
    /// The Rust identifier (without `r#`).
    pub rust_name: String,
    /// Doc text.
    pub description: Option<String>,
    /// The type.
    pub ty: FieldType,
    /// Where the field comes from.
    pub provenance: Provenance,
    /// Must be present, so its Rust type is not an `Option`: the spec says it is required,
    /// and not by inference alone.
    pub required: bool,
    /// Why the spec calls it required, whatever the source; an inferred requirement leaves
    /// the field optional and is checked as a warning.
    pub requirement: Option<Provenance>,
    /// May be an explicit `null`.
    pub nullable: bool,
    /// A secret: `Debug` prints it redacted.
    pub sensitive: bool,
    /// Other accepted wire names.
    pub aliases: Vec<String>,
    /// Length and range limits.
    pub constraints: Constraints,
    /// An example value.
    pub sample: Option<String>,
    /// For a map: the keys the docs fix, each with a typed builder method.
    pub keys: Vec<MapKey>,
}

/// A key of an open map that the docs fix.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MapKey {
    /// The key as written in the map, such as `$codemsg$`.
    pub key: String,
    /// The builder method's name, such as `code_info_codemsg`.
    pub setter: String,
    /// The value's type: a string, integer, number or boolean.
    pub ty: FieldType,
    /// What it holds.
    pub description: Option<String>,
    /// Where the key comes from.
    pub provenance: Provenance,
}

/// Limits on a field's value, checked on requests only.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Constraints {
    /// Maximum length in characters.
    pub max_length: Option<Limit<u64>>,
    /// Minimum length in characters.
    pub min_length: Option<Limit<u64>>,
    /// Smallest allowed number.
    pub minimum: Option<Limit<f64>>,
    /// Largest allowed number.
    pub maximum: Option<Limit<f64>>,
}

/// The type of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldType {
    /// `String`
    String,
    /// `i64`
    Integer,
    /// `f64`
    Number,
    /// `bool`
    Boolean,
    /// Epoch milliseconds.
    Timestamp,
    /// Any JSON value.
    Json,
    /// The protocol's result object.
    Result,
    /// A named object or enum.
    Named(TypeRef),
    /// A list.
    Array(Box<FieldType>),
    /// An open map from string keys.
    Map(Box<FieldType>),
}

/// An enum of string values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EnumDef {
    /// Rust name.
    pub name: String,
    /// Doc text.
    pub description: Option<String>,
    /// Values, in spec order.
    pub values: Vec<EnumValue>,
    /// Reachable from a response, so it gets an `Unknown(UnknownValue)` variant and `#[non_exhaustive]`.
    pub open: bool,
    /// For a state: the variants each variant may change to, in spec order.
    pub transitions: Vec<Transition>,
}

/// One enum value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EnumValue {
    /// The wire value.
    pub wire: String,
    /// The Rust variant name.
    pub variant: String,
    /// Doc text.
    pub description: Option<String>,
    /// Where the value comes from.
    pub provenance: Provenance,
}

/// An endpoint's result codes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResultCodeSet {
    /// Rust name of the enum.
    pub name: String,
    /// What the codes cover, for a shared table.
    pub description: Option<String>,
    /// Codes in spec order.
    pub codes: Vec<ResultCodeDef>,
}

/// One documented result code.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResultCodeDef {
    /// The wire value.
    pub code: String,
    /// The Rust variant name.
    pub variant: String,
    /// `S`, `F` or `U`.
    pub status: ResultStatus,
    /// The documented message.
    pub message: String,
    /// Where the code and its status come from.
    pub provenance: Provenance,
}

/// A documented result status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResultStatus {
    /// `S`
    Success,
    /// `F`
    Failure,
    /// `U`
    Unknown,
}
