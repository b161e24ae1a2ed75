//! The crate root (`lib.rs`), the header names (`headers.rs`) and shared types (`types.rs`).

use super::enums::value_enum;
use super::identifier::identifier;
use super::object::struct_items;
use super::result_codes::result_codes;
use crate::describe;
use crate::emit::context::{Context, Site};
use crate::emit::idioms::{
    doc_alias, feature_gate, group_gate, groups_gate, path, pub_mod, pub_use, pub_use_as,
};
use crate::emit::runtime_type::{self as rt, ROOT_REEXPORTS};
use crate::emit::syntax::code::File;
use crate::emit::syntax::lexical::literal;
use crate::emit::syntax::{Code, Element, seq};
use crate::model::{EndpointDef, Flow, HeaderPlacement, TypeDef};

pub(crate) fn lib_rs(cx: &Context) -> File {
    let api = cx.api;
    let text = describe::crate_page(api);
    let mut items = vec![
        Element::from(Code::from("#![cfg_attr(docsrs, feature(doc_cfg))]")).commented(
            "docs.rs builds with `--cfg docsrs`: items behind a feature show which one.",
        ),
    ];
    for (index, name) in ["endpoint", "object", "response"].into_iter().enumerate() {
        let line = pub_use(path(&["alipayhk_macros", name])).with(feature_gate("macros"));
        items.push(if index == 0 {
            line.commented(
                "In the order `cargo fmt` sorts them, so formatting the crate changes nothing.",
            )
        } else {
            line
        });
    }
    items.push(pub_use_as(cx.runtime_root(), "runtime"));
    items.push(
        pub_use(cx.rt(rt::CLIENT))
            .with(feature_gate("client"))
            .with("doc(inline)"),
    );
    for (index, item) in ROOT_REEXPORTS.into_iter().enumerate() {
        let line = pub_use(cx.rt(item)).with("doc(inline)");
        items.push(if index == 0 {
            line.commented("Inlined, so the index lists them by kind instead of opening with a list of\nre-exports.")
        } else {
            line
        });
    }
    // `rustfmt::skip` keeps `cargo fmt` from rewriting the modules into something `check`
    // would call drift.
    items.push(pub_mod("headers").with("rustfmt::skip"));
    let server_module = |name| {
        pub_mod(name)
            .with(feature_gate("server"))
            .with("rustfmt::skip")
    };
    items.push(server_module("platform"));
    if api.endpoints.values().any(|e| e.flow == Flow::Inbound) {
        items.push(server_module("webhooks"));
    }
    if api.has_shared_items() {
        items.push(pub_mod("types").with("rustfmt::skip"));
        let mut names: Vec<&String> = api
            .shared_types
            .keys()
            .chain(api.result_code_tables.keys())
            .collect();
        names.sort();
        let gates = api.shared_item_groups();
        items.extend(names.into_iter().map(|n| {
            let gate = gates.get(n.as_str()).and_then(groups_gate);
            pub_use(path(&["types", n]))
                .with_all(gate)
                .with("doc(inline)")
        }));
    }
    for endpoint in api.endpoints.values() {
        let module = &endpoint.module;
        // The wire name finds the module in rustdoc's search, unless it is the module's name.
        let alias = (endpoint.name != *module).then(|| doc_alias(&endpoint.name));
        let declaration = pub_mod(module)
            .gated(group_gate(endpoint))
            .with_all(alias)
            .with("rustfmt::skip");
        items.push(declaration);
        items.extend(module_reexports(endpoint, true));
    }
    File { docs: text, items }
}

/// `pub use module::Name;` for each type of `endpoint`'s module, inlined in the docs, behind
/// its group's feature when `gated`.
pub(crate) fn module_reexports(endpoint: &EndpointDef, gated: bool) -> Vec<Element> {
    let module = &endpoint.module;
    let gate = group_gate(endpoint).filter(|_| gated);
    let mut names = vec![endpoint.request.name.clone()];
    names.extend(endpoint.response.declared().map(|r| r.name.clone()));
    names.extend(endpoint.result_codes.declared().map(|c| c.name.clone()));
    names.extend(endpoint.types.keys().cloned());
    names.sort();
    // One `pub use` per name: `cargo fmt` formats a crate root (it cannot skip one) and would
    // rewrite a list of names that the printer broke.
    names
        .into_iter()
        .map(|name| {
            pub_use(path(&[module, &name]))
                .with_all(gate.clone())
                .with("doc(inline)")
        })
        .collect()
}

/// The headers whose names the runtime owns (`runtime::wire`): the generated constants refer
/// to those, so the client, the server and the generated crate cannot disagree on a name.
const RUNTIME_HEADERS: &[&str] = &[
    "Client-Id",
    "Content-Type",
    "Encrypt",
    "Request-Time",
    "Response-Time",
    "Signature",
    "Tracer-Id",
];

pub(crate) fn headers_rs(cx: &Context) -> File {
    let items = cx.api.headers.iter().map(|header| {
        let ident = header.name.to_uppercase().replace('-', "_");
        let placement = match header.placement {
            HeaderPlacement::General => "Sent on requests and responses",
            HeaderPlacement::Request => "Sent on requests",
            HeaderPlacement::Response => "Sent on responses",
        };
        let required = if header.required {
            "required"
        } else {
            "optional"
        };
        let sample = header
            .sample
            .as_ref()
            .map(|s| format!("Sample: `{s}`"))
            .unwrap_or_default();
        let text = describe::paragraphs([
            header.description.clone(),
            format!("{placement}; {required}."),
            sample,
        ]);
        let value = if RUNTIME_HEADERS.contains(&header.name.as_str()) {
            cx.rt_member(rt::WIRE, &ident)
        } else {
            literal(&header.name).into()
        };
        let constant = seq([
            "pub const ".into(),
            ident.as_str().into(),
            ": &str = ".into(),
            value,
            ";".into(),
        ]);
        Element::documented(text, constant)
    });
    File {
        docs: "Names of the protocol headers, as the spec lists them; the runtime's own names (`runtime::wire`) where it has them.".to_owned(),
        items: items.collect(),
    }
}

pub(crate) fn types_rs(cx: &Context) -> File {
    let api = cx.api;
    // Open enums implement serde by hand; only derives need the import.
    let derives = api
        .shared_types
        .values()
        .any(|d| !matches!(d, TypeDef::Enum(e) if e.open));
    let mut items = Vec::new();
    if cx.imports_serde() && derives {
        let line = Element::from(Code::from("use serde::{Deserialize, Serialize};"));
        // Each type compiles with the groups that use it: with none of theirs on, nothing
        // derives.
        items.push(if api.groups.is_empty() {
            line
        } else {
            line.with("allow(unused_imports)")
        });
    }
    items.extend(shared_items(cx));
    File {
        docs: "Types shared by several endpoints.".to_owned(),
        items,
    }
}

/// The shared types, without module docs or imports: what the object attributes emit. Each
/// compiles with the groups whose endpoints use it (`Api::shared_item_groups`).
pub(crate) fn shared_items(cx: &Context) -> Vec<Element> {
    let api = cx.api;
    let gates = api.shared_item_groups();
    let gated = |name: &str, lines: Vec<Element>| {
        let gate = gates.get(name).and_then(groups_gate);
        lines.into_iter().map(move |line| line.gated(gate.clone()))
    };
    let mut items = Vec::new();
    for (name, def) in &api.shared_types {
        items.extend(gated(
            name,
            match def {
                TypeDef::Object(o) => struct_items(cx, o, Site::Shared, None),
                TypeDef::Enum(e) => value_enum(cx, e),
                TypeDef::Identifier(i) => identifier(cx, i),
            },
        ));
    }
    for (name, set) in &api.result_code_tables {
        let covers = set
            .description
            .clone()
            .unwrap_or_else(|| format!("The `{}` result codes.", set.name));
        items.extend(gated(name, result_codes(cx, set, &covers)));
    }
    items
}
