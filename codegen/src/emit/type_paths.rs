//! Rust types and identifiers for model types.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::EmitOptions;
use crate::model::{FieldType, TypeHome, TypeRef};

/// Where the code being emitted lives, to spell references to named types.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Site {
    /// The shared `types` module.
    Shared,
    /// An endpoint module (or a user's crate, for the attribute macro).
    Endpoint,
}

/// The Rust type of a field's value (without the `Option` of an optional field).
pub(super) fn rust_type(ty: &FieldType, site: Site, options: &EmitOptions) -> TokenStream {
    let rt = &options.runtime;
    match ty {
        FieldType::String => quote!(String),
        FieldType::Integer => quote!(i64),
        FieldType::Number => quote!(f64),
        FieldType::Boolean => quote!(bool),
        FieldType::Timestamp => quote!(#rt::EpochMillis),
        FieldType::Json => quote!(#rt::serde_json::Value),
        FieldType::Result => quote!(#rt::ResultInfo),
        FieldType::Named(r) => named(r, site),
        FieldType::Array(inner) => {
            let inner = rust_type(inner, site, options);
            quote!(Vec<#inner>)
        }
        FieldType::Map(inner) => {
            let inner = rust_type(inner, site, options);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
    }
}

fn named(r: &TypeRef, site: Site) -> TokenStream {
    // An existing type is a path as the user wrote it, never a single identifier.
    if r.home == TypeHome::Existing {
        return path_type(&r.name);
    }
    let ident = format_ident!("{}", r.name);
    match (r.home, site) {
        (TypeHome::Shared, Site::Endpoint) => quote!(crate::types::#ident),
        _ => quote!(#ident),
    }
}

/// The serde derives and the inside of a `#[serde(crate)]` attribute, if one is needed. The
/// generated crate imports serde in
/// each module, so bare names read best; code from the attribute macro lands in a user's
/// module, which may not import serde or may import something else under those names.
pub(super) fn serde_derives(options: &EmitOptions) -> (TokenStream, Option<TokenStream>) {
    match options
        .serde_crate
        .as_deref()
        .and_then(|path| Some((path, syn::parse_str::<syn::Path>(path).ok()?)))
    {
        Some((text, path)) => (
            quote!(#path::Serialize, #path::Deserialize),
            Some(quote!(serde(crate = #text))),
        ),
        None => (quote!(Serialize, Deserialize), None),
    }
}

/// A type written as a name or path in the model, such as `UpdatePassResponse` or
/// `crate::cards::PassResultCode`.
pub(super) fn path_type(name: &str) -> TokenStream {
    match syn::parse_str::<syn::Type>(name) {
        Ok(ty) => quote!(#ty),
        // The front doors only store names they parsed as types. Should one not parse, the
        // raw tokens keep it visible to the compiler's own error rather than dropping it.
        Err(_) => name.parse().unwrap_or_default(),
    }
}

/// A field or parameter identifier, raw where the name is a keyword (`type` → `r#type`).
pub(super) fn field_ident(name: &str) -> syn::Ident {
    if is_keyword(name) {
        syn::Ident::new_raw(name, proc_macro2::Span::call_site())
    } else {
        format_ident!("{}", name)
    }
}

fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "break"
            | "const"
            | "continue"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}
