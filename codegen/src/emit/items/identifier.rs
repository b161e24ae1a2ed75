//! Identifier newtypes: a `String` on the wire, its own type in Rust, so a pass ID cannot be
//! passed where a merchant ID is expected.

use super::enums::trait_impl;
use crate::emit::options::EmitOptions;
use crate::emit::syntax::docs;
use crate::emit::syntax::type_paths::serde_derives;
use crate::emit::syntax::{Code, Function, Line, call, generic, items, seq, statements};
use crate::model::IdentifierDef;

/// The newtype with `#[serde(transparent)]` (the wire format is the bare string), built from
/// `&str` and `String`, read as `&str` (`as_str`, `Deref`) or taken back with `into_inner`.
pub(crate) fn identifier(def: &IdentifierDef, options: &EmitOptions) -> Vec<Line> {
    let name = def.name.as_str();
    let described = def
        .description
        .clone()
        .unwrap_or_else(|| format!("A `{name}`."));
    let doc = docs::paragraphs([
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
    let method = |head: &str, output: &str, value: &str| {
        Line::from(Function::new(
            head,
            [output_self(head)],
            Some(output.into()),
            statements([value]),
        ))
    };
    let conversion = |from: &str, value: &str| {
        let function = Function::new(
            "fn from",
            [format!("value: {from}").into()],
            Some("Self".into()),
            statements([value]),
        );
        trait_impl(generic("From", [from.into()]), name, vec![function.into()])
    };
    let as_str = |trait_path: &str, function: &str| {
        let function = Function::new(
            function,
            ["&self".into()],
            Some("&str".into()),
            statements(["&self.0"]),
        );
        trait_impl(trait_path, name, vec![function.into()])
    };
    let equals = |other: &str, value: &str| {
        let eq = Function::new(
            "fn eq",
            ["&self".into(), format!("other: &{other}").into()],
            Some("bool".into()),
            statements([value]),
        );
        trait_impl(generic("PartialEq", [other.into()]), name, vec![eq.into()])
    };
    let deref = vec![
        Line::from(Code::from("type Target = str;")),
        Function::new(
            "fn deref",
            ["&self".into()],
            Some("&str".into()),
            statements(["&self.0"]),
        )
        .into(),
    ];
    let fmt = Function::new(
        "fn fmt",
        ["&self".into(), "f: &mut std::fmt::Formatter<'_>".into()],
        Some("std::fmt::Result".into()),
        statements(["f.write_str(&self.0)"]),
    );
    vec![
        declaration,
        items(
            format!("impl {name}"),
            vec![
                Line {
                    docs: "The identifier as text.".into(),
                    ..method("pub fn as_str", "&str", "&self.0")
                },
                Line {
                    docs: "The identifier's `String`.".into(),
                    ..method("pub fn into_inner", "String", "self.0")
                },
            ],
        )
        .into(),
        conversion("&str", "Self(value.to_owned())"),
        conversion("String", "Self(value)"),
        conversion(&format!("&{name}"), "value.clone()")
            .commented("So an ID read from one response goes into the next request as `&id`."),
        items(
            seq([generic("impl From", [name.into()]), " for String".into()]),
            vec![
                Function::new(
                    "fn from",
                    [format!("value: {name}").into()],
                    Some("Self".into()),
                    statements(["value.0"]),
                )
                .into(),
            ],
        )
        .into(),
        trait_impl("std::ops::Deref", name, deref).commented(
            "Like a string ID in any SDK: read it as `&str` (`starts_with`, `len`, `&*id`); what\n\
             cannot happen is building one kind of ID from another.",
        ),
        as_str("AsRef<str>", "fn as_ref"),
        as_str("std::borrow::Borrow<str>", "fn borrow"),
        trait_impl("std::fmt::Display", name, vec![fmt.into()]),
        equals("str", "self.0 == other"),
        equals("&str", "self.0 == *other"),
    ]
}

/// `&self`, or `self` for a method that takes the value.
fn output_self(head: &str) -> Code {
    if head.contains("into_") {
        "self"
    } else {
        "&self"
    }
    .into()
}
