//! A notification that settles a call's pending intent (`settles:`), checked once every
//! endpoint and resolution is known: the call is one you make with a `resolution`, in the same
//! group; the key fields name it as its intent key does; the outcome field is a result.

use std::collections::{BTreeMap, BTreeSet};

use super::citations::resolve;
use super::cross_checks::CrossChecks;
use super::report::Reporter;
use super::resolutions::same_on_the_wire;
use super::{EndpointDef, FieldType, Flow, Provenance, TypeKind};
use crate::document::raw::{Located, SettlesSpec};

/// The call a notification settles, and where in the notification its key and result are.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SettlesDef {
    /// The call's endpoint name (`pay`).
    pub call: String,
    /// The notification's fields (wire names) holding the call's intent key, in its order.
    pub key: Vec<String>,
    /// The notification's field holding the call's result.
    pub outcome: String,
    /// Where it comes from.
    pub provenance: Provenance,
}

/// Checks every endpoint's `settles` and records it in the model.
pub(super) fn assign_settlements(
    cross: &mut CrossChecks<'_>,
    endpoints: &mut BTreeMap<String, EndpointDef>,
) {
    // A call whose `resolution` is written but wrong is reported at its own file; here it
    // only stops the check, so one mistake is not reported twice.
    let declared: BTreeSet<&str> = (cross.sources.endpoints.iter())
        .filter(|(_, doc)| doc.endpoint.resolution.is_some())
        .map(|(_, doc)| doc.endpoint.name.value.as_str())
        .collect();
    cross.each(
        endpoints,
        |doc| doc.endpoint.settles.as_ref(),
        |report, spec, endpoint, endpoints| check(report, spec, endpoint, endpoints, &declared),
        |endpoint, def| endpoint.settles = Some(def),
    );
}

fn check(
    report: &mut Reporter<'_>,
    located: &Located<SettlesSpec>,
    notification: &EndpointDef,
    endpoints: &BTreeMap<String, EndpointDef>,
    declared: &BTreeSet<&str>,
) -> Option<SettlesDef> {
    let spec = &located.value;
    let path = "endpoint.settles";
    let provenance = resolve(
        report,
        path,
        located.at,
        (spec.source.as_ref(), spec.inferred.as_ref()),
        None,
        "what a notification settles",
    );
    let before = report.errors.len();
    if notification.flow != Flow::Inbound {
        report.error(
            located,
            path,
            "only a notification AlipayHK sends settles a call",
        );
    }
    let field_of = |name: &str| (notification.request.fields.iter()).find(|f| f.wire_name == name);
    let Some(call) = endpoints.get(&spec.call.value) else {
        report.error(
            &spec.call,
            &format!("{path}.call"),
            format!("unknown endpoint `{}`", spec.call.value),
        );
        return None;
    };
    if call.resolution.is_none() && declared.contains(call.name.as_str()) {
        return None;
    }
    if call.resolution.is_none() {
        report.error(
            &spec.call,
            &format!("{path}.call"),
            format!(
                "`{}` has no `resolution`, so no intent of it waits to be settled",
                call.name
            ),
        );
        return None;
    }
    if call.flow != Flow::Outbound || call.group != notification.group {
        report.error(
            &spec.call,
            &format!("{path}.call"),
            format!(
                "`{}` must be a call you make, in `{}`'s group",
                call.name, notification.name
            ),
        );
    }
    // The intent is named by the call's idempotency key: the notification must hold the same
    // values, one for one. (A call without one is named by a fresh id no notification knows.)
    let intent_key: &[String] = call.idempotency.as_ref().map_or(&[], |i| &i.key);
    if intent_key.is_empty() {
        report.error(
            &spec.call,
            &format!("{path}.call"),
            format!(
                "`{}` has no `idempotency` key, so no notification can name its intent",
                call.name
            ),
        );
    } else if spec.key.len() != intent_key.len() {
        report.error(
            located,
            &format!("{path}.key"),
            format!(
                "`{}`'s intents are named by its idempotency key ({}): give one field for each, in that order",
                call.name,
                intent_key
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    for (field, theirs) in spec.key.iter().zip(intent_key) {
        let call_field = (call.request.fields.iter()).find(|f| &f.wire_name == theirs);
        match (field_of(&field.value), call_field) {
            (None, _) => report.error(
                field,
                &format!("{path}.key"),
                format!("`{}` is not a field of {}", field.value, notification.name),
            ),
            (Some(ours), Some(theirs)) if !same_on_the_wire(&ours.ty, &theirs.ty) => report.error(
                field,
                &format!("{path}.key"),
                format!(
                    "`{}` does not hold a value of `{}`'s `{}`",
                    field.value, call.name, theirs.wire_name
                ),
            ),
            _ => {}
        }
    }
    let is_result = |ty: &FieldType| match ty {
        FieldType::Result => true,
        FieldType::Named(named) => named.kind == TypeKind::Object,
        _ => false,
    };
    if !field_of(&spec.outcome.value).is_some_and(|f| is_result(&f.ty)) {
        report.error(
            &spec.outcome,
            &format!("{path}.outcome"),
            format!(
                "`{}` is not a result object of {}",
                spec.outcome.value, notification.name
            ),
        );
    }
    (report.errors.len() == before).then(|| SettlesDef {
        call: call.name.clone(),
        key: spec.key.iter().map(|k| k.value.clone()).collect(),
        outcome: spec.outcome.value.clone(),
        provenance,
    })
}
