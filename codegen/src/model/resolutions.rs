//! How an endpoint's unknown outcome is settled (`resolution:`), checked against the endpoints
//! it names once every endpoint is read: the inquiry and the cancel exist, share the group,
//! and can be built from the carried fields; the outcome field and the "not found" codes are
//! the inquiry's.

use std::collections::BTreeMap;

use super::citations::resolve;
use super::report::Reporter;
use super::{DocSource, EndpointDef, FieldType, Flow, Provenance, ResultCodeSet, TypeKind};
use crate::document::SpecSources;
use crate::document::raw::{Located, ResolutionSpec};
use crate::error::SpecError;

/// The procedure that settles an endpoint's unknown outcome.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResolutionDef {
    /// Request fields (wire names) carried into the inquiry and the cancel.
    pub carry: Vec<String>,
    /// The endpoint that reads the outcome; `None` when re-sending the call does.
    pub inquire_with: Option<String>,
    /// The inquiry response's field holding the call's result.
    pub outcome: Option<String>,
    /// Inquiry codes meaning the call never arrived.
    pub not_found: Vec<String>,
    /// The endpoint that ends the call at the deadline.
    pub cancel_with: Option<String>,
    /// Where the procedure comes from.
    pub provenance: Provenance,
}

/// Checks every endpoint's `resolution` and records it in the model.
pub(crate) fn assign_resolutions(
    errors: &mut Vec<SpecError>,
    doc_sources: &BTreeMap<String, DocSource>,
    unstated: &mut Vec<SpecError>,
    sources: &SpecSources,
    tables: &BTreeMap<String, ResultCodeSet>,
    endpoints: &mut BTreeMap<String, EndpointDef>,
) {
    for (source, doc) in &sources.endpoints {
        let Some(spec) = &doc.endpoint.resolution else {
            continue;
        };
        let mut report = Reporter {
            file: &source.path,
            errors,
            doc_sources,
            unstated: Some(unstated),
        };
        let name = &doc.endpoint.name.value;
        let Some(endpoint) = endpoints.get(name) else {
            continue;
        };
        if let Some(def) = check(&mut report, spec, endpoint, endpoints, tables)
            && let Some(endpoint) = endpoints.get_mut(name)
        {
            endpoint.resolution = Some(def);
        }
    }
}

fn check(
    report: &mut Reporter<'_>,
    located: &Located<ResolutionSpec>,
    endpoint: &EndpointDef,
    endpoints: &BTreeMap<String, EndpointDef>,
    tables: &BTreeMap<String, ResultCodeSet>,
) -> Option<ResolutionDef> {
    let spec = &located.value;
    let path = "endpoint.resolution";
    let provenance = resolve(
        report,
        path,
        located.at,
        (spec.source.as_ref(), spec.inferred.as_ref()),
        None,
        "a resolution",
    );
    let before = report.errors.len();
    if endpoint.flow != Flow::Outbound {
        report.error(
            located,
            path,
            "only a call you make has an outcome to settle",
        );
    }
    // The key names the intent in the store, and makes a re-send the same call.
    if endpoint
        .idempotency
        .as_ref()
        .is_none_or(|i| i.key.is_empty())
    {
        report.error(
            located,
            path,
            "a resolution needs an `idempotency` key: it names the call in the intent store, and makes a re-send the same call",
        );
    }
    let own_fields: Vec<&str> = endpoint
        .request
        .fields
        .iter()
        .map(|f| f.wire_name.as_str())
        .collect();
    for field in &spec.carry {
        if !own_fields.contains(&field.value.as_str()) {
            report.error(
                field,
                &format!("{path}.carry"),
                format!(
                    "`{}` is not a field of {}'s request",
                    field.value, endpoint.name
                ),
            );
        }
    }
    let mut partner = |which: &str, name: &Option<Located<String>>| -> Option<&EndpointDef> {
        let name = name.as_ref()?;
        let field = format!("{path}.{which}");
        let Some(other) = endpoints.get(&name.value) else {
            report.error(name, &field, format!("unknown endpoint `{}`", name.value));
            return None;
        };
        if other.flow != Flow::Outbound || other.group != endpoint.group {
            report.error(
                name,
                &field,
                format!(
                    "`{}` must be a call you make, in `{}`'s group",
                    other.name, endpoint.name
                ),
            );
        }
        // Every field the other request requires is carried, with the same type.
        for required in other.request.fields.iter().filter(|f| f.required) {
            let carried = spec.carry.iter().any(|c| c.value == required.wire_name);
            let same = endpoint
                .request
                .fields
                .iter()
                .find(|f| f.wire_name == required.wire_name)
                .is_some_and(|f| same_on_the_wire(&f.ty, &required.ty));
            if !carried || !same {
                report.error(
                    name,
                    &field,
                    format!(
                        "`{}` requires `{}`: carry it, from a field of the same name and type",
                        other.name, required.wire_name
                    ),
                );
            }
        }
        Some(other)
    };
    let inquiry = partner("inquire_with", &spec.inquire_with);
    partner("cancel_with", &spec.cancel_with);
    match inquiry {
        Some(inquiry) => {
            if let Some(outcome) = &spec.outcome {
                let known = inquiry
                    .response
                    .declared()
                    .is_some_and(|r| r.fields.iter().any(|f| f.wire_name == outcome.value));
                if !known {
                    report.error(
                        outcome,
                        &format!("{path}.outcome"),
                        format!(
                            "`{}` is not a field of {}'s response",
                            outcome.value, inquiry.name
                        ),
                    );
                }
            }
            let codes = inquiry.result_codes.set(tables);
            for code in &spec.not_found {
                if !codes.is_some_and(|set| set.codes.iter().any(|c| c.code == code.value)) {
                    report.error(
                        code,
                        &format!("{path}.not_found"),
                        format!(
                            "`{}` is not one of {}'s result codes",
                            code.value, inquiry.name
                        ),
                    );
                }
            }
        }
        None if spec.inquire_with.is_none() => {
            if let Some(outcome) = spec.outcome.as_ref().or(spec.not_found.first()) {
                report.error(
                    outcome,
                    path,
                    "`outcome` and `not_found` describe an `inquire_with` endpoint",
                );
            }
        }
        None => {}
    }
    (report.errors.len() == before).then(|| ResolutionDef {
        carry: spec.carry.iter().map(|c| c.value.clone()).collect(),
        inquire_with: spec.inquire_with.as_ref().map(|e| e.value.clone()),
        outcome: spec.outcome.as_ref().map(|o| o.value.clone()),
        not_found: spec.not_found.iter().map(|c| c.value.clone()).collect(),
        cancel_with: spec.cancel_with.as_ref().map(|e| e.value.clone()),
        provenance,
    })
}

/// Whether a value of `a` reads as `b`: the same type, or text either way (an identifier is a
/// string on the wire, and the carry goes through JSON).
fn same_on_the_wire(a: &FieldType, b: &FieldType) -> bool {
    let text = |t: &FieldType| match t {
        FieldType::String => true,
        FieldType::Named(named) => named.kind == TypeKind::Identifier,
        _ => false,
    };
    a == b || (text(a) && text(b))
}
