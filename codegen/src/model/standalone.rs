//! The attribute front door's way into the model: one endpoint or one object, checked by the
//! same code as the YAML spec, with no `api.yaml` around it. Type names the model does not
//! declare are taken as existing Rust types in scope where the attribute is written.

use std::collections::BTreeMap;

use super::build::{Shared, build_endpoint};
use super::fields::build_object;
use super::protocols::{build_rules, endpoint_protocol};
use super::reach::mark_reachability;
use super::report::Reporter;
use super::scope::Scope;
use super::*;
use crate::document::raw::{EndpointSpec, ProtocolSpec, TypeSpec};
use crate::error::SpecErrors;

/// Which side of a call an object travels on, which decides what the model gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ObjectRole {
    /// Sent: validated before sending; its enums are closed.
    Request,
    /// Received: never validated; its enums keep values this version does not know.
    Response,
}

/// Checks one endpoint and returns an [`Api`] holding only it.
pub(crate) fn endpoint_alone(
    spec: &EndpointSpec,
    existing: &ExistingTypes,
    source: &SourceFile,
    protocol: Option<&ProtocolSpec>,
) -> Result<Api, SpecErrors> {
    let mut errors = Vec::new();
    let no_sources = BTreeMap::new();
    let mut report = Reporter::without_provenance(&source.path, &mut errors, &no_sources);
    let no_kinds = BTreeMap::new();
    let no_types = BTreeMap::new();
    let endpoint = build_endpoint(
        &mut report,
        &mut BTreeMap::new(),
        &Shared {
            kinds: &no_kinds,
            types: &no_types,
            tables: &BTreeMap::new(),
        },
        spec,
        existing,
        source,
        true,
    );
    let mut protocols = BTreeMap::new();
    if let Some(protocol) = protocol
        && let Some(rules) = build_rules(&mut report, "head_body", protocol)
    {
        protocols.insert(protocol.name.value.clone(), rules);
    }
    let wire = spec
        .protocol
        .as_ref()
        .and_then(|name| endpoint_protocol(&mut report, &protocols, name, spec.function.as_ref()));
    let endpoint = endpoint.map(|mut endpoint| {
        endpoint.protocol = wire.unwrap_or(WireProtocol::Headers);
        endpoint
    });
    match endpoint {
        Some(endpoint) if errors.is_empty() => {
            let mut api = alone_api(&endpoint.name, source);
            api.endpoints.insert(endpoint.name.clone(), endpoint);
            mark_reachability(&mut api);
            Ok(api)
        }
        _ => Err(SpecErrors(errors)),
    }
}

/// Checks one object (`spec.kind` is `object`) and returns an [`Api`] whose shared types are
/// that object and the enums its fields declare.
pub(crate) fn object_alone(
    spec: &TypeSpec,
    role: ObjectRole,
    source: &SourceFile,
) -> Result<Api, SpecErrors> {
    let mut errors = Vec::new();
    let no_sources = BTreeMap::new();
    let mut report = Reporter::without_provenance(&source.path, &mut errors, &no_sources);
    let no_kinds = BTreeMap::new();
    let no_types = BTreeMap::new();
    let name = &spec.name.value;
    let mut scope =
        Scope::new(&no_kinds, &no_types, TypeHome::Shared, name).with_existing_types(true);
    let mut object = build_object(
        &mut report,
        &mut scope,
        &format!("types[{name}]"),
        name,
        spec.description.clone(),
        spec.fields.as_deref().unwrap_or_default(),
        &spec.rules,
    );
    object.validated = role == ObjectRole::Request;
    if !errors.is_empty() {
        return Err(SpecErrors(errors));
    }
    let mut api = alone_api(name, source);
    for (type_name, (mut def, _)) in scope.into_local() {
        if let TypeDef::Enum(e) = &mut def {
            e.open = role == ObjectRole::Response;
        }
        api.shared_types.insert(type_name, def);
    }
    api.shared_types
        .insert(name.clone(), TypeDef::Object(object));
    Ok(api)
}

fn alone_api(name: &str, source: &SourceFile) -> Api {
    Api {
        name: name.to_owned(),
        crate_name: "alipayhk".to_owned(),
        description: None,
        example: None,
        headers: Vec::new(),
        shared_types: BTreeMap::new(),
        result_code_tables: BTreeMap::new(),
        endpoints: BTreeMap::new(),
        groups: BTreeMap::new(),
        doc_sources: BTreeMap::new(),
        source: source.clone(),
    }
}
