//! The shapes every enum of wire values shares, value enums (`items/enums.rs`) and result
//! codes (`items/result_codes.rs`) alike: a variant per value, `as_str` and `Display` as the
//! wire value, and the open enum, which keeps values it does not know.

use super::context::{Context, Serde};
use super::idioms::{inherent_impl, trait_impl};
use super::runtime_type as rt;
use super::syntax::lexical::literal;
use super::syntax::{
    Code, Element, Function, body, call, generic, item_block, match_on, seq, short_fn,
};

/// One variant to emit.
pub(crate) struct Variant {
    pub ident: String,
    pub wire: String,
    pub doc: String,
}

/// `pub enum name { members }`.
pub(crate) fn enum_body(name: &str, members: Vec<Element>) -> Code {
    body(seq(["pub enum ".into(), name.into()]), members)
}

/// A variant's line: its docs and `Ident,`.
pub(crate) fn variant_line(variant: &Variant) -> Element {
    Element::documented(
        variant.doc.clone(),
        seq([variant.ident.as_str().into(), ",".into()]),
    )
}

/// `Display` as the wire value.
pub(crate) fn display(name: &str) -> Element {
    let parameters = ["&self", "f: &mut std::fmt::Formatter<'_>"];
    let fmt = short_fn(
        "fn fmt",
        &parameters,
        "std::fmt::Result",
        &["f.write_str(self.as_str())"],
    );
    trait_impl("std::fmt::Display", name, vec![fmt])
}

/// An enum that keeps unknown values; `methods` go in its inherent `impl` after `as_str`.
pub(crate) fn open_enum(
    cx: &Context,
    name: &str,
    doc: &str,
    variants: &[Variant],
    methods: Vec<Element>,
) -> Vec<Element> {
    let unknown = Element::documented(
        // Two lines, as a doc comment in the source would be.
        "A value this version does not know, kept as received. Only parsing makes one:\n\
         a known value always parses as its own variant.",
        seq([call("Unknown", [cx.rt(rt::UNKNOWN_VALUE)]), ",".into()]),
    );
    let members = variants.iter().map(variant_line).chain([unknown]).collect();
    let declaration = Element::documented(doc, enum_body(name, members))
        .with("derive(Debug, Clone, PartialEq, Eq, Hash)")
        .with("non_exhaustive");
    let unknown_arm = ("Self::Unknown(value)".into(), "value.as_str()".into());
    let as_str = Function::new(
        "pub fn as_str",
        ["&self".into()],
        Some("&str".into()),
        vec![
            match_on(
                "self",
                to_wire_arms(variants).into_iter().chain([unknown_arm]),
            )
            .into(),
        ],
    )
    .with_docs("The wire value.");
    let from_wire = variants
        .iter()
        .map(|v| (literal(&v.wire).into(), self_variant(v)))
        .chain([(
            "other".into(),
            call(
                "Self::Unknown",
                [call(
                    cx.rt_member(rt::UNKNOWN_VALUE, "__from_unmatched_wire_value"),
                    ["other".into()],
                )],
            ),
        )]);
    let from = Function::new(
        "fn from",
        ["value: &str".into()],
        Some("Self".into()),
        vec![match_on("value", from_wire).into()],
    );
    // Serialized and parsed as the wire value, through `as_str` and `From<&str>`.
    let serialize = Function::new(
        seq([
            "fn serialize".into(),
            generic("", [seq(["S: ".into(), cx.serde(Serde::Serializer)])]),
        ]),
        ["&self".into(), "serializer: S".into()],
        Some("Result<S::Ok, S::Error>".into()),
        vec![Code::from("serializer.serialize_str(self.as_str())").into()],
    );
    let deserializer = generic(cx.serde(Serde::Deserializer), ["'de".into()]);
    let read = seq([
        "let value = <String as ".into(),
        cx.serde(Serde::Deserialize),
        ">::deserialize(deserializer)?;".into(),
    ]);
    let deserialize = Function::new(
        seq([
            "fn deserialize".into(),
            generic("", [seq(["D: ".into(), deserializer])]),
        ]),
        ["deserializer: D".into()],
        Some("Result<Self, D::Error>".into()),
        vec![
            read.into(),
            Code::from("Ok(Self::from(value.as_str()))").into(),
        ],
    );
    vec![
        declaration,
        inherent_impl(
            name,
            [Element::from(as_str)].into_iter().chain(methods).collect(),
        ),
        trait_impl(generic("From", ["&str".into()]), name, vec![from.into()]),
        display(name),
        trait_impl(cx.serde(Serde::Serialize), name, vec![serialize.into()]),
        item_block(
            seq([
                generic("impl", ["'de".into()]),
                " ".into(),
                generic(cx.serde(Serde::Deserialize), ["'de".into()]),
                " for ".into(),
                name.into(),
            ]),
            vec![deserialize.into()],
        )
        .into(),
    ]
}

/// `Self::Variant`.
fn self_variant(variant: &Variant) -> Code {
    seq(["Self::".into(), variant.ident.as_str().into()])
}

/// `Self::Variant => "wire"` for each variant.
pub(crate) fn to_wire_arms(variants: &[Variant]) -> Vec<(Code, Code)> {
    variants
        .iter()
        .map(|v| (self_variant(v), literal(&v.wire).into()))
        .collect()
}
