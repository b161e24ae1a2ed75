//! The crate root (`lib.rs`), the header names (`headers.rs`) and shared types (`types.rs`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::enums::value_enum;
use super::object::object;
use super::type_paths::Site;
use super::{EmitOptions, docs};
use crate::model::{Api, Flow, HeaderPlacement, TypeDef};

pub(super) fn lib_rs(api: &Api, options: &EmitOptions) -> TokenStream {
    let rt = &options.runtime;
    // The example first: what a reader of the index wants is how a call looks.
    let mut text = docs::paragraphs([
        format!("Typed client for the {}.", api.name),
        api.description.clone().unwrap_or_default(),
    ]);
    if let Some(example) = &api.example {
        text.push_str(&format!(
            "\n\n# Example\n\n```\n{}\n```",
            example.trim_end()
        ));
    }
    text.push_str("\n\n");
    text.push_str(&docs::paragraphs([
        "Generated from `spec/` by `alipayhk-codegen`; every type below mirrors the spec, and the runtime items are re-exported so this crate is the only dependency you need.".to_owned(),
        "Modules: one per endpoint, named after it; `types` for types several endpoints share; `headers` for the protocol's header names. With the `server` feature, `platform` is the AlipayHK side of the API (an `Api` trait and a router, for the local gateway and tests) and `webhooks` the notifications AlipayHK sends to you; \"server\" itself names only the runtime's serving side.".to_owned(),
    ]));
    text.push_str(&groups_table(api));
    if !api.doc_sources.is_empty() {
        text.push_str(
            "\n\n# Sources\n\nThe AlipayHK pages the spec was written from. Every field, value, constraint, rule and result code cites one of them, \
             or says why it is inferred; `validate()` enforces only what a page \
             states unless validation is strict.\n\n| page | read |\n|---|---|",
        );
        for source in api.doc_sources.values() {
            text.push_str(&format!(
                "\n| [{}]({}) | {} |",
                source.title, source.url, source.read
            ));
        }
    }
    let doc = docs::inner(&text);
    let reexports = [
        "Endpoint",
        "EpochMillis",
        "Error",
        "FieldPath",
        "HttpMethod",
        "ResultCode",
        "ResultInfo",
        "ResultStatus",
        "Rule",
        "Validate",
        "ValidationError",
        "Violation",
    ]
    .map(|name| format_ident!("{}", name));
    // Modules are formatted by prettyplease; `rustfmt::skip` keeps `cargo fmt` from
    // rewriting them into something `check` would call drift. Re-exports are one per line,
    // a layout both formatters agree on.
    let shared = api.has_shared_items().then(|| {
        let mut names: Vec<&String> = api
            .shared_types
            .keys()
            .chain(api.result_code_tables.keys())
            .collect();
        names.sort();
        let names = names.into_iter().map(|n| format_ident!("{}", n));
        quote! {
            #[rustfmt::skip]
            pub mod types;
            #(#[doc(inline)] pub use types::#names;)*
        }
    });
    let modules = api.endpoints.values().map(|endpoint| {
        let module = format_ident!("{}", endpoint.module);
        let alias = &endpoint.name;
        let mut names = vec![endpoint.request.name.clone()];
        names.extend(endpoint.response.declared().map(|r| r.name.clone()));
        names.extend(endpoint.result_codes.declared().map(|c| c.name.clone()));
        names.extend(endpoint.types.keys().cloned());
        names.sort();
        let names = names.iter().map(|n| format_ident!("{}", n));
        let gate = super::endpoint::group_gate(endpoint);
        quote! {
            #gate
            #[doc(alias = #alias)]
            #[rustfmt::skip]
            pub mod #module;
            #(#gate #[doc(inline)] pub use #module::#names;)*
        }
    });
    let webhooks = api
        .endpoints
        .values()
        .any(|e| e.flow == Flow::Inbound)
        .then(|| {
            quote! {
                #[cfg(feature = "server")]
                #[rustfmt::skip]
                pub mod webhooks;
            }
        });
    quote! {
        #doc
        // docs.rs builds with `--cfg docsrs`: items behind a feature show which one.
        #![cfg_attr(docsrs, feature(doc_cfg))]
        // In the order `cargo fmt` sorts them, so formatting the crate changes nothing.
        #[cfg(feature = "macros")]
        pub use alipayhk_macros::endpoint;
        #[cfg(feature = "macros")]
        pub use alipayhk_macros::object;
        #[cfg(feature = "macros")]
        pub use alipayhk_macros::response;
        pub use #rt as runtime;
        #[cfg(feature = "client")]
        #[doc(inline)]
        pub use #rt::Client;
        // Inlined, so the index lists them by kind instead of opening with a list of
        // re-exports.
        #(#[doc(inline)] pub use #rt::#reexports;)*
        #[rustfmt::skip]
        pub mod headers;
        #[cfg(feature = "server")]
        #[rustfmt::skip]
        pub mod platform;
        #webhooks
        #shared
        #(#modules)*
    }
}

/// The crate docs' table of endpoint groups: which feature compiles which endpoints.
fn groups_table(api: &Api) -> String {
    if api.groups.is_empty() {
        return String::new();
    }
    let mut text = format!(
        "\n\n# Endpoint groups\n\nEach group of endpoints compiles behind a cargo feature of its name, and `{}` (a default feature) turns them all on. An application that calls only some can leave the rest out: `default-features = false, features = [\"client\", \"aws-lc\", \"<group>\"]`. Shared types compile in every build.\n\n| feature | endpoints | |\n|---|---|---|",
        crate::model::ALL_ENDPOINTS
    );
    for group in api.groups.values() {
        let names: Vec<String> = api
            .endpoints_in(&group.name)
            .map(|e| format!("[`{}`]({}::{})", e.name, e.module, e.request.name))
            .collect();
        text.push_str(&format!(
            "\n| `{}` | {} | {} |",
            group.name,
            names.join(", "),
            group.description.replace('\n', " ")
        ));
    }
    text
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

pub(super) fn headers_rs(api: &Api, options: &EmitOptions) -> TokenStream {
    let rt = &options.runtime;
    let doc = docs::inner(
        "Names of the protocol headers, as the spec lists them; the runtime's own names (`runtime::wire`) where it has them.",
    );
    let consts = api.headers.iter().map(|header| {
        let ident = format_ident!("{}", header.name.to_uppercase().replace('-', "_"));
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
        let text = docs::paragraphs([
            header.description.clone(),
            format!("{placement}; {required}."),
            sample,
        ]);
        let doc = docs::outer(&text);
        let name = &header.name;
        if RUNTIME_HEADERS.contains(&name.as_str()) {
            quote! { #doc pub const #ident: &str = #rt::wire::#ident; }
        } else {
            quote! { #doc pub const #ident: &str = #name; }
        }
    });
    quote! {
        #doc
        #(#consts)*
    }
}

pub(super) fn types_rs(api: &Api, options: &EmitOptions) -> TokenStream {
    let doc = docs::inner("Types shared by several endpoints.");
    // Open enums implement serde by hand; only derives need the import.
    let derives = api
        .shared_types
        .values()
        .any(|d| !matches!(d, TypeDef::Enum(e) if e.open));
    let serde_import = (options.serde_crate.is_none() && derives).then(|| {
        quote!(
            use serde::{Deserialize, Serialize};
        )
    });
    let items = shared_items(api, options);
    quote! {
        #doc
        #serde_import
        #items
    }
}

/// The shared types, without module docs or imports: what the object attributes emit.
pub fn shared_items(api: &Api, options: &EmitOptions) -> TokenStream {
    let items = api.shared_types.values().map(|def| match def {
        TypeDef::Object(o) => object(api, o, Site::Shared, options, None),
        TypeDef::Enum(e) => value_enum(e, options),
        TypeDef::Identifier(i) => super::identifier::identifier(i, options),
    });
    let tables = api.result_code_tables.values().map(|set| {
        let covers = set
            .description
            .clone()
            .unwrap_or_else(|| format!("The `{}` result codes.", set.name));
        super::enums::result_codes(set, &covers, options)
    });
    quote!(#(#items)* #(#tables)*)
}
