//! Result-code enums (an endpoint's, or a shared table): open enums whose variants carry each
//! code's documented status and message, implementing the runtime's `ResultCode`.

use super::enums::{Variant, open_enum, trait_impl};
use crate::describe;
use crate::emit::options::EmitOptions;
use crate::emit::syntax::type_paths::literal;
use crate::emit::syntax::{Code, Function, Line, call, match_on, method};
use crate::model::{ResultCodeDef, ResultCodeSet, ResultStatus};

/// The enum of `set`, with each code's documented status. `covers` says whose codes they
/// are, for the docs.
pub(crate) fn result_codes(set: &ResultCodeSet, covers: &str, options: &EmitOptions) -> Vec<Line> {
    let rt = &options.runtime;
    let variants: Vec<Variant> = set
        .codes
        .iter()
        .map(|c| Variant {
            ident: c.variant.clone(),
            wire: c.code.clone(),
            doc: describe::paragraphs([
                format!(
                    "`{}` ({}): {}",
                    c.code,
                    describe::status_letter(c.status),
                    c.message
                ),
                describe::provenance(&c.provenance),
            ]),
        })
        .collect();
    let doc = format!("{covers} Codes not listed here parse as `Unknown` and keep the wire value.");
    let arms = |value: &dyn Fn(&ResultCodeDef) -> Code| {
        set.codes
            .iter()
            .map(|c| (format!("Self::{}", c.variant).into(), value(c)))
            .chain([("Self::Unknown(_)".into(), "None".into())])
            .collect::<Vec<(Code, Code)>>()
    };
    let status = Function::new(
        "pub fn status",
        ["&self".into()],
        Some(format!("Option<{rt}::ResultStatus>").into()),
        vec![
            match_on(
                "self",
                arms(&|c| {
                    let status = match c.status {
                        ResultStatus::Success => "Success",
                        ResultStatus::Failure => "Failure",
                        ResultStatus::Unknown => "Unknown",
                    };
                    call("Some", [format!("{rt}::ResultStatus::{status}").into()])
                }),
            )
            .into(),
        ],
    )
    // Two lines, as a doc comment in the source would be.
    .documented(
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
    .documented("The documented message.");
    let mut lines = open_enum(
        &set.name,
        &doc,
        &variants,
        options,
        vec![status.into(), message.into()],
    );
    let status = format!("Option<{rt}::ResultStatus>");
    let implementation = vec![
        method(
            "fn from_code",
            &["code: &str"],
            "Self",
            &["Self::from(code)"],
        ),
        method("fn as_str", &["&self"], "&str", &["self.as_str()"]),
        method(
            "fn documented_status",
            &["&self"],
            &status,
            &["self.status()"],
        ),
    ];
    lines.push(trait_impl(
        format!("{rt}::ResultCode"),
        &set.name,
        implementation,
    ));
    lines
}
