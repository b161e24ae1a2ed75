//! The keys a field's spec carries beside its type: a map's fixed keys, and whether each
//! constraint fits the type it is written on.

use super::report::Reporter;
use super::*;
use crate::document::raw::{FieldSpec, Position};

/// A map's fixed keys: each a scalar the map's values can hold, with a distinct method name
/// (`<field>_<key in snake_case>`).
pub(super) fn build_map_keys(
    report: &mut Reporter<'_>,
    path: &str,
    spec: &FieldSpec,
    ty: &FieldType,
    rust_name: &str,
    field_provenance: &Provenance,
) -> Vec<MapKey> {
    let FieldType::Map(values) = ty else {
        if let Some(first) = spec.keys.first() {
            report.error(
                &first.key,
                &format!("{path}.keys"),
                format!("`keys` applies to `map` only, not to `{}`", spec.ty.value),
            );
        }
        return Vec::new();
    };
    let mut keys: Vec<MapKey> = Vec::new();
    for key in &spec.keys {
        let field = format!("{path}.keys[{}]", key.key.value);
        let ty = match key.ty.as_ref().map_or("string", |t| t.value.as_str()) {
            "string" => FieldType::String,
            "integer" => FieldType::Integer,
            "number" => FieldType::Number,
            "boolean" => FieldType::Boolean,
            other => {
                report.error(
                    key.ty.as_ref().unwrap_or(&key.key),
                    &field,
                    format!("unknown key type `{other}`, expected one of: string, integer, number, boolean"),
                );
                continue;
            }
        };
        if !matches!(**values, FieldType::Json) && **values != ty {
            report.error(
                &key.key,
                &field,
                "the key's type must be the map's value type (or the map must hold `json`)",
            );
            continue;
        }
        let suffix = heck::ToSnakeCase::to_snake_case(
            key.key
                .value
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
                .collect::<String>()
                .trim(),
        );
        if suffix.is_empty() {
            report.error(
                &key.key,
                &field,
                "a key needs letters or digits to name its method",
            );
            continue;
        }
        let setter = format!("{rust_name}_{suffix}");
        if keys
            .iter()
            .any(|k| k.key == key.key.value || k.setter == setter)
        {
            report.error(
                &key.key,
                &field,
                format!(
                    "key `{}` is listed twice, or names the same method `{setter}`",
                    key.key.value
                ),
            );
            continue;
        }
        let provenance = super::citations::resolve(
            report,
            &field,
            key.key.at,
            (key.source.as_ref(), key.inferred.as_ref()),
            Some(field_provenance),
            "the key",
        );
        keys.push(MapKey {
            key: key.key.value.clone(),
            setter,
            ty,
            description: key.description.clone(),
            provenance,
        });
    }
    keys
}

/// Reports keys that do not apply to the field's type (a `max_length` on an integer, …).
pub(super) fn check_keys_fit_type(
    report: &mut Reporter<'_>,
    path: &str,
    spec: &FieldSpec,
    ty: &FieldType,
) {
    let kind = spec.ty.value.as_str();
    let is_string = ty.is_text();
    let is_number = matches!(
        ty,
        FieldType::Integer | FieldType::Number | FieldType::Timestamp
    );
    let type_at = spec.ty.at;
    let mut misplaced = |at: Option<Position>, key: &str, applies: &str| {
        if let Some(at) = at {
            report.error_at(
                at,
                &format!("{path}.{key}"),
                format!("`{key}` applies to {applies} only, not to `{kind}`"),
            );
        }
    };
    let at = |present: bool| present.then_some(type_at);
    misplaced(
        spec.max_length
            .as_ref()
            .filter(|_| !is_string)
            .map(|v| v.at),
        "max_length",
        "strings",
    );
    misplaced(
        spec.min_length
            .as_ref()
            .filter(|_| !is_string)
            .map(|v| v.at),
        "min_length",
        "strings",
    );
    misplaced(
        spec.minimum.as_ref().filter(|_| !is_number).map(|v| v.at),
        "minimum",
        "numbers",
    );
    misplaced(
        spec.maximum.as_ref().filter(|_| !is_number).map(|v| v.at),
        "maximum",
        "numbers",
    );
    misplaced(
        spec.values
            .as_ref()
            .filter(|_| kind != "enum")
            .map(|v| v.at),
        "values",
        "`enum`",
    );
    misplaced(
        at(kind != "object" && spec.fields.is_some()),
        "fields",
        "`object`",
    );
    misplaced(
        at(kind != "object" && !spec.rules.is_empty()),
        "rules",
        "`object`",
    );
    misplaced(
        spec.items
            .as_ref()
            .filter(|_| !matches!(kind, "array" | "map"))
            .map(|v| v.at),
        "items",
        "`array` and `map`",
    );
    misplaced(
        spec.type_name
            .as_ref()
            .filter(|_| !matches!(kind, "enum" | "object"))
            .map(|v| v.at),
        "type_name",
        "inline `enum` and `object`",
    );
}
