//! `impl Resolvable` for an endpoint whose spec has a `resolution`: the types of its inquiry
//! and its cancel, and the facts the runtime's resolver follows; and `impl Settles` for a
//! notification whose spec says which call it settles. Nothing about any endpoint is written
//! in the runtime; this is all it knows.

use crate::emit::context::Context;
use crate::emit::idioms::trait_impl;
use crate::emit::runtime_type as rt;
use crate::emit::syntax::code::Delimiter;
use crate::emit::syntax::lexical::literal;
use crate::emit::syntax::{Code, Element, call, list, seq, struct_literal};
use crate::model::{EndpointDef, ResolutionDef, SettlesDef};

/// The impl, or `None` for an endpoint without a resolution.
pub(crate) fn resolvable_impl(
    cx: &Context,
    endpoint: &EndpointDef,
    codes: Code,
) -> Option<Element> {
    let resolution = endpoint.resolution.as_ref()?;
    let own = || {
        (
            endpoint.request.name.clone(),
            endpoint.response.type_name().to_owned(),
        )
    };
    let types_of = |name: &Option<String>| match name.as_ref().and_then(|n| cx.api.endpoints.get(n))
    {
        Some(other) => (
            sibling(other, &other.request.name),
            sibling(other, other.response.type_name()),
        ),
        None => own(),
    };
    let (inquiry, inquiry_answer) = types_of(&resolution.inquire_with);
    let (cancel, _) = types_of(&resolution.cancel_with);
    let ty = |name: &str, value: String| -> Element {
        seq([
            "type ".into(),
            name.into(),
            " = ".into(),
            value.into(),
            ";".into(),
        ])
        .into()
    };
    let lines = vec![
        ty("Answer", endpoint.response.type_name().to_owned()),
        seq(["type Code = ".into(), codes, ";".into()]).into(),
        ty("Inquiry", inquiry),
        ty("InquiryAnswer", inquiry_answer),
        ty("Cancel", cancel),
        seq([
            "const RESOLUTION: ".into(),
            cx.rt(rt::RESOLUTION),
            " = ".into(),
            resolution_value(cx, resolution),
            ";".into(),
        ])
        .into(),
    ];
    Some(trait_impl(
        cx.rt(rt::RESOLVABLE),
        &endpoint.request.name,
        lines,
    ))
}

/// `impl Settles`, or `None` for an endpoint that settles no call.
pub(crate) fn settles_impl(cx: &Context, endpoint: &EndpointDef) -> Option<Element> {
    let settles: &SettlesDef = endpoint.settles.as_ref()?;
    let call = cx.api.endpoints.get(&settles.call)?;
    let key = list(
        Delimiter::Bracket,
        settles.key.iter().map(|k| literal(k).into()),
    );
    let lines = vec![
        seq([
            "type Call = ".into(),
            sibling(call, &call.request.name).into(),
            ";".into(),
        ])
        .into(),
        seq([
            "const KEY: &'static [&'static str] = &".into(),
            key,
            ";".into(),
        ])
        .into(),
        seq([
            "const OUTCOME: &'static str = ".into(),
            literal(&settles.outcome).into(),
            ";".into(),
        ])
        .into(),
    ];
    Some(trait_impl(
        cx.rt(rt::SETTLES),
        &endpoint.request.name,
        lines,
    ))
}

/// `super::module::Name`: a type of another endpoint's module.
fn sibling(endpoint: &EndpointDef, name: &str) -> String {
    format!("super::{}::{name}", endpoint.module)
}

fn resolution_value(cx: &Context, resolution: &ResolutionDef) -> Code {
    let text = |item: &str| -> Code { literal(item).into() };
    let strings = |items: Vec<Code>| seq(["&".into(), list(Delimiter::Bracket, items)]);
    let field = |name: &str, value: Code| seq([name.into(), ": ".into(), value]);
    let inquiry = match (&resolution.inquire_with, &resolution.reached) {
        (None, _) => cx.rt_member(rt::INQUIRY_RULE, "Resend"),
        (Some(_), Some((theirs, ours))) => struct_literal(
            cx.rt_member(rt::INQUIRY_RULE, "Reached"),
            [field("field", text(theirs)), field("equals", text(ours))],
        ),
        (Some(_), None) => {
            let outcome = match &resolution.outcome {
                Some(field) => call("Some", [literal(field).into()]),
                None => "None".into(),
            };
            struct_literal(
                cx.rt_member(rt::INQUIRY_RULE, "Inquire"),
                [
                    field("outcome_field", outcome),
                    field(
                        "not_found",
                        strings(resolution.not_found.iter().map(|c| text(c)).collect()),
                    ),
                ],
            )
        }
    };
    let (same, renamed): (Vec<_>, Vec<_>) = resolution.carry.iter().partition(|c| c.to == c.from);
    let renamed = renamed
        .iter()
        .map(|c| list(Delimiter::Parenthesis, [text(&c.to), text(&c.from)]))
        .collect();
    struct_literal(
        cx.rt(rt::RESOLUTION),
        [
            field("carry", strings(same.iter().map(|c| text(&c.to)).collect())),
            field("carry_renamed", strings(renamed)),
            field("inquiry", inquiry),
            field(
                "cancels",
                if resolution.cancel_with.is_some() {
                    "true"
                } else {
                    "false"
                }
                .into(),
            ),
        ],
    )
}
