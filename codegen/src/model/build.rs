//! Checks the raw spec and turns it into the model, reporting every mistake with its location.

use std::collections::{BTreeMap, BTreeSet};

use super::cross_checks::CrossChecks;
use super::fields::{build_object, open_object};
use super::names::{is_lower_camel, is_pascal, module_name, pascal};
pub(super) use super::report::Reporter;
use super::result_codes::{build_idempotency, build_result_codes, endpoint_result_codes};
use super::scope::Scope;
use super::shared_types::{build_shared_enum, build_shared_identifier, shared_type_kinds};
use super::*;
use crate::document::SpecSources;
use crate::document::raw::{EndpointSpec, Located, MessageSpec};
use crate::error::SpecErrors;

/// Checks the parsed spec and builds the model. Every mistake is reported, not just the first.
///
/// Items that say neither where they come from nor why (`source:` / `inferred:`) are reported
/// once the spec has no other mistake: they are lint findings, and a finding about an item
/// that is itself wrong would be noise.
pub(crate) fn build(sources: &SpecSources) -> Result<Api, SpecErrors> {
    let mut errors = Vec::new();
    let mut unstated = Vec::new();
    let (api_source, api_doc) = &sources.api;
    let no_sources = BTreeMap::new();
    let doc_sources = super::citations::build_doc_sources(
        &mut Reporter::without_provenance(&api_source.path, &mut errors, &no_sources),
        &api_doc.sources,
    );
    let mut report = Reporter {
        file: &api_source.path,
        errors: &mut errors,
        doc_sources: &doc_sources,
        unstated: Some(&mut unstated),
    };

    if api_doc.api.name.value.trim().is_empty() {
        report.error(&api_doc.api.name, "api.name", "must not be empty");
    }
    let headers = super::headers::build_headers(&mut report, &api_doc.api.headers);
    let (groups, default_group) = super::groups::build_groups(&mut report, &api_doc.api);
    let protocols = super::protocols::build_protocols(&mut report, &api_doc.api.protocols);
    if let Some(name) = &api_doc.api.crate_name
        && syn::parse_str::<syn::Ident>(&name.value).is_err()
    {
        report.error(
            name,
            "api.crate",
            "a crate name in Rust paths, such as `alipayhk`",
        );
    }

    // Every named type, with where it was declared, so a second declaration is reported.
    let mut declared: BTreeMap<String, (std::path::PathBuf, u32, u32)> = BTreeMap::new();
    let shared_kinds = shared_type_kinds(&mut report, &api_doc.types);
    let mut shared_types = BTreeMap::new();
    // Enums first: objects' rules may compare against a shared enum's values.
    for spec in api_doc.types.iter().filter(|t| t.kind.value == "enum") {
        if let Some(def) = build_shared_enum(&mut report, spec) {
            shared_types.insert(spec.name.value.clone(), def);
        }
    }
    for spec in api_doc
        .types
        .iter()
        .filter(|t| t.kind.value == "identifier")
    {
        shared_types.insert(
            spec.name.value.clone(),
            build_shared_identifier(&mut report, spec),
        );
    }
    let mut inline_shared = BTreeMap::new();
    for spec in api_doc.types.iter().filter(|t| t.kind.value == "object") {
        let field = format!("types[{}]", spec.name.value);
        let Some(fields) = &spec.fields else {
            report.error(&spec.kind, &field, "an object type needs `fields`");
            continue;
        };
        let mut scope = Scope::new(
            &shared_kinds,
            &shared_types,
            TypeHome::Shared,
            &spec.name.value,
        );
        let mut def = build_object(
            &mut report,
            &mut scope,
            &field,
            &spec.name.value,
            spec.description.clone(),
            fields,
            &spec.rules,
        );
        open_object(&mut report, &field, &mut def, spec.open.as_ref());
        inline_shared.extend(scope.into_local());
        shared_types.insert(spec.name.value.clone(), TypeDef::Object(def));
    }
    for spec in &api_doc.types {
        declare(&mut declared, &mut report, &spec.name, &spec.name.value);
    }
    let mut tables = BTreeMap::new();
    for spec in &api_doc.result_code_tables {
        let name = &spec.name.value;
        if !is_pascal(name) {
            report.error(
                &spec.name,
                &format!("result_code_tables[{name}]"),
                "a table name is PascalCase letters and digits, such as `PassResultCode`",
            );
            continue;
        }
        declare(&mut declared, &mut report, &spec.name, name);
        let mut set = build_result_codes(
            &mut report,
            &format!("result_code_tables[{name}]"),
            name,
            &spec.codes,
        );
        set.description = spec.description.clone();
        tables.insert(name.clone(), set);
    }
    for (name, (def, at)) in inline_shared {
        declare(&mut declared, &mut report, &at, &name);
        shared_types.insert(name, def);
    }

    let mut endpoints = BTreeMap::new();
    let mut modules = BTreeSet::new();
    let mut routes = BTreeMap::new();
    for (source, doc) in &sources.endpoints {
        let mut report = Reporter {
            file: &source.path,
            errors: &mut errors,
            doc_sources: &doc_sources,
            unstated: Some(&mut unstated),
        };
        let spec = &doc.endpoint;
        let Some(endpoint) = build_endpoint(
            &mut report,
            &mut declared,
            &Shared {
                kinds: &shared_kinds,
                types: &shared_types,
                tables: &tables,
            },
            spec,
            &ExistingTypes::default(),
            source,
            false,
        ) else {
            continue;
        };
        // One router serves each side's paths: two endpoints at one path would collide.
        let route = (endpoint.flow, endpoint.method, endpoint.path.clone());
        if let Some(other) = routes.insert(route, endpoint.name.clone()) {
            report.error(
                &spec.path,
                "endpoint.path",
                format!(
                    "`{other}` is already served at {} {}",
                    endpoint.method.as_str(),
                    endpoint.path
                ),
            );
            continue;
        }
        if endpoints.contains_key(&endpoint.name) || !modules.insert(endpoint.module.clone()) {
            report.error(
                &spec.name,
                "endpoint.name",
                format!("endpoint `{}` is declared twice", endpoint.name),
            );
            continue;
        }
        endpoints.insert(endpoint.name.clone(), endpoint);
    }
    // A query endpoint may be declared in any file, so it is checked once all are read.
    for (source, doc) in &sources.endpoints {
        let query = doc.endpoint.resolve_unknown_with.as_ref();
        if let Some(query) = query.filter(|q| !endpoints.contains_key(&q.value)) {
            let mut report = Reporter::without_provenance(&source.path, &mut errors, &doc_sources);
            let known: Vec<&str> = endpoints.keys().map(String::as_str).collect();
            report.error(
                query,
                "endpoint.resolve_unknown_with",
                format!(
                    "unknown endpoint `{}`, expected one of: {}",
                    query.value,
                    known.join(", ")
                ),
            );
        }
    }

    super::groups::assign_groups(
        &mut errors,
        &doc_sources,
        sources,
        &groups,
        &default_group,
        &mut endpoints,
    );
    super::protocols::assign_protocols(
        &mut errors,
        &doc_sources,
        sources,
        &protocols,
        &mut endpoints,
    );
    let mut cross = CrossChecks {
        errors: &mut errors,
        doc_sources: &doc_sources,
        unstated: &mut unstated,
        sources,
    };
    super::resolutions::assign_resolutions(&mut cross, &tables, &mut endpoints);
    super::settlements::assign_settlements(&mut cross, &mut endpoints);

    if !errors.is_empty() {
        return Err(SpecErrors(errors));
    }
    if !unstated.is_empty() {
        return Err(SpecErrors(unstated));
    }
    let mut api = Api {
        name: api_doc.api.name.value.clone(),
        crate_name: api_doc
            .api
            .crate_name
            .as_ref()
            .map_or_else(|| "alipayhk".to_owned(), |c| c.value.clone()),
        description: api_doc.api.description.clone(),
        example: api_doc.api.example.clone(),
        headers,
        shared_types,
        result_code_tables: tables,
        endpoints,
        groups,
        doc_sources,
        source: api_source.clone(),
    };
    super::reach::mark_reachability(&mut api);
    Ok(api)
}

fn declare(
    declared: &mut BTreeMap<String, (std::path::PathBuf, u32, u32)>,
    report: &mut Reporter<'_>,
    at: &Located<String>,
    name: &str,
) {
    let here = (report.file.to_path_buf(), at.at.line, at.at.column);
    if let Some((file, line, _)) = declared.get(name) {
        report.error(
            at,
            name,
            format!(
                "type name `{name}` is already used at {}:{line}; set a different `type_name`",
                file.display()
            ),
        );
    } else {
        declared.insert(name.to_owned(), here);
    }
}

/// What `api.yaml` declares that endpoints can refer to.
pub(super) struct Shared<'a> {
    pub(super) kinds: &'a BTreeMap<String, TypeKind>,
    pub(super) types: &'a BTreeMap<String, TypeDef>,
    pub(super) tables: &'a BTreeMap<String, ResultCodeSet>,
}

pub(super) fn build_endpoint(
    report: &mut Reporter<'_>,
    declared: &mut BTreeMap<String, (std::path::PathBuf, u32, u32)>,
    shared: &Shared<'_>,
    spec: &EndpointSpec,
    existing: &ExistingTypes,
    source: &crate::document::SourceFile,
    existing_types: bool,
) -> Option<EndpointDef> {
    let name = &spec.name.value;
    let name_ok = is_lower_camel(name);
    if !name_ok {
        report.error(
            &spec.name,
            "endpoint.name",
            "an endpoint name is lowerCamelCase letters and digits, such as `updatePass`",
        );
    }
    let method = match spec.method.value.as_str() {
        "GET" => Some(HttpMethod::Get),
        "POST" => Some(HttpMethod::Post),
        "PUT" => Some(HttpMethod::Put),
        "DELETE" => Some(HttpMethod::Delete),
        other => {
            report.error(
                &spec.method,
                "endpoint.method",
                format!("unknown method `{other}`, expected one of: GET, POST, PUT, DELETE"),
            );
            None
        }
    };
    if let Err(problem) = check_path(&spec.path.value) {
        report.error(&spec.path, "endpoint.path", problem);
    }
    if spec.summary.value.trim().is_empty() {
        report.error(&spec.summary, "endpoint.summary", "must not be empty");
    }

    let prefix = pascal(name);
    let tables = shared.tables;
    let mut scope = Scope::new(shared.kinds, shared.types, TypeHome::Local, &prefix)
        .owned_by(name)
        .with_existing_types(existing_types);
    let request = build_message(
        report,
        &mut scope,
        "endpoint.request",
        &format!("{prefix}Request"),
        &spec.request,
    );
    let response = match &existing.response {
        Some(existing) => Message::Existing(existing.value.clone()),
        None => Message::Declared(build_message(
            report,
            &mut scope,
            "endpoint.response",
            &format!("{prefix}Response"),
            &spec.response,
        )),
    };
    let result_codes = endpoint_result_codes(
        report,
        tables,
        spec,
        existing.result_codes.as_ref(),
        &prefix,
    );
    let flow = match spec.direction.as_ref().map(|d| d.value.as_str()) {
        None | Some("outbound") => Flow::Outbound,
        Some("inbound") => Flow::Inbound,
        Some(other) => {
            report.error(
                spec.direction.as_ref().unwrap_or(&spec.name),
                "endpoint.direction",
                format!("unknown direction `{other}`, expected `outbound` or `inbound`"),
            );
            Flow::Outbound
        }
    };
    let idempotency = spec
        .idempotency
        .as_ref()
        .map(|idempotency| build_idempotency(report, idempotency, &request, &result_codes, tables));
    // The names derived from the endpoint's own name come first, so a `type_name` that takes
    // one is reported at the `type_name`.
    let generated = std::iter::once(&request.name)
        .chain(response.declared().map(|r| &r.name))
        .chain(result_codes.declared().map(|c| &c.name));
    for generated in generated {
        declare(declared, report, &spec.name, generated);
    }
    let mut types = BTreeMap::new();
    for (type_name, (def, at)) in scope.into_local() {
        declare(declared, report, &at, &type_name);
        types.insert(type_name, def);
    }
    let request_sample = check_sample(report, "endpoint.request.sample", &spec.request, &request);
    let response_sample = response
        .declared()
        .and_then(|r| check_sample(report, "endpoint.response.sample", &spec.response, r));

    Some(EndpointDef {
        name: name.clone(),
        flow,
        // Assigned once groups are (`protocols::assign_protocols`); the attribute front door
        // sets its own.
        protocol: WireProtocol::Headers,
        idempotency,
        resolve_unknown_with: spec.resolve_unknown_with.as_ref().map(|q| q.value.clone()),
        // Checked once every endpoint is read (`resolutions::assign_resolutions`).
        resolution: None,
        settles: None,
        // Assigned once every endpoint is read (`groups::assign_groups`).
        group: None,
        module: module_name(name),
        method: method?,
        path: spec.path.value.clone(),
        summary: spec.summary.value.trim().to_owned(),
        description: spec.description.clone(),
        docs_url: spec.docs_url.clone(),
        request,
        response,
        types,
        result_codes,
        request_sample,
        response_sample,
        source: source.clone(),
    })
    .filter(|_| name_ok)
}

fn build_message(
    report: &mut Reporter<'_>,
    scope: &mut Scope<'_>,
    field: &str,
    name: &str,
    spec: &MessageSpec,
) -> ObjectDef {
    let mut def = build_object(
        report,
        scope,
        field,
        name,
        spec.description.clone(),
        &spec.fields,
        &spec.rules,
    );
    open_object(report, field, &mut def, spec.open.as_ref());
    def
}

/// A path is `/`-separated non-empty segments of URL-safe characters, without query string.
fn check_path(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err(format!("path `{path}` must start with `/`"));
    }
    if path.contains(['?', '#']) {
        return Err(format!(
            "path `{path}` must not carry a query string or fragment: the signature covers the bare path"
        ));
    }
    if let Some(bad) = path
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "/-._~".contains(*c)))
    {
        return Err(format!(
            "path `{path}` contains `{bad}`; allowed: letters, digits, `/`, `-`, `.`, `_`, `~`"
        ));
    }
    if path.len() > 1 && (path.ends_with('/') || path.contains("//")) {
        return Err(format!("path `{path}` has an empty segment"));
    }
    Ok(())
}

/// A sample must be a JSON object whose keys are fields of the message.
fn check_sample(
    report: &mut Reporter<'_>,
    field: &str,
    spec: &MessageSpec,
    def: &ObjectDef,
) -> Option<String> {
    let sample = spec.sample.as_ref()?;
    match serde_json::from_str::<serde_json::Value>(&sample.value) {
        Ok(serde_json::Value::Object(map)) => {
            for key in map.keys() {
                let known = def
                    .fields
                    .iter()
                    .any(|f| &f.wire_name == key || f.aliases.contains(key));
                if !known {
                    report.error(
                        sample,
                        field,
                        format!(
                            "the sample has `{key}`, which is not a field of {}",
                            def.name
                        ),
                    );
                }
            }
            Some(sample.value.trim().to_owned())
        }
        Ok(_) => {
            report.error(sample, field, "a sample is a JSON object");
            None
        }
        Err(e) => {
            report.error(sample, field, format!("the sample is not valid JSON: {e}"));
            None
        }
    }
}
