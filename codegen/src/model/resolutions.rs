//! How an endpoint's unknown outcome is settled (`resolution:`), checked against the endpoints
//! it names once every endpoint is read: the inquiry and the cancel exist, share the group,
//! and can be built from the carried fields; the outcome field (or the state `reached`) and
//! the "not found" codes are the inquiry's.

use std::collections::BTreeMap;

use super::citations::resolve;
use super::cross_checks::CrossChecks;
use super::report::Reporter;
use super::{EndpointDef, FieldType, Flow, Provenance, ResultCodeSet, TypeKind};
use crate::document::raw::{Located, ReachedSpec, ResolutionSpec};

/// The procedure that settles an endpoint's unknown outcome.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResolutionDef {
    /// Request fields carried into the inquiry and the cancel.
    pub carry: Vec<Carried>,
    /// The endpoint that reads the outcome; `None` when re-sending the call does.
    pub inquire_with: Option<String>,
    /// The inquiry response's field holding the call's result.
    pub outcome: Option<String>,
    /// Instead of `outcome`: the call is done when the inquiry's response field (`.0`) equals
    /// the call's request field (`.1`).
    pub reached: Option<(String, String)>,
    /// Inquiry codes meaning the call never arrived.
    pub not_found: Vec<String>,
    /// The endpoint that ends the call at the deadline.
    pub cancel_with: Option<String>,
    /// Where the procedure comes from.
    pub provenance: Provenance,
}

/// A field carried out of the call's request (wire names).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Carried {
    /// The inquiry's (and the cancel's) field.
    pub to: String,
    /// The call's field that fills it: the same name unless the spec renames it.
    pub from: String,
}

/// Checks every endpoint's `resolution` and records it in the model.
pub(super) fn assign_resolutions(
    cross: &mut CrossChecks<'_>,
    tables: &BTreeMap<String, ResultCodeSet>,
    endpoints: &mut BTreeMap<String, EndpointDef>,
) {
    cross.each(
        endpoints,
        |doc| doc.endpoint.resolution.as_ref(),
        |report, spec, endpoint, endpoints| check(report, spec, endpoint, endpoints, tables),
        |endpoint, def| endpoint.resolution = Some(def),
    );
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
    // Re-sending is the same call only under an idempotency key. Without one, the call may
    // still be read (and `reached` sends it again only once the read shows it did not
    // happen); its intent is named by a fresh id.
    let idempotent = endpoint
        .idempotency
        .as_ref()
        .is_some_and(|i| !i.key.is_empty());
    if !idempotent && (spec.inquire_with.is_none() || !spec.not_found.is_empty()) {
        report.error(
            located,
            path,
            "without an `idempotency` key, a call is not safe to send again: read it with `inquire_with`, without `not_found` (which sends it again), or give it a key",
        );
    }
    let own_fields: Vec<&str> = endpoint
        .request
        .fields
        .iter()
        .map(|f| f.wire_name.as_str())
        .collect();
    let own = |name: &str| own_fields.contains(&name);
    for field in &spec.carry {
        if !own(field.value.from()) {
            report.error(
                field,
                &format!("{path}.carry"),
                format!(
                    "`{}` is not a field of {}'s request",
                    field.value.from(),
                    endpoint.name
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
        // Every field the other request requires is carried, from a field of the same type.
        for required in other.request.fields.iter().filter(|f| f.required) {
            let from = spec
                .carry
                .iter()
                .find(|c| c.value.to() == required.wire_name)
                .map(|c| c.value.from());
            let same = from.is_some_and(|from| {
                endpoint
                    .request
                    .fields
                    .iter()
                    .find(|f| f.wire_name == from)
                    .is_some_and(|f| same_on_the_wire(&f.ty, &required.ty))
            });
            if !same {
                report.error(
                    name,
                    &field,
                    format!(
                        "`{}` requires `{}`: carry it, from a field of the same type",
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
            if let Some(reached) = &spec.reached {
                check_reached(report, reached, spec, endpoint, inquiry);
            }
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
            let at = (spec.outcome.as_ref().map(|o| o.at))
                .or(spec.not_found.first().map(|c| c.at))
                .or(spec.reached.as_ref().map(|r| r.at));
            if let Some(at) = at {
                report.error(
                    &Located::new((), at),
                    path,
                    "`outcome`, `reached` and `not_found` describe an `inquire_with` endpoint",
                );
            }
        }
        None => {}
    }
    (report.errors.len() == before).then(|| ResolutionDef {
        carry: spec
            .carry
            .iter()
            .map(|c| Carried {
                to: c.value.to().to_owned(),
                from: c.value.from().to_owned(),
            })
            .collect(),
        inquire_with: spec.inquire_with.as_ref().map(|e| e.value.clone()),
        outcome: spec.outcome.as_ref().map(|o| o.value.clone()),
        reached: spec
            .reached
            .as_ref()
            .map(|r| (r.value.field.value.clone(), r.value.equals.value.clone())),
        not_found: spec.not_found.iter().map(|c| c.value.clone()).collect(),
        cancel_with: spec.cancel_with.as_ref().map(|e| e.value.clone()),
        provenance,
    })
}

/// `reached`: instead of `outcome` and `not_found`, a field of the inquiry's response that
/// holds what the call sets, compared as text with one of the call's request fields.
fn check_reached(
    report: &mut Reporter<'_>,
    located: &Located<ReachedSpec>,
    spec: &ResolutionSpec,
    endpoint: &EndpointDef,
    inquiry: &EndpointDef,
) {
    let path = "endpoint.resolution.reached";
    if spec.outcome.is_some() || !spec.not_found.is_empty() {
        report.error(
            located,
            path,
            "`reached` reads a state, so `outcome` and `not_found` (which read a result) do not apply",
        );
    }
    let reached = &located.value;
    let theirs = inquiry
        .response
        .declared()
        .and_then(|r| r.fields.iter().find(|f| f.wire_name == reached.field.value));
    let ours = (endpoint.request.fields.iter()).find(|f| f.wire_name == reached.equals.value);
    match (theirs, ours) {
        (None, _) => report.error(
            &reached.field,
            &format!("{path}.field"),
            format!(
                "`{}` is not a field of {}'s response",
                reached.field.value, inquiry.name
            ),
        ),
        (_, None) => report.error(
            &reached.equals,
            &format!("{path}.equals"),
            format!(
                "`{}` is not a field of {}'s request",
                reached.equals.value, endpoint.name
            ),
        ),
        (Some(theirs), Some(ours)) if !(textual(&theirs.ty) && textual(&ours.ty)) => report
            .error(
                located,
                path,
                format!(
                    "`{}` and `{}` are compared as text, so each must be text, an identifier or an enum",
                    reached.field.value, reached.equals.value
                ),
            ),
        _ => {}
    }
}

/// Whether a value of `ty` is text on the wire.
fn textual(ty: &FieldType) -> bool {
    match ty {
        FieldType::String => true,
        FieldType::Named(named) => matches!(named.kind, TypeKind::Identifier | TypeKind::Enum),
        _ => false,
    }
}

/// Whether a value of `a` reads as `b`: the same type, or text either way (an identifier is a
/// string on the wire, and the carry goes through JSON).
pub(super) fn same_on_the_wire(a: &FieldType, b: &FieldType) -> bool {
    let text = |t: &FieldType| match t {
        FieldType::String => true,
        FieldType::Named(named) => named.kind == TypeKind::Identifier,
        _ => false,
    };
    a == b || (text(a) && text(b))
}
