//! Fields and their types: built-in names, shared types, inline enums and objects.

use std::collections::{BTreeMap, BTreeSet};

use super::build::Reporter;
use super::names::{is_pascal, is_wire_field_name, pascal, rust_field_ident_name, variant_name};
use super::*;
use crate::spec::raw::{EnumValueSpec, FieldSpec, Located, Position, RuleSpec};

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

/// What a field's type may refer to, and where inline types it declares go.
pub(super) struct Scope<'a> {
    shared_kinds: &'a BTreeMap<String, TypeKind>,
    shared_types: &'a BTreeMap<String, TypeDef>,
    home: TypeHome,
    prefix: String,
    local: BTreeMap<String, (TypeDef, Located<String>)>,
    existing_types: bool,
}

impl<'a> Scope<'a> {
    pub(super) fn new(
        shared_kinds: &'a BTreeMap<String, TypeKind>,
        shared_types: &'a BTreeMap<String, TypeDef>,
        home: TypeHome,
        prefix: &str,
    ) -> Self {
        Self {
            shared_kinds,
            shared_types,
            home,
            prefix: prefix.to_owned(),
            local: BTreeMap::new(),
            existing_types: false,
        }
    }

    /// Takes a type name this scope does not declare as an existing Rust type, as the
    /// attribute front door does, instead of reporting it as unknown.
    pub(super) fn with_existing_types(mut self, allowed: bool) -> Self {
        self.existing_types = allowed;
        self
    }

    /// The inline types declared in this scope, with where each was declared.
    pub(super) fn into_local(self) -> BTreeMap<String, (TypeDef, Located<String>)> {
        self.local
    }

    /// The values of an enum this scope can see.
    pub(super) fn enum_values(&self, ty: &TypeRef) -> Option<&[EnumValue]> {
        let def = match ty.home {
            TypeHome::Shared => self
                .shared_types
                .get(&ty.name)
                .or_else(|| self.local.get(&ty.name).map(|(d, _)| d)),
            TypeHome::Local => self.local.get(&ty.name).map(|(d, _)| d),
            TypeHome::Existing => None,
        };
        match def {
            Some(TypeDef::Enum(def)) => Some(&def.values),
            _ => None,
        }
    }

    fn declare(
        &mut self,
        report: &mut Reporter<'_>,
        at: &Located<String>,
        field: &str,
        name: String,
        def: TypeDef,
    ) -> TypeRef {
        let kind = match def {
            TypeDef::Object(_) => TypeKind::Object,
            TypeDef::Enum(_) => TypeKind::Enum,
        };
        if self.shared_kinds.contains_key(&name) || self.local.contains_key(&name) {
            report.error(
                at,
                field,
                format!("type name `{name}` is already used; set a different `type_name`"),
            );
        } else {
            let mut located = at.clone();
            located.value = name.clone();
            self.local.insert(name.clone(), (def, located));
        }
        TypeRef {
            name,
            kind,
            home: self.home,
        }
    }
}

/// Builds a struct from its fields and rules.
pub(super) fn build_object(
    report: &mut Reporter<'_>,
    scope: &mut Scope<'_>,
    path: &str,
    name: &str,
    description: Option<String>,
    specs: &[FieldSpec],
    rules: &[RuleSpec],
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
    }
}

fn build_field(
    report: &mut Reporter<'_>,
    scope: &mut Scope<'_>,
    path: &str,
    spec: &FieldSpec,
    wire: &str,
    rust_name: String,
) -> Option<FieldDef> {
    let ty = resolve_type(report, scope, path, spec)?;
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
    let constraints = Constraints {
        max_length: spec.max_length.as_ref().map(|v| v.value),
        min_length: spec.min_length.as_ref().map(|v| v.value),
        minimum: spec.minimum.as_ref().map(|v| v.value),
        maximum: spec.maximum.as_ref().map(|v| v.value),
    };
    if let (Some(min), Some(max)) = (&spec.min_length, &spec.max_length)
        && min.value > max.value
    {
        report.error(
            min,
            path,
            format!("min_length {} is above max_length {}", min.value, max.value),
        );
    }
    if let (Some(min), Some(max)) = (&spec.minimum, &spec.maximum)
        && min.value > max.value
    {
        report.error(
            min,
            path,
            format!("minimum {} is above maximum {}", min.value, max.value),
        );
    }
    let keys = build_map_keys(report, path, spec, &ty, &rust_name);
    Some(FieldDef {
        keys,
        wire_name: wire.to_owned(),
        rust_name,
        description: spec.description.clone(),
        ty,
        required: spec.required,
        nullable: spec.nullable,
        sensitive: spec.sensitive,
        aliases,
        constraints,
        sample: spec.sample.clone(),
    })
}

/// A map's fixed keys: each a scalar the map's values can hold, with a distinct method name
/// (`<field>_<key in snake_case>`).
fn build_map_keys(
    report: &mut Reporter<'_>,
    path: &str,
    spec: &FieldSpec,
    ty: &FieldType,
    rust_name: &str,
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
        let method = format!("{rust_name}_{suffix}");
        if keys
            .iter()
            .any(|k| k.key == key.key.value || k.method == method)
        {
            report.error(
                &key.key,
                &field,
                format!(
                    "key `{}` is listed twice, or names the same method `{method}`",
                    key.key.value
                ),
            );
            continue;
        }
        keys.push(MapKey {
            key: key.key.value.clone(),
            method,
            ty,
            description: key.description.clone(),
        });
    }
    keys
}

fn resolve_type(
    report: &mut Reporter<'_>,
    scope: &mut Scope<'_>,
    path: &str,
    spec: &FieldSpec,
) -> Option<FieldType> {
    let name = spec.ty.value.as_str();
    let type_path = format!("{path}.type");
    match name {
        "enum" => {
            let values = build_enum_values(report, path, &spec.ty, spec.values.as_ref())?;
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
        other => match scope.shared_kinds.get(other) {
            Some(&kind) => FieldType::Named(TypeRef {
                name: other.to_owned(),
                kind,
                home: TypeHome::Shared,
            }),
            None if scope.existing_types && syn::parse_str::<syn::Type>(other).is_ok() => {
                FieldType::Named(TypeRef {
                    name: other.to_owned(),
                    kind: TypeKind::Object,
                    home: TypeHome::Existing,
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
                let shared: Vec<&str> = scope.shared_kinds.keys().map(String::as_str).collect();
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
        None => Some(format!("{}{}", scope.prefix, pascal(&spec.name.value))),
    }
}

/// Reports keys that do not apply to the field's type (a `max_length` on an integer, …).
fn check_keys_fit_type(report: &mut Reporter<'_>, path: &str, spec: &FieldSpec, ty: &FieldType) {
    let kind = spec.ty.value.as_str();
    let is_string = matches!(ty, FieldType::String);
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

/// Checks an enum's values: present, distinct, and each with a distinct Rust name.
pub(super) fn build_enum_values(
    report: &mut Reporter<'_>,
    path: &str,
    ty: &Located<String>,
    values: Option<&Located<Vec<EnumValueSpec>>>,
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
        out.push(EnumValue {
            wire: wire.clone(),
            variant,
            description: value.description.clone(),
        });
    }
    Some(out)
}

/// Marks objects reachable from a request as validated and enums reachable from a response
/// (or a notification) as open: requests can only hold documented values, what is received
/// may carry new ones.
pub(super) fn mark_reachability(api: &mut Api) {
    let mut validated = BTreeSet::new();
    let mut open = BTreeSet::new();
    for endpoint in api.endpoints.values() {
        let lookup = |r: &TypeRef| -> Option<TypeDef> {
            match r.home {
                TypeHome::Shared => api.shared_types.get(&r.name).cloned(),
                TypeHome::Local => endpoint.types.get(&r.name).cloned(),
                TypeHome::Existing => None,
            }
        };
        walk(
            &endpoint.request,
            &lookup,
            &mut validated,
            &mut BTreeSet::new(),
            endpoint,
            true,
        );
        // A notification is received: like a response, it may carry values this version does
        // not know, while the local gateway still validates what it sends.
        if endpoint.flow == Flow::Inbound {
            walk(
                &endpoint.request,
                &lookup,
                &mut open,
                &mut BTreeSet::new(),
                endpoint,
                false,
            );
        }
        if let Some(response) = endpoint.response.declared() {
            walk(
                response,
                &lookup,
                &mut open,
                &mut BTreeSet::new(),
                endpoint,
                false,
            );
        }
    }
    let key = |home: TypeHome, module: &str, name: &str| {
        format!(
            "{}::{name}",
            if home == TypeHome::Shared {
                "types"
            } else {
                module
            }
        )
    };
    let apply = |def: &mut TypeDef, home: TypeHome, module: &str| match def {
        TypeDef::Object(o) => o.validated = validated.contains(&key(home, module, &o.name)),
        TypeDef::Enum(e) => e.open = open.contains(&key(home, module, &e.name)),
    };
    for def in api.shared_types.values_mut() {
        apply(def, TypeHome::Shared, "");
    }
    for endpoint in api.endpoints.values_mut() {
        endpoint.request.validated = true;
        let module = endpoint.module.clone();
        for def in endpoint.types.values_mut() {
            apply(def, TypeHome::Local, &module);
        }
    }
}

/// Collects, as `module::Name`, the objects (for requests) or enums (for responses) reachable
/// from `object`.
fn walk(
    object: &ObjectDef,
    lookup: &dyn Fn(&TypeRef) -> Option<TypeDef>,
    found: &mut BTreeSet<String>,
    visited: &mut BTreeSet<String>,
    endpoint: &Endpoint,
    collect_objects: bool,
) {
    for field in &object.fields {
        let mut ty = &field.ty;
        while let FieldType::Array(inner) | FieldType::Map(inner) = ty {
            ty = inner;
        }
        let FieldType::Named(r) = ty else { continue };
        let key = format!(
            "{}::{}",
            if r.home == TypeHome::Shared {
                "types"
            } else {
                &endpoint.module
            },
            r.name
        );
        if !visited.insert(key.clone()) {
            continue;
        }
        match lookup(r) {
            Some(TypeDef::Object(inner)) => {
                if collect_objects {
                    found.insert(key);
                }
                walk(&inner, lookup, found, visited, endpoint, collect_objects);
            }
            Some(TypeDef::Enum(_)) if !collect_objects => {
                found.insert(key);
            }
            _ => {}
        }
    }
}
