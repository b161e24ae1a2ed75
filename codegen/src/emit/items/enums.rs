//! Enums of string values: closed ones derive serde; open ones (reachable from a response, and
//! result codes) are `#[non_exhaustive]` and keep unknown values in `Unknown(UnknownValue)`,
//! which only parsing makes, so new server values never break parsing and a new variant never
//! breaks a `match`.

use super::validate::validate_impl_with;
use crate::describe;
use crate::emit::options::EmitOptions;
use crate::emit::syntax::type_paths::{literal, serde_derives, serde_path};
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
pub(crate) fn value_enum(def: &EnumDef, options: &EmitOptions) -> Vec<Line> {
    let doc = def
        .description
        .clone()
        .unwrap_or_else(|| format!("Values of `{}`.", def.name));
    let variants: Vec<Variant> = def
        .values
        .iter()
        .map(|v| Variant {
            ident: v.variant.clone(),
            wire: v.wire.clone(),
            doc: describe::paragraphs([
                v.description
                    .clone()
                    .unwrap_or_else(|| format!("`{}`", v.wire)),
                describe::provenance(&v.provenance),
            ]),
        })
        .collect();
    let mut lines = if def.open {
        let rt = &options.runtime;
        let mut lines = open_enum(&def.name, &doc, &variants, options, Vec::new());
        let rule = struct_literal(
            &format!("{rt}::Rule::UnknownValue"),
            ["value: value.as_str().to_owned()".into()],
        );
        let violation = call(format!("{rt}::Violation::new"), ["path".into(), rule]);
        let push = seq([call("violations.push", [violation]), ";".into()]);
        let check = body("if let Self::Unknown(value) = self", vec![push.into()]);
        lines.push(validate_impl_with(rt, &def.name, vec![check.into()]));
        lines
    } else {
        closed_enum(&def.name, &doc, &variants, options)
    };
    lines.extend(transitions(def));
    lines
}

/// `impl trait_path for name { items }`.
pub(super) fn trait_impl(trait_path: impl Into<Code>, name: &str, lines: Vec<Line>) -> Line {
    let head = seq([
        "impl ".into(),
        trait_path.into(),
        format!(" for {name}").into(),
    ]);
    items(head, lines).into()
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
            let pattern = format!("Self::{}", t.from).into();
            (
                pattern,
                format!("matches!(next, {})", to.join(" | ")).into(),
            )
        })
        .chain([("_".into(), "false".into())]);
    let list: Vec<String> = def
        .transitions
        .iter()
        .map(|t| {
            let wire = |variant: &str| {
                def.values
                    .iter()
                    .find(|v| v.variant == variant)
                    .map_or(variant.to_owned(), |v| format!("`{}`", v.wire))
            };
            let to: Vec<String> = t.to.iter().map(|v| wire(v)).collect();
            format!("- {} → {}", wire(&t.from), to.join(", "))
        })
        .collect();
    let can_become = Function::new(
        "pub fn can_become",
        ["&self".into(), "next: &Self".into()],
        Some("bool".into()),
        vec![match_on("self", arms).into()],
    )
    .documented(format!(
        "Whether a value may change to `next`, by the documented transitions:\n\n{}",
        list.join("\n")
    ));
    Some(items(format!("impl {}", def.name), vec![can_become.into()]).into())
}

fn closed_enum(name: &str, doc: &str, variants: &[Variant], options: &EmitOptions) -> Vec<Line> {
    let ([serialize, deserialize], serde_crate) = serde_derives(options);
    let derives = [
        "Debug",
        "Clone",
        "Copy",
        "PartialEq",
        "Eq",
        "Hash",
        &serialize,
        &deserialize,
    ];
    let members = variants
        .iter()
        .map(|v| {
            Line::documented(v.doc.clone(), format!("{},", v.ident))
                .with(format!("serde(rename = {})", literal(&v.wire)))
        })
        .collect();
    let declaration = Line::documented(doc, body(format!("pub enum {name}"), members))
        .with(call("derive", derives.map(Code::from)))
        .with_all(serde_crate);
    let as_str = Function::new(
        "pub const fn as_str",
        ["self".into()],
        Some("&'static str".into()),
        vec![match_on("self", to_wire_arms(variants)).into()],
    )
    .documented("The wire value.");
    vec![
        declaration,
        items(format!("impl {name}"), vec![as_str.into()]).into(),
        display(name),
    ]
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
    name: &str,
    doc: &str,
    variants: &[Variant],
    options: &EmitOptions,
    methods: Vec<Line>,
) -> Vec<Line> {
    let serde = serde_path(options);
    let rt = &options.runtime;
    let unknown = Line::documented(
        // Two lines, as a doc comment in the source would be.
        "A value this version does not know, kept as received. Only parsing makes one:\n\
         a known value always parses as its own variant.",
        format!("Unknown({rt}::UnknownValue),"),
    );
    let members = variants
        .iter()
        .map(|v| Line::documented(v.doc.clone(), format!("{},", v.ident)))
        .chain([unknown])
        .collect();
    let declaration = Line::documented(doc, body(format!("pub enum {name}"), members))
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
        .map(|v| (literal(&v.wire).into(), format!("Self::{}", v.ident).into()))
        .chain([(
            "other".into(),
            call(
                "Self::Unknown",
                [call(
                    format!("{rt}::UnknownValue::__from_unmatched_wire_value"),
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
    let serialize = method(
        &format!("fn serialize<S: {serde}::Serializer>"),
        &["&self", "serializer: S"],
        "Result<S::Ok, S::Error>",
        &["serializer.serialize_str(self.as_str())"],
    );
    let deserialize = method(
        &format!("fn deserialize<D: {serde}::Deserializer<'de>>"),
        &["deserializer: D"],
        "Result<Self, D::Error>",
        &[
            &format!("let value = <String as {serde}::Deserialize>::deserialize(deserializer)?;"),
            "Ok(Self::from(value.as_str()))",
        ],
    );
    vec![
        declaration,
        items(
            format!("impl {name}"),
            [Line::from(as_str)].into_iter().chain(methods).collect(),
        )
        .into(),
        trait_impl(generic("From", ["&str".into()]), name, vec![from.into()]),
        display(name),
        trait_impl(format!("{serde}::Serialize"), name, vec![serialize]),
        items(
            seq([
                generic("impl", ["'de".into()]),
                " ".into(),
                generic(format!("{serde}::Deserialize"), ["'de".into()]),
                format!(" for {name}").into(),
            ]),
            vec![deserialize],
        )
        .into(),
    ]
}

/// `Self::Variant => "wire"` for each variant.
fn to_wire_arms(variants: &[Variant]) -> Vec<(Code, Code)> {
    variants
        .iter()
        .map(|v| (format!("Self::{}", v.ident).into(), literal(&v.wire).into()))
        .collect()
}
