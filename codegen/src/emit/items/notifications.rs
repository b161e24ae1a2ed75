//! `webhooks::Notification`: every inbound endpoint by its spec name, for a tool that sends
//! one as AlipayHK does (the local gateway's `notify` command), so such a tool follows the
//! spec instead of a list of its own.

use crate::emit::context::Context;
use crate::emit::idioms::{any_group_gate, feature_gate, group_gate, inherent_impl};
use crate::emit::runtime_type as rt;
use crate::emit::syntax::code::Delimiter;
use crate::emit::syntax::lexical::literal;
use crate::emit::syntax::{
    Code, Element, Function, body, call, generic, list, seq, struct_literal,
};
use crate::model::{EndpointDef, Flow};

/// The enum and its `impl`.
pub(crate) fn notification_enum(cx: &Context) -> Vec<Element> {
    let inbound: Vec<&EndpointDef> = cx
        .api
        .endpoints
        .values()
        .filter(|e| e.flow == Flow::Inbound)
        .collect();
    let variant = |e: &EndpointDef| e.request.name.trim_end_matches("Request").to_owned();
    let gated = |line: Element, e: &EndpointDef| line.with_all(group_gate(e));
    let variants = inbound
        .iter()
        .map(|e| {
            let request = seq(["crate::".into(), e.request.name.as_str().into()]);
            let line = Element::documented(
                format!("`{}`.", e.name),
                seq([call(variant(e), [request]), ",".into()]),
            );
            gated(line, e)
        })
        .collect();
    let declaration = Element::documented(
        "Every notification of the spec, by name: for a tool that sends one as AlipayHK does \
         (the local gateway's `notify` command).",
        body("pub enum Notification", variants),
    )
    .with("derive(Debug, Clone)")
    .with("non_exhaustive");
    let names = list(
        Delimiter::Bracket,
        inbound.iter().map(|e| Code::from(literal(&e.name))),
    );
    let names = Element::documented(
        "The spec names, in order.",
        seq([
            "pub const NAMES: &'static [&'static str] = &".into(),
            names,
            ";".into(),
        ]),
    );
    let parse_arms = inbound
        .iter()
        .map(|e| {
            let read = call(
                cx.rt(rt::READ_NOTIFICATION),
                [literal(&e.name).into(), "body".into()],
            );
            let to_variant = seq(["Self::".into(), variant(e).into()]);
            let value = seq([read, call(".map", [to_variant])]);
            gated(
                Element::from(seq([
                    literal(&e.name).into(),
                    " => ".into(),
                    value,
                    ",".into(),
                ])),
                e,
            )
        })
        .chain([Element::from(seq([
            "other => Err(".into(),
            struct_literal(
                cx.rt_member(rt::NOTIFICATION_INPUT, "UnknownName"),
                [
                    "name: other.to_owned()".into(),
                    "known: Self::NAMES.to_vec()".into(),
                ],
            ),
            "),".into(),
        ]))])
        .collect();
    let parse = Function::new(
        "pub fn parse",
        [
            "name: &str".into(),
            seq(["body: ".into(), cx.rt(rt::JSON_VALUE)]),
        ],
        Some(generic(
            "Result",
            ["Self".into(), cx.rt(rt::NOTIFICATION_INPUT)],
        )),
        vec![body("match name", parse_arms).into()],
    )
    .with_docs("`body` as the notification called `name`, validated as a request is.");
    let send_arms = inbound
        .iter()
        .map(|e| {
            let untyped = call(".map_err", [cx.rt_member(rt::ERROR, "into_untyped")]);
            let statements = vec![
                Element::from(seq([
                    "let answer = client.execute(request).await".into(),
                    untyped,
                    "?;".into(),
                ])),
                Element::from(call(
                    "Ok",
                    [seq([
                        call(cx.rt(rt::JSON_TO_VALUE), ["answer".into()]),
                        ".unwrap_or_default()".into(),
                    ])],
                )),
            ];
            gated(
                Element::from(body(
                    seq([
                        call(
                            seq(["Self::".into(), variant(e).into()]),
                            ["request".into()],
                        ),
                        " =>".into(),
                    ]),
                    statements,
                )),
                e,
            )
        })
        .collect();
    let send = Function::new(
        "pub async fn send",
        ["&self".into(), seq(["client: &".into(), cx.rt(rt::CLIENT)])],
        Some(generic("Result", [cx.rt(rt::JSON_VALUE), cx.rt(rt::ERROR)])),
        vec![body("match self", send_arms).into()],
    )
    .with_docs(
        "Sends it with `client`, configured as AlipayHK (its key signs, the merchant's verifies\n\
         the answer), and returns the merchant's verified answer as JSON.",
    )
    .with(feature_gate("client"));
    // Compiled with the groups of its variants: an enum left without any would not match.
    let gate = any_group_gate(inbound.iter().copied());
    let methods = vec![names, parse.into(), send.into()];
    vec![
        declaration.with_all(gate.clone()),
        inherent_impl("Notification", methods).with_all(gate),
    ]
}
