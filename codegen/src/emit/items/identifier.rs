//! Identifier newtypes: a `String` on the wire, its own type in Rust, so a pass ID cannot be
//! passed where a merchant ID is expected.

use crate::describe;
use crate::emit::context::Context;
use crate::emit::idioms::{derive, inherent_impl, trait_impl, validate_impl};
use crate::emit::syntax::{Code, Element, call, generic, item_block, seq, short_fn};
use crate::model::IdentifierDef;

/// The newtype with `#[serde(transparent)]` (the wire format is the bare string), built from
/// `&str` and `String`, read as `&str` (`as_str`, `Deref`) or taken back with `into_inner`.
pub(crate) fn identifier(cx: &Context, def: &IdentifierDef) -> Vec<Element> {
    let name = def.name.as_str();
    let derives = [
        "Debug",
        "Clone",
        "PartialEq",
        "Eq",
        "PartialOrd",
        "Ord",
        "Hash",
    ];
    let declaration = Element::documented(
        describe::identifier_doc(def),
        seq([
            call(seq(["pub struct ".into(), name.into()]), ["String".into()]),
            ";".into(),
        ]),
    )
    .with(derive(
        derives
            .map(Code::from)
            .into_iter()
            .chain(cx.serde_derives()),
    ))
    .with_all(cx.serde_crate_attribute())
    .with("serde(transparent)");
    let from = |from: &str, value: &str| {
        let parameter = format!("value: {from}");
        let function = short_fn("fn from", &[&parameter], "Self", &[value]);
        trait_impl(generic("From", [from.into()]), name, vec![function])
    };
    let as_str = |trait_path: &str, function: &str| {
        trait_impl(
            trait_path,
            name,
            vec![short_fn(function, &["&self"], "&str", &["&self.0"])],
        )
    };
    let equals = |other: &str, value: &str| {
        let eq = short_fn(
            "fn eq",
            &["&self", &format!("other: &{other}")],
            "bool",
            &[value],
        );
        trait_impl(generic("PartialEq", [other.into()]), name, vec![eq])
    };
    let fmt = ["&self", "f: &mut std::fmt::Formatter<'_>"];
    let into_string = short_fn(
        "fn from",
        &[&format!("value: {name}")],
        "Self",
        &["value.0"],
    );
    vec![
        declaration,
        inherent_impl(
            name,
            vec![
                short_fn("pub fn as_str", &["&self"], "&str", &["&self.0"])
                    .with_docs("The identifier as text."),
                short_fn("pub fn into_inner", &["self"], "String", &["self.0"])
                    .with_docs("The identifier's `String`."),
            ],
        ),
        from("&str", "Self(value.to_owned())"),
        from("String", "Self(value)"),
        from(&format!("&{name}"), "value.clone()")
            .commented("So an ID read from one response goes into the next request as `&id`."),
        item_block(
            seq([generic("impl From", [name.into()]), " for String".into()]),
            vec![into_string],
        )
        .into(),
        trait_impl(
            "std::ops::Deref",
            name,
            vec![
                Code::from("type Target = str;").into(),
                short_fn("fn deref", &["&self"], "&str", &["&self.0"]),
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
            vec![short_fn(
                "fn fmt",
                &fmt,
                "std::fmt::Result",
                &["f.write_str(&self.0)"],
            )],
        ),
        equals("str", "self.0 == other"),
        equals("&str", "self.0 == *other"),
        // Nothing to check by itself (its lengths belong to the field that holds it), but a
        // merchant's own spec can then hold one in a request: `type: alipayhk::MerchantId`.
        validate_impl(cx, name, Vec::new()),
    ]
}
