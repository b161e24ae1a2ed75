//! One module per endpoint: its request, response, inline types, result codes and the
//! `Endpoint` implementation that lets the runtime send it.

use super::enums::value_enum;
use super::identifier::identifier;
use super::object::struct_items;
use super::result_codes::result_codes;
use crate::describe;
use crate::emit::options::EmitOptions;
use crate::emit::syntax::code::{Delimiter, File};
use crate::emit::syntax::type_paths::{Site, literal};
use crate::emit::syntax::{Code, Line, call, items, list, seq, struct_literal};
use crate::model::{Api, EndpointDef, HttpMethod, ResultCodes, TypeDef};

/// `cfg(feature = "<group>")` for an endpoint in a group: what keeps its module, its
/// re-exports and its server methods out of a build without that feature.
pub(crate) fn group_gate(endpoint: &EndpointDef) -> Option<Code> {
    endpoint
        .group
        .as_ref()
        .map(|group| format!("cfg(feature = {})", literal(group)).into())
}

/// `cfg(any(feature = "<group>", ...))` over the groups of `endpoints`, for what only their
/// routes use; `None` when one of them is in no group (it is always compiled).
pub(crate) fn any_group_gate<'a>(endpoints: impl Iterator<Item = &'a EndpointDef>) -> Option<Code> {
    let mut groups = std::collections::BTreeSet::new();
    for endpoint in endpoints {
        groups.insert(endpoint.group.as_deref()?);
    }
    groups_gate(&groups)
}

/// `cfg(feature = "<group>")`, or `cfg(any(...))` over several groups.
pub(crate) fn groups_gate(groups: &std::collections::BTreeSet<&str>) -> Option<Code> {
    let features = groups
        .iter()
        .map(|group| format!("feature = {}", literal(group)).into());
    Some(match groups.len() {
        1 => format!("cfg(feature = {})", literal(groups.first()?)).into(),
        _ => call("cfg", [call("any", features)]),
    })
}

/// The whole module file of an endpoint.
pub(crate) fn module_file(api: &Api, endpoint: &EndpointDef, options: &EmitOptions) -> File {
    let mut items = Vec::new();
    if options.serde_crate.is_none() {
        items.push(Line::from(Code::from(
            "use serde::{Deserialize, Serialize};",
        )));
    }
    items.extend(endpoint_items(api, endpoint, options));
    File {
        docs: describe::module_page(api, endpoint),
        items,
    }
}

/// The items of an endpoint, without module docs or imports: what the attribute macro emits.
pub(crate) fn endpoint_items(
    api: &Api,
    endpoint: &EndpointDef,
    options: &EmitOptions,
) -> Vec<Line> {
    let module = Some(endpoint.module.as_str());
    let object = |def| struct_items(api, def, Site::Endpoint, options, module);
    let mut lines = object(&endpoint.request);
    // Searching the docs for the API's own name (`updatePass`) finds the types.
    lines[0].attributes.insert(
        0,
        format!("doc(alias = {})", literal(&endpoint.name)).into(),
    );
    lines.push(endpoint_impl(endpoint, options));
    if let Some(response) = endpoint.response.declared() {
        lines.extend(object(response));
    }
    if let Some(codes) = endpoint.result_codes.declared() {
        let covers = format!("Result codes documented for `{}`.", endpoint.name);
        lines.extend(result_codes(codes, &covers, options));
    }
    for def in endpoint.types.values() {
        lines.extend(match def {
            TypeDef::Object(o) => object(o),
            TypeDef::Enum(e) => value_enum(e, options),
            TypeDef::Identifier(i) => identifier(i, options),
        });
    }
    lines
}

fn endpoint_impl(endpoint: &EndpointDef, options: &EmitOptions) -> Line {
    let rt = &options.runtime;
    let codes = match &endpoint.result_codes {
        ResultCodes::Shared(name) => format!("super::types::{name}"),
        other => other.type_name().to_owned(),
    };
    let method = match endpoint.method {
        HttpMethod::Get => "Get",
        HttpMethod::Post => "Post",
        HttpMethod::Put => "Put",
        HttpMethod::Delete => "Delete",
    };
    let mut lines: Vec<Line> = [
        format!("type Response = {};", endpoint.response.type_name()),
        format!("type ResultCode = {codes};"),
        format!("const NAME: &'static str = {};", literal(&endpoint.name)),
        format!("const METHOD: {rt}::HttpMethod = {rt}::HttpMethod::{method};"),
        format!("const PATH: &'static str = {};", literal(&endpoint.path)),
    ]
    .map(|line| Line::from(Code::from(line)))
    .into();
    if let Some(i) = &endpoint.idempotency {
        let strings = |list_of: &[String]| {
            seq([
                "&".into(),
                list(
                    Delimiter::Bracket,
                    list_of.iter().map(|k| literal(k).into()),
                ),
            ])
        };
        let value = struct_literal(
            &format!("{rt}::Idempotency"),
            [
                seq(["key: ".into(), strings(&i.key)]),
                seq(["already_done: ".into(), strings(&i.already_done)]),
            ],
        );
        lines.push(
            seq([
                format!("const IDEMPOTENCY: Option<{rt}::Idempotency> = ").into(),
                call("Some", [value]),
                ";".into(),
            ])
            .into(),
        );
    }
    if let Some(query) = &endpoint.resolve_unknown_with {
        lines.push(
            Code::from(format!(
                "const RESOLVE_UNKNOWN_WITH: Option<&'static str> = Some({});",
                literal(query)
            ))
            .into(),
        );
    }
    items(
        format!("impl {rt}::Endpoint for {}", endpoint.request.name),
        lines,
    )
    .into()
}
