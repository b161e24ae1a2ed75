//! Cross-field rules: groups of alternatives and conditional requirements.

use std::collections::BTreeSet;

use super::report::Reporter;
use super::scope::Scope;
use super::*;
use crate::document::raw::{Located, RequiredWhenSpec, RuleSpec};

pub(super) fn build_rules(
    report: &mut Reporter<'_>,
    scope: &Scope<'_>,
    path: &str,
    fields: &[FieldDef],
    specs: &[Located<RuleSpec>],
) -> Vec<RuleDef> {
    let mut rules = Vec::new();
    for (index, located) in specs.iter().enumerate() {
        let rule_path = format!("{path}.rules[{index}]");
        let spec = &located.value;
        let kind = match (
            &spec.exactly_one_of,
            &spec.at_least_one_of,
            &spec.required_when,
        ) {
            (Some(names), None, None) => group(report, &rule_path, "exactly_one_of", fields, names)
                .map(RuleKind::ExactlyOneOf),
            (None, Some(names), None) => {
                group(report, &rule_path, "at_least_one_of", fields, names)
                    .map(RuleKind::AtLeastOneOf)
            }
            (None, None, Some(spec)) => required_when(report, scope, &rule_path, fields, spec),
            _ => {
                report.error(
                    located,
                    &rule_path,
                    "a rule is one of `exactly_one_of`, `at_least_one_of` or `required_when`",
                );
                None
            }
        };
        let provenance = super::citations::resolve(
            report,
            &rule_path,
            located.at,
            (spec.source.as_ref(), spec.inferred.as_ref()),
            None,
            "the rule",
        );
        rules.extend(kind.map(|kind| RuleDef { kind, provenance }));
    }
    rules
}

fn find<'f>(
    report: &mut Reporter<'_>,
    path: &str,
    fields: &'f [FieldDef],
    name: &Located<String>,
) -> Option<&'f FieldDef> {
    let found = fields.iter().find(|f| f.wire_name == name.value);
    if found.is_none() {
        let known: Vec<&str> = fields.iter().map(|f| f.wire_name.as_str()).collect();
        report.error(
            name,
            path,
            format!(
                "the rule names `{}`, which is not a field here (fields: {})",
                name.value,
                known.join(", ")
            ),
        );
    }
    found
}

fn group(
    report: &mut Reporter<'_>,
    path: &str,
    kind: &str,
    fields: &[FieldDef],
    names: &[Located<String>],
) -> Option<Vec<String>> {
    let mut ok = true;
    let mut seen = BTreeSet::new();
    for name in names {
        match find(report, path, fields, name) {
            Some(field) if field.required => {
                report.error(
                    name,
                    path,
                    format!(
                        "`{}` is required, so it cannot be part of the `{kind}` group",
                        name.value
                    ),
                );
                ok = false;
            }
            Some(_) if !seen.insert(&name.value) => {
                report.error(
                    name,
                    path,
                    format!("`{}` is listed twice in the group", name.value),
                );
                ok = false;
            }
            Some(_) => {}
            None => ok = false,
        }
    }
    if names.len() < 2 {
        if let Some(first) = names.first() {
            report.error(
                first,
                path,
                format!("a `{kind}` group names at least two fields"),
            );
        }
        ok = false;
    }
    ok.then(|| names.iter().map(|n| n.value.clone()).collect())
}

fn required_when(
    report: &mut Reporter<'_>,
    scope: &Scope<'_>,
    path: &str,
    fields: &[FieldDef],
    spec: &RequiredWhenSpec,
) -> Option<RuleKind> {
    let field = find(report, path, fields, &spec.field);
    let through = deciding_path(report, scope, path, fields, &spec.when);
    let (field, through) = (field?, through?);
    let when = through.last()?.1;
    if field.required {
        report.error(
            &spec.field,
            path,
            format!(
                "`{}` is always required; `required_when` is for optional fields",
                field.wire_name
            ),
        );
        return None;
    }
    if through.len() == 1 && field.wire_name == when.wire_name {
        report.error(
            &spec.when,
            path,
            "a field cannot be required depending on itself",
        );
        return None;
    }
    let equals = &spec.equals.value;
    let condition = match &when.ty {
        FieldType::Named(ty) if ty.kind == TypeKind::Enum => {
            let values = scope.enum_values(ty).unwrap_or_default();
            match values.iter().find(|v| &v.wire == equals) {
                Some(value) => Condition::Variant {
                    ty: ty.clone(),
                    variant: value.variant.clone(),
                    wire: value.wire.clone(),
                },
                None => {
                    let allowed: Vec<&str> = values.iter().map(|v| v.wire.as_str()).collect();
                    report.error(
                        &spec.equals,
                        path,
                        format!(
                            "`{equals}` is not a value of `{}` (values: {})",
                            when.wire_name,
                            allowed.join(", ")
                        ),
                    );
                    return None;
                }
            }
        }
        FieldType::String => Condition::Text(equals.clone()),
        FieldType::Boolean => match equals.as_str() {
            "true" => Condition::Flag(true),
            "false" => Condition::Flag(false),
            _ => {
                report.error(
                    &spec.equals,
                    path,
                    format!(
                        "`{}` is a boolean; compare it with true or false",
                        when.wire_name
                    ),
                );
                return None;
            }
        },
        _ => {
            report.error(
                &spec.when,
                path,
                format!(
                    "`{}` must be an enum, string or boolean to decide a `required_when`",
                    when.wire_name
                ),
            );
            return None;
        }
    };
    Some(RuleKind::RequiredWhen {
        field: field.wire_name.clone(),
        when: spec.when.value.clone(),
        through: through.into_iter().map(|(hop, _)| hop).collect(),
        condition,
    })
}

/// The fields a `when` path names, from this object's down to the deciding one: `resultStatus`,
/// or `paymentResult.resultStatus` through an object field of this object.
fn deciding_path<'f>(
    report: &mut Reporter<'_>,
    scope: &'f Scope<'_>,
    path: &str,
    fields: &'f [FieldDef],
    when: &Located<String>,
) -> Option<Vec<(Hop, &'f FieldDef)>> {
    let mut hops = Vec::new();
    let mut here = fields;
    let segments: Vec<&str> = when.value.split('.').collect();
    for (index, segment) in segments.iter().enumerate() {
        let name = Located::new(segment.to_string(), when.at);
        let found = find(report, path, here, &name)?;
        hops.push((
            Hop {
                rust_name: found.rust_name.clone(),
                required: found.required,
            },
            found,
        ));
        if index + 1 == segments.len() {
            break;
        }
        let nested = match &found.ty {
            FieldType::Named(ty) if ty.kind == TypeKind::Object => scope.object_fields(ty),
            _ => None,
        };
        let Some(nested) = nested else {
            report.error(
                when,
                path,
                format!(
                    "`{segment}` is not an object this spec declares, so `{}` cannot go through it",
                    when.value
                ),
            );
            return None;
        };
        here = nested;
    }
    Some(hops)
}
