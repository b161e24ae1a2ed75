//! Rust types and identifiers for model types.

use super::code::Code;
use super::shapes::generic;
use crate::emit::options::EmitOptions;
use crate::model::{FieldType, TypeHome, TypeRef};

/// Where the code being emitted lives, to spell references to named types.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Site {
    /// The shared `types` module.
    Shared,
    /// An endpoint module (or a user's crate, for the attribute macro).
    Endpoint,
}

/// The Rust type of a field's value (without the `Option` of an optional field).
pub(crate) fn rust_type(ty: &FieldType, site: Site, options: &EmitOptions) -> Code {
    let rt = &options.runtime;
    match ty {
        FieldType::String => "String".into(),
        FieldType::Integer => "i64".into(),
        FieldType::Number => "f64".into(),
        FieldType::Boolean => "bool".into(),
        FieldType::Timestamp => format!("{rt}::EpochMillis").into(),
        FieldType::Json => format!("{rt}::serde_json::Value").into(),
        FieldType::Result => format!("{rt}::ResultInfo").into(),
        FieldType::Named(r) => named(r, site).into(),
        FieldType::Array(inner) => generic("Vec", [rust_type(inner, site, options)]),
        FieldType::Map(inner) => generic(
            "std::collections::BTreeMap",
            ["String".into(), rust_type(inner, site, options)],
        ),
    }
}

fn named(r: &TypeRef, site: Site) -> String {
    match (r.home, site) {
        // An existing type is a path as the user wrote it, never a single identifier.
        (TypeHome::Existing, _) => r.name.clone(),
        // Relative, so a module reads the same in the checked-in crate and in a module a
        // build script writes.
        (TypeHome::Shared, Site::Endpoint) => format!("super::types::{}", r.name),
        _ => r.name.clone(),
    }
}

/// The serde derives and the inside of a `#[serde(crate)]` attribute, if one is needed. The
/// generated crate imports serde in each module, so bare names read best; code from the
/// attribute macro lands in a user's module, which may not import serde or may import
/// something else under those names.
pub(crate) fn serde_derives(options: &EmitOptions) -> ([String; 2], Option<Code>) {
    match &options.serde_crate {
        Some(path) => (
            [format!("{path}::Serialize"), format!("{path}::Deserialize")],
            Some(format!("serde(crate = {path:?})").into()),
        ),
        None => (["Serialize".into(), "Deserialize".into()], None),
    }
}

/// The path to serde's traits: the configured one, else the crate's own `serde`.
pub(crate) fn serde_path(options: &EmitOptions) -> &str {
    options.serde_crate.as_deref().unwrap_or("serde")
}

/// A string literal for `value`.
pub(crate) fn literal(value: &str) -> String {
    format!("{value:?}")
}

/// A field or parameter identifier, raw where the name is a keyword (`type` → `r#type`).
pub(crate) fn field_ident(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// The keywords an identifier can be written raw for, strict and reserved.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];
