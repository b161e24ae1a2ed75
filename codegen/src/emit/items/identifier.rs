//! Identifier newtypes: a `String` on the wire, its own type in Rust, so a pass ID cannot be
//! passed where a merchant ID is expected.

use super::enums::trait_impl;
use crate::describe;
use crate::emit::options::EmitOptions;
use crate::emit::syntax::type_paths::serde_derives;
use crate::emit::syntax::{Code, Line, call, generic, items, method, seq};
use crate::model::IdentifierDef;

/// The newtype with `#[serde(transparent)]` (the wire format is the bare string), built from
/// `&str` and `String`, read as `&str` (`as_str`, `Deref`) or taken back with `into_inner`.
pub(crate) fn identifier(def: &IdentifierDef, options: &EmitOptions) -> Vec<Line> {
    let name = def.name.as_str();
    let described = def
        .description
        .clone()
        .unwrap_or_else(|| format!("A `{name}`."));
    let doc = describe::paragraphs([
        described,
        "A string on the wire. Build one from a `&str` or `String` (`\"…\".into()`); a field's \
         length limits are checked by the `validate()` of the request that holds it."
            .to_owned(),
    ]);
    let ([serialize, deserialize], serde_crate) = serde_derives(options);
    let derives = [
        "Debug",
        "Clone",
        "PartialEq",
        "Eq",
        "PartialOrd",
        "Ord",
        "Hash",
        &serialize,
        &deserialize,
    ];
    let declaration = Line::documented(doc, format!("pub struct {name}(String);"))
        .with(call("derive", derives.map(Code::from)))
        .with_all(serde_crate)
        .with("serde(transparent)");
    let from = |from: &str, value: &str| {
        let function = method("fn from", &[&format!("value: {from}")], "Self", &[value]);
        trait_impl(generic("From", [from.into()]), name, vec![function])
    };
    let as_str = |trait_path: &str, function: &str| {
        trait_impl(
            trait_path,
            name,
            vec![method(function, &["&self"], "&str", &["&self.0"])],
        )
    };
    let equals = |other: &str, value: &str| {
        let eq = method(
            "fn eq",
            &["&self", &format!("other: &{other}")],
            "bool",
            &[value],
        );
        trait_impl(generic("PartialEq", [other.into()]), name, vec![eq])
    };
    let fmt = ["&self", "f: &mut std::fmt::Formatter<'_>"];
    let into_string = method(
        "fn from",
        &[&format!("value: {name}")],
        "Self",
        &["value.0"],
    );
    vec![
        declaration,
        items(
            format!("impl {name}"),
            vec![
                Line {
                    docs: "The identifier as text.".into(),
                    ..method("pub fn as_str", &["&self"], "&str", &["&self.0"])
                },
                Line {
                    docs: "The identifier's `String`.".into(),
                    ..method("pub fn into_inner", &["self"], "String", &["self.0"])
                },
            ],
        )
        .into(),
        from("&str", "Self(value.to_owned())"),
        from("String", "Self(value)"),
        from(&format!("&{name}"), "value.clone()")
            .commented("So an ID read from one response goes into the next request as `&id`."),
        items(
            seq([generic("impl From", [name.into()]), " for String".into()]),
            vec![into_string],
        )
        .into(),
        trait_impl(
            "std::ops::Deref",
            name,
            vec![
                Code::from("type Target = str;").into(),
                method("fn deref", &["&self"], "&str", &["&self.0"]),
            ],
        )
        .commented(
            "Like a string ID in any SDK: read it as `&str` (`starts_with`, `len`, `&*id`); what\n\
             cannot happen is building one kind of ID from another.",
        ),
        as_str("AsRef<str>", "fn as_ref"),
        as_str("std::borrow::Borrow<str>", "fn borrow"),
        trait_impl(
            "std::fmt::Display",
            name,
            vec![method(
                "fn fmt",
                &fmt,
                "std::fmt::Result",
                &["f.write_str(&self.0)"],
            )],
        ),
        equals("str", "self.0 == other"),
        equals("&str", "self.0 == *other"),
    ]
}
