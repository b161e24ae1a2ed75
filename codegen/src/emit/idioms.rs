//! The Rust idioms several emitters write: feature gates, trait impls, derives and serde's
//! renames. Each is one function here, so every emitter spells them the same way.

use std::collections::BTreeSet;

use super::context::Context;
use super::runtime_type as rt;
use super::syntax::lexical::literal;
use super::syntax::{Code, Element, Function, call, generic, item_block, seq};
use crate::model::EndpointDef;

/// `cfg(feature = "<group>")` for an endpoint in a group: what keeps its module, its
/// re-exports and its server methods out of a build without that feature.
pub(crate) fn group_gate(endpoint: &EndpointDef) -> Option<Code> {
    endpoint.group.as_deref().map(feature_gate)
}

/// `cfg(any(feature = "<group>", ...))` over the groups of `endpoints`, for what only their
/// routes use; `None` when one of them is in no group (it is always compiled).
pub(crate) fn any_group_gate<'a>(endpoints: impl Iterator<Item = &'a EndpointDef>) -> Option<Code> {
    let mut groups = BTreeSet::new();
    for endpoint in endpoints {
        groups.insert(endpoint.group.as_deref()?);
    }
    groups_gate(&groups)
}

/// `cfg(feature = "<group>")`, or `cfg(any(...))` over several groups.
pub(crate) fn groups_gate(groups: &BTreeSet<&str>) -> Option<Code> {
    Some(match groups.len() {
        1 => feature_gate(groups.first()?),
        _ => call("cfg", [call("any", groups.iter().map(|g| feature(g)))]),
    })
}

/// `cfg(feature = "<name>")`.
pub(crate) fn feature_gate(name: &str) -> Code {
    call("cfg", [feature(name)])
}

fn feature(name: &str) -> Code {
    seq(["feature = ".into(), literal(name).into()])
}

/// `impl trait_path for name { items }`.
pub(crate) fn trait_impl(trait_path: impl Into<Code>, name: &str, lines: Vec<Element>) -> Element {
    let head = seq([
        "impl ".into(),
        trait_path.into(),
        " for ".into(),
        name.into(),
    ]);
    item_block(head, lines).into()
}

/// `impl name { items }`.
pub(crate) fn inherent_impl(name: &str, lines: Vec<Element>) -> Element {
    item_block(seq(["impl ".into(), name.into()]), lines).into()
}

/// `derive(...)` of what is given, in order.
pub(crate) fn derive(traits: impl IntoIterator<Item = Code>) -> Code {
    call("derive", traits)
}

/// `serde(rename = "<wire>")`.
pub(crate) fn serde_rename(wire: &str) -> Code {
    call("serde", [seq(["rename = ".into(), literal(wire).into()])])
}

/// `doc(alias = "<name>")`.
pub(crate) fn doc_alias(name: &str) -> Code {
    call("doc", [seq(["alias = ".into(), literal(name).into()])])
}

/// `pub use path;`
pub(crate) fn pub_use(path: impl Into<Code>) -> Element {
    seq(["pub use ".into(), path.into(), ";".into()]).into()
}

/// `pub use path as name;`
pub(crate) fn pub_use_as(path: impl Into<Code>, name: &str) -> Element {
    seq([
        "pub use ".into(),
        path.into(),
        " as ".into(),
        name.into(),
        ";".into(),
    ])
    .into()
}

/// `pub mod name;`
pub(crate) fn pub_mod(name: &str) -> Element {
    seq(["pub mod ".into(), name.into(), ";".into()]).into()
}

/// `module::Name`, a path of plain segments.
pub(crate) fn path(segments: &[&str]) -> Code {
    segments.join("::").into()
}

/// `impl Validate for name` running `checks`, which use `path` and `violations`.
pub(crate) fn validate_impl(cx: &Context, name: &str, checks: Vec<Element>) -> Element {
    // A type with nothing to check still takes the arguments, unused.
    let unused = if checks.is_empty() { "_" } else { "" };
    let parameters = [
        "&self".into(),
        seq([
            unused.into(),
            "path: &".into(),
            generic(cx.rt(rt::FIELD_PATH), ["'_".into()]),
        ]),
        seq([
            unused.into(),
            "violations: &mut ".into(),
            generic("Vec", [cx.rt(rt::VIOLATION)]),
        ]),
    ];
    let validate_at = Function::new("fn validate_at", parameters, None, checks);
    trait_impl(cx.rt(rt::VALIDATE), name, vec![validate_at.into()])
}
