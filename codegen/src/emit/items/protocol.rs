//! `Endpoint::PROTOCOL` for an endpoint on the v1 head/body envelope: its family's rules,
//! written out in full so the generated code says what is signed and how without a lookup.

use crate::emit::context::Context;
use crate::emit::runtime_type as rt;
use crate::emit::syntax::lexical::literal;
use crate::emit::syntax::{Code, call, seq, struct_literal};
use crate::model::HeadBodyDef;

/// `Protocol::HeadBody(HeadBody { rules: HeadBodyRules { ... }, function: "..." })`.
pub(crate) fn head_body_value(cx: &Context, def: &HeadBodyDef) -> Code {
    let rules = &def.rules;
    let signed = rules.signed.value.variant();
    let algorithm = rules.algorithm.value.variant();
    let encoding = rules.encoding.value.variant();
    let field = |name: &str, value: Code| seq([name.into(), ": ".into(), value]);
    let rules = struct_literal(
        cx.rt(rt::HEAD_BODY_RULES),
        [
            field("name", literal(&rules.name).into()),
            field("version", literal(&rules.version.value).into()),
            field("signed", cx.rt_member(rt::SIGNED_PART, signed)),
            field(
                "algorithm",
                cx.rt_member(rt::SIGNATURE_ALGORITHM, algorithm),
            ),
            field("encoding", cx.rt_member(rt::SIGNATURE_ENCODING, encoding)),
        ],
    );
    let head_body = struct_literal(
        cx.rt(rt::HEAD_BODY),
        [
            field("rules", rules),
            field("function", literal(&def.function).into()),
        ],
    );
    call(cx.rt_member(rt::PROTOCOL, "HeadBody"), [head_body])
}
