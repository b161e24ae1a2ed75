//! The API's shared enums and identifiers as declared in `api.yaml`, with the transitions a
//! status enum documents between its values.

use std::collections::BTreeMap;

use super::names::is_pascal;
use super::report::Reporter;
use super::*;
use crate::document::raw::{Located, TypeSpec};

pub(super) fn shared_type_kinds(
    report: &mut Reporter<'_>,
    types: &[TypeSpec],
) -> BTreeMap<String, TypeKind> {
    let mut kinds = BTreeMap::new();
    for spec in types {
        let field = format!("types[{}]", spec.name.value);
        if !is_pascal(&spec.name.value) {
            report.error(
                &spec.name,
                &field,
                "a type name is PascalCase letters and digits, such as `PassInfo`",
            );
            continue;
        }
        let kind = match spec.kind.value.as_str() {
            "object" => TypeKind::Object,
            "enum" => TypeKind::Enum,
            "identifier" => TypeKind::Identifier,
            other => {
                report.error(
                    &spec.kind,
                    &format!("{field}.type"),
                    format!("unknown kind `{other}`, expected `object`, `enum` or `identifier`"),
                );
                continue;
            }
        };
        kinds.insert(spec.name.value.clone(), kind);
    }
    kinds
}

pub(super) fn build_shared_enum(report: &mut Reporter<'_>, spec: &TypeSpec) -> Option<TypeDef> {
    let field = format!("types[{}]", spec.name.value);
    if spec.kind.value != "enum" && !spec.transitions.is_empty() {
        report.error(&spec.kind, &field, "only an enum takes `transitions`");
    }
    if spec.fields.is_some() || !spec.rules.is_empty() {
        report.error(
            &spec.kind,
            &field,
            "an enum type takes `values`, not `fields` or `rules`",
        );
    }
    // The type's own `source:` or `inferred:` covers values that give none.
    let inherited = (spec.source.is_some() || spec.inferred.is_some()).then(|| {
        super::citations::resolve(
            report,
            &field,
            spec.name.at,
            (spec.source.as_ref(), spec.inferred.as_ref()),
            None,
            "the enum",
        )
    });
    let values = super::fields::build_enum_values(
        report,
        &field,
        &spec.kind,
        spec.values.as_ref(),
        inherited.as_ref(),
    )?;
    let transitions = build_transitions(report, &field, &values, &spec.transitions);
    Some(TypeDef::Enum(EnumDef {
        name: spec.name.value.clone(),
        description: spec.description.clone(),
        values,
        open: false,
        transitions,
    }))
}

/// The variants a state may change to from one variant.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Transition {
    /// The current variant's Rust name.
    pub from: String,
    /// The Rust names of the variants it may become.
    pub to: Vec<String>,
}

/// A string that names one kind of thing (a merchant, a pass): its own type, so a pass ID
/// cannot be passed where a merchant ID is expected. Limits stay on the fields, since pages
/// give the same identifier different lengths.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IdentifierDef {
    /// Rust name.
    pub name: String,
    /// Doc text.
    pub description: Option<String>,
}

pub(super) fn build_shared_identifier(report: &mut Reporter<'_>, spec: &TypeSpec) -> TypeDef {
    let field = format!("types[{}]", spec.name.value);
    let extra = spec.fields.is_some()
        || !spec.rules.is_empty()
        || spec.values.is_some()
        || !spec.transitions.is_empty()
        || spec.source.is_some()
        || spec.inferred.is_some();
    if extra {
        report.error(
            &spec.kind,
            &field,
            "an identifier takes only `name` and `description`; its limits and sources go on the fields that hold it",
        );
    }
    TypeDef::Identifier(IdentifierDef {
        name: spec.name.value.clone(),
        description: spec.description.clone(),
    })
}

/// Each `from` and `to` must be a value of the enum; each value appears as `from` once.
fn build_transitions(
    report: &mut Reporter<'_>,
    field: &str,
    values: &[EnumValue],
    specs: &[crate::document::raw::TransitionSpec],
) -> Vec<Transition> {
    let variant = |report: &mut Reporter<'_>, wire: &Located<String>| {
        let found = values.iter().find(|v| v.wire == wire.value);
        if found.is_none() {
            let all: Vec<&str> = values.iter().map(|v| v.wire.as_str()).collect();
            report.error(
                wire,
                &format!("{field}.transitions"),
                format!(
                    "`{}` is not a value of this enum (values: {})",
                    wire.value,
                    all.join(", ")
                ),
            );
        }
        found.map(|v| v.variant.clone())
    };
    let mut transitions: Vec<Transition> = Vec::new();
    for spec in specs {
        let from = variant(report, &spec.from);
        let to: Vec<String> = spec.to.iter().filter_map(|t| variant(report, t)).collect();
        let Some(from) = from else { continue };
        if transitions.iter().any(|t| t.from == from) {
            report.error(
                &spec.from,
                &format!("{field}.transitions"),
                format!("`{}` is listed twice as `from`", spec.from.value),
            );
            continue;
        }
        transitions.push(Transition { from, to });
    }
    transitions
}
