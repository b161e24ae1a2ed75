//! `webhooks::Notification`: every inbound endpoint by its spec name, for a tool that sends
//! one as AlipayHK does (the local gateway's `notify` command), so such a tool follows the
//! spec instead of a list of its own.

use super::endpoint::{any_group_gate, group_gate};
use crate::emit::options::EmitOptions;
use crate::emit::syntax::code::Delimiter;
use crate::emit::syntax::type_paths::literal;
use crate::emit::syntax::{Code, Function, Line, body, call, items, list, seq};
use crate::model::{Api, EndpointDef, Flow};

/// The enum and its `impl`.
pub(crate) fn notification_enum(api: &Api, options: &EmitOptions) -> Vec<Line> {
    let rt = &options.runtime;
    let inbound: Vec<&EndpointDef> = api
        .endpoints
        .values()
        .filter(|e| e.flow == Flow::Inbound)
        .collect();
    let variant = |e: &EndpointDef| e.request.name.trim_end_matches("Request").to_owned();
    let gated = |line: Line, e: &EndpointDef| line.with_all(group_gate(e));
    let variants = inbound
        .iter()
        .map(|e| {
            let line = Line::documented(
                format!("`{}`.", e.name),
                format!("{}(crate::{}),", variant(e), e.request.name),
            );
            gated(line, e)
        })
        .collect();
    let declaration = Line::documented(
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
    let names = Line::documented(
        "The spec names, in order.",
        seq([
            "pub const NAMES: &'static [&'static str] = &".into(),
            names,
            ";".into(),
        ]),
    );
    let input = format!("{rt}::notifications::NotificationInput");
    let parse_arms = inbound
        .iter()
        .map(|e| {
            let read = call(
                format!("{rt}::notifications::read_notification"),
                [literal(&e.name).into(), "body".into()],
            );
            let value = seq([read, format!(".map(Self::{})", variant(e)).into()]);
            gated(
                Line::from(seq([
                    literal(&e.name).into(),
                    " => ".into(),
                    value,
                    ",".into(),
                ])),
                e,
            )
        })
        .chain([Line::from(seq([
            "other => Err(".into(),
            seq([
                format!("{input}::UnknownName ").into(),
                list(
                    Delimiter::Brace,
                    [
                        "name: other.to_owned()".into(),
                        "known: Self::NAMES.to_vec()".into(),
                    ],
                ),
            ]),
            "),".into(),
        ]))])
        .collect();
    let parse = Function::new(
        "pub fn parse",
        [
            "name: &str".into(),
            format!("body: {rt}::serde_json::Value").into(),
        ],
        Some(format!("Result<Self, {input}>").into()),
        vec![body("match name", parse_arms).into()],
    )
    .documented("`body` as the notification called `name`, validated as a request is.");
    let send_arms = inbound
        .iter()
        .map(|e| {
            let untyped = call(".map_err", [format!("{rt}::Error::into_untyped").into()]);
            let statements = vec![
                Line::from(seq([
                    "let answer = client.execute(request).await".into(),
                    untyped,
                    "?;".into(),
                ])),
                Code::from(format!(
                    "Ok({rt}::serde_json::to_value(answer).unwrap_or_default())"
                ))
                .into(),
            ];
            gated(
                Line::from(body(
                    format!("Self::{}(request) =>", variant(e)),
                    statements,
                )),
                e,
            )
        })
        .collect();
    let mut send = Function::new(
        "pub async fn send",
        ["&self".into(), format!("client: &{rt}::Client").into()],
        Some(format!("Result<{rt}::serde_json::Value, {rt}::Error>").into()),
        vec![body("match self", send_arms).into()],
    )
    .documented(
        "Sends it with `client`, configured as AlipayHK (its key signs, the merchant's verifies\n\
         the answer), and returns the merchant's verified answer as JSON.",
    );
    send.attributes.push("cfg(feature = \"client\")".into());
    // Compiled with the groups of its variants: an enum left without any would not match.
    let gate = any_group_gate(inbound.iter().copied());
    let methods = vec![names, parse.into(), send.into()];
    vec![
        declaration.with_all(gate.clone()),
        Line::from(items("impl Notification", methods)).with_all(gate),
    ]
}
