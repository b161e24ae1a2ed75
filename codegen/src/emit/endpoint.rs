//! One module per endpoint: its request, response, inline types, result codes and the
//! `Endpoint` implementation that lets the runtime send it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::enums::{result_codes, status_letter, value_enum};
use super::object::object;
use super::types::{Site, path_type};
use super::{EmitOptions, docs};
use crate::model::{Api, Endpoint, Method, TypeDef};

/// The whole module file of an endpoint.
pub(super) fn module_file(api: &Api, endpoint: &Endpoint, options: &EmitOptions) -> TokenStream {
    let doc = docs::inner(&module_doc(endpoint));
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
pub fn endpoint_items(api: &Api, endpoint: &Endpoint, options: &EmitOptions) -> TokenStream {
    let module = Some(endpoint.module.as_str());
    let request = object(api, &endpoint.request, Site::Endpoint, options, module);
    let endpoint_impl = endpoint_impl(endpoint, options);
    let response = endpoint
        .response
        .declared()
        .map(|r| object(api, r, Site::Endpoint, options, module));
    let codes = endpoint
        .result_codes
        .declared()
        .map(|c| result_codes(c, &endpoint.name, options));
    let types = endpoint.types.values().map(|def| match def {
        TypeDef::Object(o) => object(api, o, Site::Endpoint, options, module),
        TypeDef::Enum(e) => value_enum(e, options),
    });
    quote! {
        #request
        #endpoint_impl
        #response
        #codes
        #(#types)*
    }
}

fn endpoint_impl(endpoint: &Endpoint, options: &EmitOptions) -> TokenStream {
    let rt = &options.runtime;
    let request = format_ident!("{}", endpoint.request.name);
    let response = path_type(endpoint.response.type_name());
    let codes = path_type(endpoint.result_codes.type_name());
    let name = &endpoint.name;
    let path = &endpoint.path;
    let method = match endpoint.method {
        Method::Get => quote!(Get),
        Method::Post => quote!(Post),
        Method::Put => quote!(Put),
        Method::Delete => quote!(Delete),
    };
    quote! {
        impl #rt::Endpoint for #request {
            type Response = #response;
            type ResultCode = #codes;
            const NAME: &'static str = #name;
            const METHOD: #rt::HttpMethod = #rt::HttpMethod::#method;
            const PATH: &'static str = #path;
        }
    }
}

fn module_doc(endpoint: &Endpoint) -> String {
    let method = match endpoint.method {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Delete => "DELETE",
    };
    let mut table = String::from("| Code | Status | Message |\n|---|---|---|");
    for code in endpoint
        .result_codes
        .declared()
        .map_or(&[][..], |c| &c.codes)
    {
        table.push_str(&format!(
            "\n| `{}` | {} | {} |",
            code.code,
            status_letter(code.status),
            code.message.replace('|', "\\|")
        ));
    }
    docs::paragraphs([
        format!("{}.", endpoint.summary.trim_end_matches('.')),
        format!(
            "`{method} {}`, sent with [`{}`].",
            endpoint.path, endpoint.request.name
        ),
        endpoint.description.clone().unwrap_or_default(),
        format!("# Result codes\n\n{table}"),
        endpoint
            .docs_url
            .as_ref()
            .map(|u| format!("Documentation: <{u}>"))
            .unwrap_or_default(),
    ])
}
