//! The docs of the items every type gets: the type itself when the spec says nothing,
//! constructors, setters, and the enums' transitions.

use crate::model::{EnumDef, FieldDef, IdentifierDef, MapKey, ObjectDef, ResultCodeDef};

/// A struct's docs: the spec's description, else its name; for an open object, what becomes
/// of the fields its page did not show.
pub(crate) fn object_doc(def: &ObjectDef) -> String {
    let described = def
        .description
        .clone()
        .unwrap_or_else(|| format!("The `{}` object.", def.name));
    let open = def.open.as_ref().map(|_| {
        "Open: AlipayHK's page for it is cut short, so it may have fields the spec does not\n\
         list. They are kept in `other_fields`: a received one is read there, and one set with\n\
         `other_field` is sent."
            .to_owned()
    });
    super::paragraphs([described].into_iter().chain(open))
}

/// `other_fields`' docs: why the object is open.
pub(crate) fn other_fields_doc(reason: &str) -> String {
    format!(
        "The fields AlipayHK's page did not show, as JSON by wire name: those received are kept\n\
         here, and those put here are sent beside the declared ones.\n\n\
         Why it is open: {}.",
        reason.trim_end_matches('.')
    )
}

/// `other_field`'s docs.
pub(crate) fn other_field_setter_doc() -> String {
    "Sets a field the spec does not list (its page is cut), by its wire name: it is sent\n\
     as given, unchecked."
        .to_owned()
}

/// An enum's docs: the spec's description, else its name.
pub(crate) fn enum_doc(def: &EnumDef) -> String {
    def.description
        .clone()
        .unwrap_or_else(|| format!("Values of `{}`.", def.name))
}

/// A variant's docs when the spec describes it not: its wire value.
pub(crate) fn wire_value(wire: &str) -> String {
    format!("`{wire}`")
}

/// `new`'s docs: what it takes, and how the rest is set.
pub(crate) fn constructor_doc(required: &[&FieldDef]) -> String {
    if required.is_empty() {
        return "Creates the value with every field unset; set fields with the builder methods."
            .to_owned();
    }
    let names: Vec<String> = required.iter().map(|f| wire_value(&f.wire_name)).collect();
    format!(
        "Creates the value from its required fields ({}); set optional ones with the builder methods.",
        names.join(", ")
    )
}

/// A setter's docs: what it sets, then the field's own docs and limits, so the builder method
/// is enough to read.
pub(crate) fn setter_doc(field: &FieldDef) -> String {
    super::paragraphs([
        format!("Sets `{}`.", field.wire_name),
        super::field_doc(field),
    ])
}

/// A map key setter's docs.
pub(crate) fn key_setter_doc(field: &FieldDef, key: &MapKey) -> String {
    super::paragraphs([
        format!("Sets `{}` in `{}`.", key.key, field.wire_name),
        key.description.clone().unwrap_or_default(),
    ])
}

/// `can_become`'s docs: the documented transitions, one per line.
pub(crate) fn transitions_doc(def: &EnumDef) -> String {
    let wire = |variant: &str| {
        def.values
            .iter()
            .find(|v| v.variant == variant)
            .map_or(variant.to_owned(), |v| wire_value(&v.wire))
    };
    let list: Vec<String> = def
        .transitions
        .iter()
        .map(|t| {
            let to: Vec<String> = t.to.iter().map(|v| wire(v)).collect();
            format!("- {} → {}", wire(&t.from), to.join(", "))
        })
        .collect();
    format!(
        "Whether a value may change to `next`, by the documented transitions:\n\n{}",
        list.join("\n")
    )
}

/// A result code's docs: the code, its status letter and message, and where it comes from.
pub(crate) fn result_code_doc(code: &ResultCodeDef) -> String {
    super::paragraphs([
        format!(
            "`{}` ({}): {}",
            code.code,
            super::status_letter(code.status),
            code.message
        ),
        super::provenance(&code.provenance),
    ])
}

/// A result-code enum's docs: whose codes they are, and what becomes of the others.
pub(crate) fn result_codes_doc(covers: &str) -> String {
    format!("{covers} Codes not listed here parse as `Unknown` and keep the wire value.")
}

/// An identifier newtype's docs: the spec's description, and how to make and check one.
pub(crate) fn identifier_doc(def: &IdentifierDef) -> String {
    let described = def
        .description
        .clone()
        .unwrap_or_else(|| format!("A `{}`.", def.name));
    super::paragraphs([
        described,
        "A string on the wire. Build one from a `&str` or `String` (`\"…\".into()`); a field's \
         length limits are checked by the `validate()` of the request that holds it."
            .to_owned(),
    ])
}
