//! `impl Resolvable` for an endpoint whose spec has a `resolution`: the types of its inquiry
//! and its cancel, and the facts the runtime's resolver follows. Nothing about any endpoint is
//! written in the runtime; this is all it knows.

use crate::emit::context::Context;
use crate::emit::idioms::trait_impl;
use crate::emit::runtime_type as rt;
use crate::emit::syntax::code::Delimiter;
use crate::emit::syntax::lexical::literal;
use crate::emit::syntax::{Code, Element, call, list, seq, struct_literal};
use crate::model::{EndpointDef, ResolutionDef};

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

/// `super::module::Name`: a type of another endpoint's module.
fn sibling(endpoint: &EndpointDef, name: &str) -> String {
    format!("super::{}::{name}", endpoint.module)
}

fn resolution_value(cx: &Context, resolution: &ResolutionDef) -> Code {
    let strings = |items: &[String]| {
        seq([
            "&".into(),
            list(Delimiter::Bracket, items.iter().map(|i| literal(i).into())),
        ])
    };
    let field = |name: &str, value: Code| seq([name.into(), ": ".into(), value]);
    let inquiry = match &resolution.inquire_with {
        None => cx.rt_member(rt::INQUIRY_RULE, "Resend"),
        Some(_) => {
            let outcome = match &resolution.outcome {
                Some(field) => call("Some", [literal(field).into()]),
                None => "None".into(),
            };
            struct_literal(
                cx.rt_member(rt::INQUIRY_RULE, "Inquire"),
                [
                    field("outcome_field", outcome),
                    field("not_found", strings(&resolution.not_found)),
                ],
            )
        }
    };
    struct_literal(
        cx.rt(rt::RESOLUTION),
        [
            field("carry", strings(&resolution.carry)),
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
