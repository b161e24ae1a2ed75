//! Rust field types to spec type names: the mapping the generator uses, read backwards, so
//! the struct the attribute writes has exactly the types the user wrote.

use syn::{GenericArgument, PathArguments, Type};

/// A field's type in spec terms.
pub(super) struct SpecType {
    /// `string`, `integer`, …, `array`, `map`, `enum`, or a type name.
    pub(super) name: String,
    /// Element type of an `array`, value type of a `map`.
    pub(super) items: Option<String>,
    /// Not wrapped in `Option`.
    pub(super) required: bool,
}

const HINT: &str = "expected `String`, `i64`, `f64`, `bool`, `EpochMillis`, `serde_json::Value`, `ResultInfo`, `Vec<_>`, `BTreeMap<String, _>`, a type name, or one of these in `Option<_>`";

/// Reads a field's type. `is_enum` says the field declares its values, so a plain name is the
/// enum the attribute will write.
pub(super) fn spec_type(ty: &Type, is_enum: bool) -> syn::Result<SpecType> {
    let (inner, required) = match single_argument(ty, "Option") {
        Some(inner) => (inner, false),
        None => (ty, true),
    };
    if single_argument(inner, "Option").is_some() {
        return Err(syn::Error::new_spanned(
            inner,
            "`Option<Option<_>>` has no spec meaning; use `Option<_>` and `nullable`",
        ));
    }
    if is_enum {
        if plain_name(inner).is_none() {
            return Err(syn::Error::new_spanned(
                inner,
                "a field with `values` names the enum to write, such as `status: PassStatus`",
            ));
        }
        return Ok(SpecType {
            name: "enum".into(),
            items: None,
            required,
        });
    }
    if let Some(element) = single_argument(inner, "Vec") {
        return Ok(SpecType {
            name: "array".into(),
            items: Some(item_name(element)?),
            required,
        });
    }
    if let Some(value) = map_value(inner)? {
        return Ok(SpecType {
            name: "map".into(),
            items: Some(item_name(value)?),
            required,
        });
    }
    Ok(SpecType {
        name: item_name(inner)?,
        items: None,
        required,
    })
}

/// The enum name a `values` field declares.
pub(super) fn enum_name(ty: &Type) -> Option<syn::Ident> {
    let inner = single_argument(ty, "Option").unwrap_or(ty);
    plain_name(inner)
}

/// A type that declares nothing: a built-in, or a type the user wrote.
fn item_name(ty: &Type) -> syn::Result<String> {
    let Type::Path(path) = ty else {
        return Err(syn::Error::new_spanned(ty, HINT));
    };
    if path.qself.is_some() {
        return Err(syn::Error::new_spanned(ty, HINT));
    }
    let last = path.path.segments.last().map(|s| s.ident.to_string());
    let built_in = match last.as_deref() {
        Some("String") => "string",
        Some("i64") => "integer",
        Some("f64") => "number",
        Some("bool") => "boolean",
        Some("EpochMillis") => "timestamp",
        Some("Value") => "json",
        Some("ResultInfo") => "result",
        Some(
            other @ ("i8" | "i16" | "i32" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64"
            | "u128" | "usize" | "f32" | "str" | "HashMap" | "Option" | "Vec" | "BTreeMap"),
        ) => {
            return Err(syn::Error::new_spanned(
                ty,
                format!("`{other}` is not a spec type here; {HINT}"),
            ));
        }
        _ => "",
    };
    if !built_in.is_empty() {
        return Ok(built_in.to_owned());
    }
    let tokens = quote::quote!(#path).to_string().replace(' ', "");
    Ok(tokens)
}

/// `T` of `Name<T>`, matched on the last path segment.
fn single_argument<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    if segment.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [GenericArgument::Type(inner)] => Some(inner),
        _ => None,
    }
}

/// `V` of `BTreeMap<String, V>`; an error for any other map.
fn map_value(ty: &Type) -> syn::Result<Option<&Type>> {
    let Type::Path(path) = ty else {
        return Ok(None);
    };
    let Some(segment) = path.path.segments.last() else {
        return Ok(None);
    };
    if segment.ident != "BTreeMap" {
        return Ok(None);
    }
    let wrong =
        || syn::Error::new_spanned(ty, "a map is `BTreeMap<String, _>`: JSON keys are strings");
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return Err(wrong());
    };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [GenericArgument::Type(key), GenericArgument::Type(value)]
            if item_name(key).ok().as_deref() == Some("string") =>
        {
            Ok(Some(value))
        }
        _ => Err(wrong()),
    }
}

fn plain_name(ty: &Type) -> Option<syn::Ident> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() || path.path.segments.len() != 1 {
        return None;
    }
    let segment = &path.path.segments[0];
    matches!(segment.arguments, PathArguments::None).then(|| segment.ident.clone())
}
