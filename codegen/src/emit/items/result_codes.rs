//! Result-code enums (an endpoint's, or a shared table): open enums whose variants carry each
//! code's documented status and message, implementing the runtime's `ResultCode`.

use crate::describe;
use crate::emit::context::Context;
use crate::emit::idioms::trait_impl;
use crate::emit::runtime_type as rt;
use crate::emit::syntax::lexical::literal;
use crate::emit::syntax::{Code, Element, Function, call, generic, match_on, seq, short_fn};
use crate::emit::value_enums::{Variant, open_enum};
use crate::model::{ResultCodeDef, ResultCodeSet, ResultStatus};

/// The enum of `set`, with each code's documented status. `covers` says whose codes they
/// are, for the docs.
pub(crate) fn result_codes(cx: &Context, set: &ResultCodeSet, covers: &str) -> Vec<Element> {
    let variants: Vec<Variant> = set
        .codes
        .iter()
        .map(|c| Variant {
            ident: c.variant.clone(),
            wire: c.code.clone(),
            doc: describe::result_code_doc(c),
        })
        .collect();
    let doc = describe::result_codes_doc(covers);
    let arms = |value: &dyn Fn(&ResultCodeDef) -> Code| {
        set.codes
            .iter()
            .map(|c| (seq(["Self::".into(), c.variant.as_str().into()]), value(c)))
            .chain([("Self::Unknown(_)".into(), "None".into())])
            .collect::<Vec<(Code, Code)>>()
    };
    let status = Function::new(
        "pub fn status",
        ["&self".into()],
        Some(optional_status(cx)),
        vec![
            match_on(
                "self",
                arms(&|c| {
                    let status = match c.status {
                        ResultStatus::Success => "Success",
                        ResultStatus::Failure => "Failure",
                        ResultStatus::Unknown => "Unknown",
                    };
                    call("Some", [cx.rt_member(rt::RESULT_STATUS, status)])
                }),
            )
            .into(),
        ],
    )
    // Two lines, as a doc comment in the source would be.
    .with_docs(
        "The status the documentation gives this code: `S`, `F` or `U`; `None` for an\n\
         undocumented code, whose status only the response's `resultStatus` tells.",
    );
    let message = Function::new(
        "pub fn message",
        ["&self".into()],
        Some("Option<&'static str>".into()),
        vec![
            match_on(
                "self",
                arms(&|c| call("Some", [literal(&c.message).into()])),
            )
            .into(),
        ],
    )
    .with_docs("The documented message.");
    let mut lines = open_enum(
        cx,
        &set.name,
        &doc,
        &variants,
        vec![status.into(), message.into()],
    );
    let implementation = vec![
        short_fn(
            "fn from_code",
            &["code: &str"],
            "Self",
            &["Self::from(code)"],
        ),
        short_fn("fn as_str", &["&self"], "&str", &["self.as_str()"]),
        short_fn(
            "fn documented_status",
            &["&self"],
            optional_status(cx),
            &["self.status()"],
        ),
    ];
    lines.push(trait_impl(
        cx.rt(rt::RESULT_CODE),
        &set.name,
        implementation,
    ));
    lines
}

/// `Option<ResultStatus>`.
fn optional_status(cx: &Context) -> Code {
    generic("Option", [cx.rt(rt::RESULT_STATUS)])
}
