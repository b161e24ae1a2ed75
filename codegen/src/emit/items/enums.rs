//! Enums of string values: closed ones derive serde; open ones (reachable from a response, and
//! result codes) are `#[non_exhaustive]` and keep unknown values in `Unknown(UnknownValue)`,
//! which only parsing makes, so new server values never break parsing and a new variant never
//! breaks a `match`.

use super::validate::validate_impl_with;
use crate::describe;
use crate::emit::context::{Context, Serde};
use crate::emit::idioms::{derive, inherent_impl, serde_rename, trait_impl};
use crate::emit::runtime_type as rt;
use crate::emit::syntax::lexical::literal;
use crate::emit::syntax::{
    Code, Function, Line, body, call, generic, items, match_on, method, seq, struct_literal,
};
use crate::model::EnumDef;

/// One variant to emit.
pub(super) struct Variant {
    pub ident: String,
    pub wire: String,
    pub doc: String,
}

/// A value enum from the spec.
pub(crate) fn value_enum(cx: &Context, def: &EnumDef) -> Vec<Line> {
    let doc = describe::enum_doc(def);
    let variants: Vec<Variant> = def
        .values
        .iter()
        .map(|v| Variant {
            ident: v.variant.clone(),
            wire: v.wire.clone(),
            doc: describe::paragraphs([
                v.description
                    .clone()
                    .unwrap_or_else(|| describe::wire_value(&v.wire)),
                describe::provenance(&v.provenance),
            ]),
        })
        .collect();
    let mut lines = if def.open {
        let mut lines = open_enum(cx, &def.name, &doc, &variants, Vec::new());
        let rule = struct_literal(
            cx.rt_member(rt::RULE, "UnknownValue"),
            ["value: value.as_str().to_owned()".into()],
        );
        let violation = call(cx.rt_member(rt::VIOLATION, "new"), ["path".into(), rule]);
        let push = seq([call("violations.push", [violation]), ";".into()]);
        let check = body("if let Self::Unknown(value) = self", vec![push.into()]);
        lines.push(validate_impl_with(cx, &def.name, vec![check.into()]));
        lines
    } else {
        closed_enum(cx, &def.name, &doc, &variants)
    };
    lines.extend(transitions(def));
    lines
}

/// `can_become`, for an enum that is a state with documented transitions.
fn transitions(def: &EnumDef) -> Option<Line> {
    if def.transitions.is_empty() {
        return None;
    }
    let arms = def
        .transitions
        .iter()
        .filter(|t| !t.to.is_empty())
        .map(|t| {
            let to: Vec<String> = t.to.iter().map(|v| format!("Self::{v}")).collect();
            let pattern = seq(["Self::".into(), t.from.as_str().into()]);
            (
                pattern,
                call("matches!", ["next".into(), to.join(" | ").into()]),
            )
        })
        .chain([("_".into(), "false".into())]);
    let can_become = Function::new(
        "pub fn can_become",
        ["&self".into(), "next: &Self".into()],
        Some("bool".into()),
        vec![match_on("self", arms).into()],
    )
    .documented(describe::transitions_doc(def));
    Some(inherent_impl(&def.name, vec![can_become.into()]))
}

fn closed_enum(cx: &Context, name: &str, doc: &str, variants: &[Variant]) -> Vec<Line> {
    let derives = ["Debug", "Clone", "Copy", "PartialEq", "Eq", "Hash"].map(Code::from);
    let members = variants
        .iter()
        .map(|v| variant_line(v).with(serde_rename(&v.wire)))
        .collect();
    let declaration = Line::documented(doc, enum_body(name, members))
        .with(derive(derives.into_iter().chain(cx.serde_derives())))
        .with_all(cx.serde_crate_attribute());
    let as_str = Function::new(
        "pub const fn as_str",
        ["self".into()],
        Some("&'static str".into()),
        vec![match_on("self", to_wire_arms(variants)).into()],
    )
    .documented("The wire value.");
    vec![
        declaration,
        inherent_impl(name, vec![as_str.into()]),
        display(name),
    ]
}

/// `pub enum name { members }`.
fn enum_body(name: &str, members: Vec<Line>) -> Code {
    body(seq(["pub enum ".into(), name.into()]), members)
}

/// A variant's line: its docs and `Ident,`.
fn variant_line(variant: &Variant) -> Line {
    Line::documented(
        variant.doc.clone(),
        seq([variant.ident.as_str().into(), ",".into()]),
    )
}

/// `Display` as the wire value.
fn display(name: &str) -> Line {
    let parameters = ["&self", "f: &mut std::fmt::Formatter<'_>"];
    let fmt = method(
        "fn fmt",
        &parameters,
        "std::fmt::Result",
        &["f.write_str(self.as_str())"],
    );
    trait_impl("std::fmt::Display", name, vec![fmt])
}

/// An enum that keeps unknown values; `methods` go in its inherent `impl` after `as_str`.
pub(super) fn open_enum(
    cx: &Context,
    name: &str,
    doc: &str,
    variants: &[Variant],
    methods: Vec<Line>,
) -> Vec<Line> {
    let unknown = Line::documented(
        // Two lines, as a doc comment in the source would be.
        "A value this version does not know, kept as received. Only parsing makes one:\n\
         a known value always parses as its own variant.",
        seq([call("Unknown", [cx.rt(rt::UNKNOWN_VALUE)]), ",".into()]),
    );
    let members = variants.iter().map(variant_line).chain([unknown]).collect();
    let declaration = Line::documented(doc, enum_body(name, members))
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
    .documented("The wire value.");
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
            [Line::from(as_str)].into_iter().chain(methods).collect(),
        ),
        trait_impl(generic("From", ["&str".into()]), name, vec![from.into()]),
        display(name),
        trait_impl(cx.serde(Serde::Serialize), name, vec![serialize.into()]),
        items(
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
fn to_wire_arms(variants: &[Variant]) -> Vec<(Code, Code)> {
    variants
        .iter()
        .map(|v| (self_variant(v), literal(&v.wire).into()))
        .collect()
}
