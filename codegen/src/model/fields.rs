//! Fields and their types: built-in names, shared types, inline enums and objects.

use std::collections::BTreeSet;

use super::field_keys::{build_map_keys, check_keys_fit_type};
use super::names::{is_pascal, is_wire_field_name, pascal, rust_field_ident_name, variant_name};
use super::report::Reporter;
use super::scope::Scope;
use super::*;
use crate::document::raw::{Constraint, EnumValueSpec, FieldSpec, Located, RuleSpec};

const BUILT_IN: &[&str] = &[
    "string",
    "integer",
    "number",
    "boolean",
    "timestamp",
    "json",
    "result",
];
const COMPOSITE: &[&str] = &["enum", "object", "array", "map"];

/// Builds a struct from its fields and rules.
pub(super) fn build_object(
    report: &mut Reporter<'_>,
    scope: &mut Scope<'_>,
    path: &str,
    name: &str,
    description: Option<String>,
    specs: &[FieldSpec],
    rules: &[Located<RuleSpec>],
) -> ObjectDef {
    let mut fields: Vec<FieldDef> = Vec::new();
    let mut rust_names = BTreeSet::new();
    for spec in specs {
        let wire = &spec.name.value;
        let field_path = format!("{path}.fields[{wire}]");
        if !is_wire_field_name(wire) {
            report.error(
                &spec.name,
                &field_path,
                "a field name is letters, digits and `_`, not starting with a digit",
            );
            continue;
        }
        if fields
            .iter()
            .any(|f| &f.wire_name == wire || f.aliases.contains(wire))
        {
            report.error(
                &spec.name,
                &field_path,
                format!("field `{wire}` is declared twice in {name}"),
            );
            continue;
        }
        let rust_name = rust_field_ident_name(wire);
        if !rust_names.insert(rust_name.clone()) {
            report.error(
                &spec.name,
                &field_path,
                format!("field `{wire}` becomes the Rust name `{rust_name}` of another field"),
            );
            continue;
        }
        if let Some(field) = build_field(report, scope, &field_path, spec, wire, rust_name) {
            fields.push(field);
        }
    }
    let rules = super::rules::build_rules(report, scope, path, &fields, rules);
    ObjectDef {
        name: name.to_owned(),
        description,
        fields,
        rules,
        validated: false,
        open: None,
    }
}

/// Marks `def` open for the reason `open` gives, when it gives one: its page is cut, so it
/// keeps the fields it does not declare. Refused when a declared field would take the Rust
/// name those are kept under.
pub(super) fn open_object(
    report: &mut Reporter<'_>,
    path: &str,
    def: &mut ObjectDef,
    open: Option<&Located<String>>,
) {
    let Some(reason) = open else {
        return;
    };
    if reason.value.trim().is_empty() {
        report.error(
            reason,
            &format!("{path}.open"),
            "`open` says why the page's fields may be incomplete",
        );
        return;
    }
    if def.fields.iter().any(|f| f.rust_name == OTHER_FIELDS) {
        report.error(
            reason,
            &format!("{path}.open"),
            format!("an open object keeps undeclared fields in `{OTHER_FIELDS}`, which a declared field already is"),
        );
        return;
    }
    def.open = Some(reason.value.trim().to_owned());
}

fn build_field(
    report: &mut Reporter<'_>,
    scope: &mut Scope<'_>,
    path: &str,
    spec: &FieldSpec,
    wire: &str,
    rust_name: String,
) -> Option<FieldDef> {
    let provenance = super::citations::resolve(
        report,
        path,
        spec.name.at,
        (spec.source.as_ref(), spec.inferred.as_ref()),
        None,
        &format!("field `{wire}`"),
    );
    let mut ty = resolve_type(report, scope, path, spec, &provenance)?;
    mark_existing_identifier(report, path, spec, &mut ty);
    check_keys_fit_type(report, path, spec, &ty);
    let mut aliases = Vec::new();
    for alias in &spec.aliases {
        if !is_wire_field_name(&alias.value) || alias.value == wire {
            report.error(
                alias,
                &format!("{path}.aliases"),
                format!("`{}` is not a usable alias of `{wire}`", alias.value),
            );
        } else {
            aliases.push(alias.value.clone());
        }
    }
    let mut limit = |c: &Option<Located<Constraint<u64>>>| {
        c.as_ref()
            .map(|c| super::citations::limit(report, path, c, &provenance))
    };
    let (max_length, min_length) = (limit(&spec.max_length), limit(&spec.min_length));
    let mut range = |c: &Option<Located<Constraint<f64>>>| {
        c.as_ref()
            .map(|c| super::citations::limit(report, path, c, &provenance))
    };
    let (minimum, maximum) = (range(&spec.minimum), range(&spec.maximum));
    if let (Some(min), Some(max)) = (&min_length, &max_length)
        && min.value > max.value
    {
        report.error(
            spec.min_length.as_ref().expect("read above"),
            path,
            format!("min_length {} is above max_length {}", min.value, max.value),
        );
    }
    if let (Some(min), Some(max)) = (&minimum, &maximum)
        && min.value > max.value
    {
        report.error(
            spec.minimum.as_ref().expect("read above"),
            path,
            format!("minimum {} is above maximum {}", min.value, max.value),
        );
    }
    let constraints = Constraints {
        max_length,
        min_length,
        minimum,
        maximum,
    };
    let requirement = spec
        .required
        .as_ref()
        .filter(|r| *r.value.value())
        .map(|r| super::citations::limit(report, path, r, &provenance).provenance);
    let keys = build_map_keys(report, path, spec, &ty, &rust_name, &provenance);
    // The result object stays required whatever its provenance: the runtime reads it from
    // every message to decide S/F/U before the typed body, so its absence is already a
    // protocol error, never a parse failure of this field.
    let required = requirement
        .as_ref()
        .is_some_and(|p| p.enforced() || ty == FieldType::Result);
    Some(FieldDef {
        keys,
        wire_name: wire.to_owned(),
        rust_name,
        description: spec.description.clone(),
        ty,
        required,
        requirement,
        provenance,
        nullable: spec.nullable,
        sensitive: spec.sensitive,
        aliases,
        constraints,
        sample: spec.sample.clone(),
    })
}

fn resolve_type(
    report: &mut Reporter<'_>,
    scope: &mut Scope<'_>,
    path: &str,
    spec: &FieldSpec,
    provenance: &Provenance,
) -> Option<FieldType> {
    let name = spec.ty.value.as_str();
    let type_path = format!("{path}.type");
    match name {
        "enum" => {
            let values = build_enum_values(
                report,
                path,
                &spec.ty,
                spec.values.as_ref(),
                Some(provenance),
            )?;
            let type_name = inline_type_name(report, scope, path, spec)?;
            let def = TypeDef::Enum(EnumDef {
                name: type_name.clone(),
                description: spec.description.clone(),
                values,
                open: false,
                transitions: Vec::new(),
            });
            Some(FieldType::Named(scope.declare(
                report,
                spec.type_name.as_ref().unwrap_or(&spec.ty),
                path,
                type_name,
                def,
            )))
        }
        "object" => {
            let Some(fields) = &spec.fields else {
                report.error(&spec.ty, &type_path, "an inline object needs `fields`");
                return None;
            };
            let type_name = inline_type_name(report, scope, path, spec)?;
            let def = build_object(
                report,
                scope,
                path,
                &type_name,
                spec.description.clone(),
                fields,
                &spec.rules,
            );
            Some(FieldType::Named(scope.declare(
                report,
                spec.type_name.as_ref().unwrap_or(&spec.ty),
                path,
                type_name,
                TypeDef::Object(def),
            )))
        }
        "array" | "map" => {
            let item = match &spec.items {
                Some(items) => resolve_name(report, scope, &format!("{path}.items"), items)?,
                None if name == "map" => FieldType::Json,
                None => {
                    report.error(
                        &spec.ty,
                        &type_path,
                        "an array needs `items`, the element type",
                    );
                    return None;
                }
            };
            Some(if name == "array" {
                FieldType::Array(Box::new(item))
            } else {
                FieldType::Map(Box::new(item))
            })
        }
        _ => resolve_name(report, scope, &type_path, &spec.ty),
    }
}

/// The attribute's `identifier` option: the existing type the field names (not in a list or
/// map) is a string newtype, so its limits apply to its text.
fn mark_existing_identifier(
    report: &mut Reporter<'_>,
    path: &str,
    spec: &FieldSpec,
    ty: &mut FieldType,
) {
    let Some(at) = spec.existing_identifier else {
        return;
    };
    match ty {
        FieldType::Named(r) if r.home == TypeHome::Existing => r.kind = TypeKind::Identifier,
        _ => report.error_at(
            at,
            &format!("{path}.identifier"),
            "`identifier` marks a field whose type is a string newtype of yours, such as `MerchantId`",
        ),
    }
}

/// A type named in `type:` or `items:` that declares nothing: a built-in or a shared type.
fn resolve_name(
    report: &mut Reporter<'_>,
    scope: &Scope<'_>,
    path: &str,
    name: &Located<String>,
) -> Option<FieldType> {
    let ty = match name.value.as_str() {
        "string" => FieldType::String,
        "integer" => FieldType::Integer,
        "number" => FieldType::Number,
        "boolean" => FieldType::Boolean,
        "timestamp" => FieldType::Timestamp,
        "json" => FieldType::Json,
        "result" => FieldType::Result,
        other => match scope.shared_kind(other) {
            Some(&kind) => FieldType::Named(TypeRef {
                name: other.to_owned(),
                kind,
                home: TypeHome::Shared,
                owner: None,
            }),
            // A Rust path names a type declared elsewhere: any type of the attribute's, or
            // in a spec a type of another crate (`alipayhk::Amount`), reused as it is.
            None if (scope.takes_existing_types() || other.contains("::"))
                && syn::parse_str::<syn::Type>(other).is_ok() =>
            {
                FieldType::Named(TypeRef {
                    name: other.to_owned(),
                    kind: TypeKind::Object,
                    home: TypeHome::Existing,
                    owner: None,
                })
            }
            None if COMPOSITE.contains(&other) => {
                report.error(
                    name,
                    path,
                    format!("`{other}` cannot be used here; name a built-in or shared type"),
                );
                return None;
            }
            None => {
                let shared: Vec<&str> = scope.shared_names().collect();
                report.error(
                    name,
                    path,
                    format!(
                        "unknown type `{other}`, expected one of: {}, {}{}",
                        BUILT_IN.join(", "),
                        COMPOSITE.join(", "),
                        if shared.is_empty() {
                            String::new()
                        } else {
                            format!(", or a shared type ({})", shared.join(", "))
                        }
                    ),
                );
                return None;
            }
        },
    };
    Some(ty)
}

fn inline_type_name(
    report: &mut Reporter<'_>,
    scope: &Scope<'_>,
    path: &str,
    spec: &FieldSpec,
) -> Option<String> {
    match &spec.type_name {
        Some(name) if is_pascal(&name.value) => Some(name.value.clone()),
        Some(name) => {
            report.error(
                name,
                &format!("{path}.type_name"),
                "a type name is PascalCase letters and digits, such as `PassStatus`",
            );
            None
        }
        None => Some(format!("{}{}", scope.prefix(), pascal(&spec.name.value))),
    }
}

/// Checks an enum's values: present, distinct, and each with a distinct Rust name.
pub(super) fn build_enum_values(
    report: &mut Reporter<'_>,
    path: &str,
    ty: &Located<String>,
    values: Option<&Located<Vec<EnumValueSpec>>>,
    inherited: Option<&Provenance>,
) -> Option<Vec<EnumValue>> {
    let Some(values) = values.filter(|v| !v.value.is_empty()) else {
        report.error(
            ty,
            &format!("{path}.values"),
            "an enum needs at least one value in `values`",
        );
        return None;
    };
    let mut out: Vec<EnumValue> = Vec::new();
    for value in &values.value {
        let wire = &value.value.value;
        let value_path = format!("{path}.values[{wire}]");
        if out.iter().any(|v| &v.wire == wire) {
            report.error(
                &value.value,
                &value_path,
                format!("value `{wire}` is listed twice"),
            );
            continue;
        }
        let Some(variant) = variant_name(wire).filter(|v| v != "Unknown") else {
            report.error(
                &value.value,
                &value_path,
                format!("value `{wire}` maps to a reserved or empty Rust name"),
            );
            continue;
        };
        if let Some(other) = out.iter().find(|v| v.variant == variant) {
            report.error(
                &value.value,
                &value_path,
                format!(
                    "values `{}` and `{wire}` both map to the Rust name `{variant}`",
                    other.wire
                ),
            );
            continue;
        }
        let provenance = super::citations::resolve(
            report,
            &value_path,
            value.value.at,
            (value.source.as_ref(), value.inferred.as_ref()),
            inherited,
            &format!("value `{wire}`"),
        );
        out.push(EnumValue {
            wire: wire.clone(),
            variant,
            description: value.description.clone(),
            provenance,
        });
    }
    Some(out)
}
