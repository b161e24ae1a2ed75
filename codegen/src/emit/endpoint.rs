//! One module per endpoint: its request, response, inline types, result codes and the
//! `Endpoint` implementation that lets the runtime send it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::enums::{result_codes, status_letter, value_enum};
use super::object::object;
use super::type_paths::{Site, path_type};
use super::{EmitOptions, docs};
use crate::model::{Api, EndpointDef, Flow, Method, ResultCodes, TypeDef};

/// `#[cfg(feature = "<group>")]` for an endpoint in a group: what keeps its module, its
/// re-exports and its server methods out of a build without that feature.
pub(super) fn group_gate(endpoint: &EndpointDef) -> Option<TokenStream> {
    endpoint
        .group
        .as_ref()
        .map(|group| quote!(#[cfg(feature = #group)]))
}

/// `#[cfg(any(feature = "<group>", ...))]` over the groups of `endpoints`, for what only
/// their routes use; `None` when one of them is in no group (it is always compiled).
pub(super) fn any_group_gate<'a>(
    endpoints: impl Iterator<Item = &'a EndpointDef>,
) -> Option<TokenStream> {
    let mut groups = std::collections::BTreeSet::new();
    for endpoint in endpoints {
        groups.insert(endpoint.group.as_ref()?);
    }
    Some(match groups.len() {
        1 => quote!(#[cfg(feature = #(#groups)*)]),
        _ => quote!(#[cfg(any(#(feature = #groups),*))]),
    })
}

/// The whole module file of an endpoint.
pub(super) fn module_file(api: &Api, endpoint: &EndpointDef, options: &EmitOptions) -> TokenStream {
    let doc = docs::inner(&module_doc(api, endpoint));
    let items = endpoint_items(api, endpoint, options);
    let serde_import = options.serde_crate.is_none().then(|| {
        quote!(
            use serde::{Deserialize, Serialize};
        )
    });
    quote! {
        #doc
        #serde_import
        #items
    }
}

/// The items of an endpoint, without module docs or imports: what the attribute macro emits.
pub fn endpoint_items(api: &Api, endpoint: &EndpointDef, options: &EmitOptions) -> TokenStream {
    let module = Some(endpoint.module.as_str());
    // Searching the docs for the API's own name (`updatePass`) finds the types.
    let alias = &endpoint.name;
    let request = object(api, &endpoint.request, Site::Endpoint, options, module);
    let request = quote!(#[doc(alias = #alias)] #request);
    let endpoint_impl = endpoint_impl(endpoint, options);
    let response = endpoint
        .response
        .declared()
        .map(|r| object(api, r, Site::Endpoint, options, module));
    let codes = endpoint.result_codes.declared().map(|c| {
        let covers = format!("Result codes documented for `{}`.", endpoint.name);
        result_codes(c, &covers, options)
    });
    let types = endpoint.types.values().map(|def| match def {
        TypeDef::Object(o) => object(api, o, Site::Endpoint, options, module),
        TypeDef::Enum(e) => value_enum(e, options),
        TypeDef::Identifier(i) => super::identifier::identifier(i, options),
    });
    quote! {
        #request
        #endpoint_impl
        #response
        #codes
        #(#types)*
    }
}

fn endpoint_impl(endpoint: &EndpointDef, options: &EmitOptions) -> TokenStream {
    let rt = &options.runtime;
    let request = format_ident!("{}", endpoint.request.name);
    let response = path_type(endpoint.response.type_name());
    let codes = match &endpoint.result_codes {
        ResultCodes::Shared(name) => {
            let ident = format_ident!("{}", name);
            quote!(crate::types::#ident)
        }
        other => path_type(other.type_name()),
    };
    let name = &endpoint.name;
    let path = &endpoint.path;
    let method = match endpoint.method {
        Method::Get => quote!(Get),
        Method::Post => quote!(Post),
        Method::Put => quote!(Put),
        Method::Delete => quote!(Delete),
    };
    let idempotency = endpoint.idempotency.as_ref().map(|i| {
        let (key, done) = (&i.key, &i.already_done);
        quote! {
            const IDEMPOTENCY: Option<#rt::Idempotency> = Some(#rt::Idempotency {
                key: &[#(#key),*],
                already_done: &[#(#done),*],
            });
        }
    });
    let resolve = endpoint
        .resolve_unknown_with
        .as_ref()
        .map(|q| quote!(const RESOLVE_UNKNOWN_WITH: Option<&'static str> = Some(#q);));
    quote! {
        impl #rt::Endpoint for #request {
            type Response = #response;
            type ResultCode = #codes;
            const NAME: &'static str = #name;
            const METHOD: #rt::HttpMethod = #rt::HttpMethod::#method;
            const PATH: &'static str = #path;
            #idempotency
            #resolve
        }
    }
}

fn module_doc(api: &Api, endpoint: &EndpointDef) -> String {
    let method = endpoint.method.as_str();
    let codes = endpoint.result_codes.set(&api.result_code_tables);
    let table_note = match &endpoint.result_codes {
        ResultCodes::Shared(name) => {
            format!("\n\nThe codes of the shared [`{name}`](crate::{name}) table.")
        }
        _ => String::new(),
    };
    let mut table = String::from("| Code | Status | Message |\n|---|---|---|");
    for code in codes.map_or(&[][..], |c| &c.codes) {
        table.push_str(&format!(
            "\n| `{}` | {} | {} |",
            code.code,
            status_letter(code.status),
            code.message.replace('|', "\\|")
        ));
    }
    let wire = match endpoint.flow {
        Flow::Outbound => format!(
            "`{method} {}`, sent with [`{}`].",
            endpoint.path, endpoint.request.name
        ),
        Flow::Inbound => format!(
            "`{method} <your prefix>{}`: AlipayHK calls you with [`{}`]; answer with [`{}`] \
             through the `webhooks` module (feature `server`).",
            endpoint.path,
            endpoint.request.name,
            endpoint.response.type_name()
        ),
    };
    docs::paragraphs([
        format!("{}.", endpoint.summary.trim_end_matches('.')),
        wire,
        endpoint.description.clone().unwrap_or_default(),
        idempotency_doc(endpoint),
        format!("# Result codes\n\n{table}{table_note}"),
        super::example::snippet(api, endpoint),
        endpoint
            .docs_url
            .as_ref()
            .map(|u| format!("Documentation: <{u}>"))
            .unwrap_or_default(),
    ])
}

fn idempotency_doc(endpoint: &EndpointDef) -> String {
    let resolve = endpoint
        .resolve_unknown_with
        .as_ref()
        .map(|q| format!(" After an unknown outcome, `{q}` tells what happened."))
        .unwrap_or_default();
    let Some(i) = &endpoint.idempotency else {
        return match endpoint.flow {
            Flow::Outbound => format!(
                "# Repeating\n\nNot idempotent: after an unknown outcome, do not re-send; find out \
                 what happened first.{resolve}"
            ),
            Flow::Inbound => String::new(),
        };
    };
    let quoted = |list: &[String]| {
        list.iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = if i.key.is_empty() {
        "# Repeating\n\nChanges nothing, so it may be repeated freely.".to_owned()
    } else {
        format!(
            "# Repeating\n\nIdempotent on ({}): a re-send of the same request is the same operation.",
            quoted(&i.key)
        )
    };
    if !i.already_done.is_empty() {
        text.push_str(&format!(
            " A re-send after an unknown outcome that answers {} means an earlier attempt succeeded.",
            quoted(&i.already_done)
        ));
    }
    text.push_str(&resolve);
    text
}
