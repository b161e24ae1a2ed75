//! Wire protocols: what `api.protocols` declares, checked, and which one each endpoint speaks
//! (its own `protocol`, else its group's, else `api.default_protocol`, else the header
//! protocol). Two envelopes exist, because the runtime implements two; the spec chooses
//! between them and the documented variants of the v1 one.

use std::collections::BTreeMap;

use super::citations::{limit, resolve};
use super::provenance::{Limit, Provenance};
use super::report::Reporter;
use crate::document::raw::{Constraint, Located, ProtocolSpec};

/// The protocol of an endpoint that names none, in a spec that declares no default.
pub(crate) const HEADERS: &str = "headers";

/// The protocol one endpoint speaks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum WireProtocol {
    /// Identity, time and signature in HTTP headers.
    Headers,
    /// The v1 head/body envelope (boxed: it is most of the size, and rare).
    HeadBody(Box<HeadBodyDef>),
}

/// A v1 endpoint's envelope: its family's rules and its `function`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HeadBodyDef {
    /// The rules, as the protocol declares them.
    pub rules: HeadBodyRules,
    /// The head's `function`.
    pub function: String,
}

impl WireProtocol {
    /// Whether it signs SHA1withRSA, which the runtime builds only with its `sha1` feature
    /// (the group features the CLI writes turn it on).
    pub(crate) fn needs_sha1(&self) -> bool {
        matches!(self, Self::HeadBody(def)
            if def.rules.algorithm.value == SignatureAlgorithm::Sha1WithRsa)
    }
}

/// A declared protocol.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ProtocolRules {
    /// The header protocol.
    Headers,
    /// A v1 family's envelope rules (boxed: it is most of the size).
    HeadBody(Box<HeadBodyRules>),
}

/// How a family of v1 endpoints signs and writes its envelope, each fact with its provenance.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HeadBodyRules {
    /// The protocol's name in the spec.
    pub name: String,
    /// What it is.
    pub description: Option<String>,
    /// The head's `version`.
    pub version: Limit<String>,
    /// Which bytes of the `request` value are signed.
    pub signed: Limit<SignedPart>,
    /// The signature algorithm.
    pub algorithm: Limit<SignatureAlgorithm>,
    /// How the signature is written.
    pub encoding: Limit<SignatureEncoding>,
}

/// Which bytes of the `request` value are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignedPart {
    /// The value, braces included.
    Value,
    /// Between the value's outer braces.
    Members,
}

/// An RSASSA-PKCS1-v1_5 algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatureAlgorithm {
    /// `SHA256withRSA`
    Sha256WithRsa,
    /// `SHA1withRSA`
    Sha1WithRsa,
}

/// How a signature is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatureEncoding {
    /// `base64`
    Base64,
    /// `base64_url`: base64, then URL-encoded.
    Base64UrlEncoded,
}

// Each value's spelling in the spec and its runtime variant, in one place for the reader, the
// emitter, the docs and the OpenAPI export.
impl SignedPart {
    const ALL: [(Self, &'static str, &'static str); 2] = [
        (Self::Value, "value", "Value"),
        (Self::Members, "members", "Members"),
    ];
}

impl SignatureAlgorithm {
    const ALL: [(Self, &'static str, &'static str); 2] = [
        (Self::Sha256WithRsa, "SHA256withRSA", "Sha256WithRsa"),
        (Self::Sha1WithRsa, "SHA1withRSA", "Sha1WithRsa"),
    ];
}

impl SignatureEncoding {
    const ALL: [(Self, &'static str, &'static str); 2] = [
        (Self::Base64, "base64", "Base64"),
        (Self::Base64UrlEncoded, "base64_url", "Base64UrlEncoded"),
    ];
}

macro_rules! spellings {
    ($($ty:ident),*) => {$(
        impl $ty {
            /// As the spec writes it (the docs and the OpenAPI export say it so).
            #[cfg_attr(not(feature = "openapi"), allow(dead_code))]
            pub(crate) fn spec_name(self) -> &'static str {
                Self::ALL.iter().find(|(v, ..)| *v == self).map_or("", |(_, s, _)| s)
            }

            /// The runtime's variant name.
            pub(crate) fn variant(self) -> &'static str {
                Self::ALL.iter().find(|(v, ..)| *v == self).map_or("", |(.., r)| r)
            }

            fn from_spec(text: &str) -> Option<Self> {
                Self::ALL.iter().find(|(_, s, _)| *s == text).map(|(v, ..)| *v)
            }
        }
    )*};
}

spellings!(SignedPart, SignatureAlgorithm, SignatureEncoding);

/// Checks `api.protocols`: names unique, envelopes known, a `head_body` protocol's facts
/// given (with their provenance) and a `headers` one's not.
pub(crate) fn build_protocols(
    report: &mut Reporter<'_>,
    specs: &[ProtocolSpec],
) -> BTreeMap<String, ProtocolRules> {
    let mut protocols = BTreeMap::new();
    for spec in specs {
        let name = &spec.name.value;
        let path = format!("api.protocols[{name}]");
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            report.error(
                &spec.name,
                &path,
                "a protocol name is lowercase letters, digits and `-`, such as `v1`",
            );
            continue;
        }
        let Some(rules) = build_rules(report, &path, spec) else {
            continue;
        };
        if protocols.insert(name.clone(), rules).is_some() {
            report.error(
                &spec.name,
                &path,
                format!("protocol `{name}` is declared twice"),
            );
        }
    }
    protocols
}

/// One protocol's rules; `None` (reported) when its envelope is unknown.
pub(crate) fn build_rules(
    report: &mut Reporter<'_>,
    path: &str,
    spec: &ProtocolSpec,
) -> Option<ProtocolRules> {
    let facts = [
        ("version", spec.version.as_ref().map(|f| f.at)),
        ("signed", spec.signed.as_ref().map(|f| f.at)),
        ("algorithm", spec.algorithm.as_ref().map(|f| f.at)),
        (
            "signature_encoding",
            spec.signature_encoding.as_ref().map(|f| f.at),
        ),
    ];
    match spec.envelope.value.as_str() {
        "headers" => {
            for (fact, at) in facts {
                if let Some(at) = at {
                    report.error_at(
                        at,
                        &format!("{path}.{fact}"),
                        "the header protocol's signing is fixed (SHA256withRSA over `METHOD path LF client-id.time.body`, in the Signature header): only `head_body` protocols say this",
                    );
                }
            }
            Some(ProtocolRules::Headers)
        }
        "head_body" => {
            let own = resolve(
                report,
                path,
                spec.name.at,
                (spec.source.as_ref(), spec.inferred.as_ref()),
                None,
                "a protocol",
            );
            let path = (path, spec.name.at);
            let version = fact(report, path, "version", &spec.version, &own, |v| {
                (!v.is_empty() && !v.contains(char::is_whitespace)).then(|| v.to_owned())
            });
            let signed = fact(
                report,
                path,
                "signed",
                &spec.signed,
                &own,
                SignedPart::from_spec,
            );
            let algorithm = fact(
                report,
                path,
                "algorithm",
                &spec.algorithm,
                &own,
                SignatureAlgorithm::from_spec,
            );
            let encoding = fact(
                report,
                path,
                "signature_encoding",
                &spec.signature_encoding,
                &own,
                SignatureEncoding::from_spec,
            );
            Some(ProtocolRules::HeadBody(Box::new(HeadBodyRules {
                name: spec.name.value.clone(),
                description: spec.description.clone(),
                version: version?,
                signed: signed?,
                algorithm: algorithm?,
                encoding: encoding?,
            })))
        }
        other => {
            report.error(
                &spec.envelope,
                &format!("{path}.envelope"),
                format!("unknown envelope `{other}`, expected `headers` or `head_body`"),
            );
            None
        }
    }
}

/// One required fact of a `head_body` protocol, read by `read` (which says whether the text
/// is one it knows).
fn fact<T: Clone>(
    report: &mut Reporter<'_>,
    (path, at): (&str, crate::document::raw::Position),
    name: &str,
    spec: &Option<Located<Constraint<String>>>,
    own: &Provenance,
    read: impl Fn(&str) -> Option<T>,
) -> Option<Limit<T>> {
    let path = format!("{path}.{name}");
    let Some(spec) = spec else {
        report.error_at(
            at,
            &path,
            format!("a `head_body` protocol states its `{name}`"),
        );
        return None;
    };
    let text = limit(report, &path, spec, own);
    let Some(value) = read(&text.value) else {
        let expected = match name {
            "signed" => "`value` or `members`",
            "algorithm" => "`SHA256withRSA` or `SHA1withRSA`",
            "signature_encoding" => "`base64` or `base64_url`",
            _ => "a version without spaces, such as `2.0.0`",
        };
        report.error(spec, &path, format!("`{}` is not {expected}", text.value));
        return None;
    };
    Some(Limit {
        value,
        provenance: text.provenance,
    })
}

/// The protocol named `name` for an endpoint with `function`, reported at `at` when unknown
/// or when the function does not fit it.
pub(crate) fn endpoint_protocol(
    report: &mut Reporter<'_>,
    protocols: &BTreeMap<String, ProtocolRules>,
    name: &Located<String>,
    function: Option<&Located<String>>,
) -> Option<WireProtocol> {
    let rules = match protocols.get(&name.value) {
        Some(rules) => rules,
        None if name.value == HEADERS => &ProtocolRules::Headers,
        None => {
            let mut known: Vec<&str> = protocols.keys().map(String::as_str).collect();
            if !protocols.contains_key(HEADERS) {
                known.insert(0, HEADERS);
            }
            report.error(
                name,
                "endpoint.protocol",
                format!(
                    "unknown protocol `{}`, expected one of: {}",
                    name.value,
                    known.join(", ")
                ),
            );
            return None;
        }
    };
    match (rules, function) {
        (ProtocolRules::Headers, None) => Some(WireProtocol::Headers),
        (ProtocolRules::Headers, Some(function)) => {
            report.error(
                function,
                "endpoint.function",
                format!(
                    "`{}` speaks the header protocol, which has no `function`",
                    name.value
                ),
            );
            None
        }
        (ProtocolRules::HeadBody(_), None) => {
            report.error(
                name,
                "endpoint.function",
                format!("a `{}` endpoint names its head's `function`, such as `alipay.intl.oauth.auth.prepareForRedirect`", name.value),
            );
            None
        }
        (ProtocolRules::HeadBody(rules), Some(function)) => {
            let fits = function.value.split('.').all(|part| {
                !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            });
            if !fits {
                report.error(
                    function,
                    "endpoint.function",
                    "a function is dot-separated names, such as `alipay.intl.oauth.auth.prepareForRedirect`",
                );
                return None;
            }
            Some(WireProtocol::HeadBody(Box::new(HeadBodyDef {
                rules: (**rules).clone(),
                function: function.value.clone(),
            })))
        }
    }
}

/// Gives every endpoint its protocol: its own `protocol`, else its group's, else
/// `api.default_protocol`, else the header protocol. An unknown name in a group or the default
/// is reported there, once.
pub(crate) fn assign_protocols(
    errors: &mut Vec<crate::error::SpecError>,
    doc_sources: &BTreeMap<String, super::DocSource>,
    sources: &crate::document::SpecSources,
    protocols: &BTreeMap<String, ProtocolRules>,
    endpoints: &mut BTreeMap<String, super::EndpointDef>,
) {
    let (api_source, api_doc) = &sources.api;
    let known = |name: &str| name == HEADERS || protocols.contains_key(name);
    let mut report = Reporter::without_provenance(&api_source.path, errors, doc_sources);
    let default = api_doc.api.default_protocol.as_ref();
    if let Some(name) = default.filter(|n| !known(&n.value)) {
        report.error(
            name,
            "api.default_protocol",
            format!("unknown protocol `{}`", name.value),
        );
    }
    let mut by_group = BTreeMap::new();
    for group in &api_doc.api.groups {
        if let Some(name) = &group.protocol {
            if known(&name.value) {
                by_group.insert(group.name.value.clone(), name);
            } else {
                report.error(
                    name,
                    &format!("api.groups[{}].protocol", group.name.value),
                    format!("unknown protocol `{}`", name.value),
                );
            }
        }
    }
    for (source, doc) in &sources.endpoints {
        let spec = &doc.endpoint;
        let Some(endpoint) = endpoints.get_mut(&spec.name.value) else {
            continue;
        };
        let mut report = Reporter::without_provenance(&source.path, errors, doc_sources);
        let inherited = endpoint
            .group
            .as_ref()
            .and_then(|g| by_group.get(g).copied())
            .or(default.filter(|n| known(&n.value)));
        let name = match (&spec.protocol, inherited) {
            (Some(own), _) => own.clone(),
            (None, Some(inherited)) => Located {
                value: inherited.value.clone(),
                at: spec.name.at,
            },
            (None, None) => Located {
                value: HEADERS.to_owned(),
                at: spec.name.at,
            },
        };
        if let Some(protocol) =
            endpoint_protocol(&mut report, protocols, &name, spec.function.as_ref())
        {
            endpoint.protocol = protocol;
        }
    }
}
