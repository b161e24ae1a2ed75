//! The AlipayHK side of the API (`platform.rs`, behind the `server` feature): a trait with one
//! method per endpoint and a router that parses, validates and dispatches to it.
//!
//! Every method has a default that answers `UN_SUPPORT_BUSINESS` (F), so an endpoint added to
//! the spec is served at once, and an implementation only writes the behaviour it wants.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{EmitOptions, docs};
use crate::model::{Api, EndpointDef, FieldType, Flow};

pub(super) fn platform_rs(api: &Api, options: &EmitOptions) -> TokenStream {
    let rt = &options.runtime;
    let doc = docs::inner(
        "The AlipayHK (platform) side of the API, for the local gateway and for tests: implement [`Api`] with the behaviour you want and serve [`router`], which verifies every request's signature and signs every answer.",
    );
    let outbound = || api.endpoints.values().filter(|e| e.flow == Flow::Outbound);
    let methods = outbound().map(|e| method(e, options, None));
    let routes = outbound().map(|e| route(e, options));
    let imports_gate = super::endpoint::any_group_gate(outbound());
    quote! {
        #doc
        use std::sync::Arc;

        use #rt::server::ServerConfig;
        use #rt::server::axum;
        #imports_gate
        use #rt::server::{Verified, axum::extract::State, axum::routing};

        /// One method per endpoint. Each answers `UN_SUPPORT_BUSINESS` (F) until implemented;
        /// a request reaches a method only after its signature verified and it validated.
        pub trait Api: Send + Sync + 'static {
            #(#methods)*
        }

        /// Routes every endpoint's path to `api`, behind the protocol middleware configured
        /// with `config`: requests are checked (client id, time, signature) and decrypted before
        /// a method sees them, and answers are signed. Other paths answer `NO_INTERFACE_DEF`.
        pub fn router<A: Api>(api: Arc<A>, config: ServerConfig) -> axum::Router {
            let routes = axum::Router::new();
            #(#routes)*
            let routes = routes
                .fallback(#rt::server::unknown_path)
                .with_state(api);
            #rt::server::verified(routes, Arc::new(config))
        }
    }
}

/// One trait method with its not-implemented default; `context` is an extra parameter's type
/// (the webhooks' `Delivery`).
pub(super) fn method(
    endpoint: &EndpointDef,
    options: &EmitOptions,
    context: Option<&TokenStream>,
) -> TokenStream {
    let rt = &options.runtime;
    let ident = format_ident!("{}", endpoint.module);
    let request = format_ident!("{}", endpoint.request.name);
    let response = super::type_paths::path_type(endpoint.response.type_name());
    let name = &endpoint.name;
    let doc = docs::outer(&format!(
        "`{} {}`: {}.",
        endpoint.method.as_str(),
        endpoint.path,
        endpoint.summary.trim_end_matches('.')
    ));
    let gate = super::endpoint::group_gate(endpoint);
    let context = context.map(|ty| quote! { _delivery: #ty, });
    quote! {
        #doc
        #gate
        fn #ident(
            &self,
            _request: crate::#request,
            #context
        ) -> impl std::future::Future<Output = Result<crate::#response, #rt::ResultInfo>> + Send {
            std::future::ready(Err(#rt::server::not_implemented(#name)))
        }
    }
}

fn route(endpoint: &EndpointDef, options: &EmitOptions) -> TokenStream {
    let rt = &options.runtime;
    let ident = format_ident!("{}", endpoint.module);
    let request = format_ident!("{}", endpoint.request.name);
    let result_field = result_field(endpoint);
    let method = format_ident!("{}", endpoint.method.as_str().to_lowercase());
    let gate = super::endpoint::group_gate(endpoint);
    // One statement per route, so a group's feature can leave its routes out.
    quote! {
        #gate
        let routes = routes.route(
            <crate::#request as #rt::Endpoint>::PATH,
            routing::#method(|State(api): State<Arc<A>>, request: Verified| async move {
                #rt::server::handle::<crate::#request, _, _>(request, #result_field, |request| api.#ident(request)).await
            }),
        );
    }
}

/// Where a failure answer puts the result object: the name the response uses for it.
pub(super) fn result_field(endpoint: &EndpointDef) -> &str {
    endpoint
        .response
        .declared()
        .and_then(|r| r.fields.iter().find(|f| f.ty == FieldType::Result))
        .map_or("result", |f| f.wire_name.as_str())
}
