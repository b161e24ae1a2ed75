//! Enums of string values: closed ones derive serde; open ones (reachable from a response, and
//! result codes) are `#[non_exhaustive]` and keep unknown values in `Unknown(UnknownValue)`,
//! which only parsing makes, so new server values never break parsing and a new variant never
//! breaks a `match`.

use crate::describe;
use crate::emit::context::Context;
use crate::emit::idioms::{derive, inherent_impl, serde_rename, validate_impl};
use crate::emit::runtime_type as rt;
use crate::emit::syntax::{Code, Element, Function, body, call, match_on, seq, struct_literal};
use crate::emit::value_enums::{
    Variant, display, enum_body, open_enum, to_wire_arms, variant_line,
};
use crate::model::EnumDef;

/// A value enum from the spec.
pub(crate) fn value_enum(cx: &Context, def: &EnumDef) -> Vec<Element> {
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
        lines.push(validate_impl(cx, &def.name, vec![check.into()]));
        lines
    } else {
        closed_enum(cx, &def.name, &doc, &variants)
    };
    lines.extend(transitions(def));
    lines
}

/// `can_become`, for an enum that is a state with documented transitions.
fn transitions(def: &EnumDef) -> Option<Element> {
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
    .with_docs(describe::transitions_doc(def));
    Some(inherent_impl(&def.name, vec![can_become.into()]))
}

fn closed_enum(cx: &Context, name: &str, doc: &str, variants: &[Variant]) -> Vec<Element> {
    let derives = ["Debug", "Clone", "Copy", "PartialEq", "Eq", "Hash"].map(Code::from);
    let members = variants
        .iter()
        .map(|v| variant_line(v).with(serde_rename(&v.wire)))
        .collect();
    let declaration = Element::documented(doc, enum_body(name, members))
        .with(derive(derives.into_iter().chain(cx.serde_derives())))
        .with_all(cx.serde_crate_attribute());
    let as_str = Function::new(
        "pub const fn as_str",
        ["self".into()],
        Some("&'static str".into()),
        vec![match_on("self", to_wire_arms(variants)).into()],
    )
    .with_docs("The wire value.");
    vec![
        declaration,
        inherent_impl(name, vec![as_str.into()]),
        display(name),
    ]
}
