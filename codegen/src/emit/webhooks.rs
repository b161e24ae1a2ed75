//! The notifications AlipayHK sends to the merchant (`webhooks.rs`, behind the `server`
//! feature): a trait with one method per inbound endpoint and a router that verifies,
//! de-duplicates and dispatches to it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::platform::{method, result_field};
use super::{EmitOptions, docs};
use crate::model::{Api, EndpointDef, Flow};

pub(super) fn webhooks_rs(api: &Api, options: &EmitOptions) -> TokenStream {
    let rt = &options.runtime;
    let doc = docs::inner(
        "The notifications AlipayHK sends to endpoints you host. Implement [`Webhooks`] and nest [`router`] under your own path prefix. The router takes your keys (a [`ServerConfig`] with your private key and AlipayHK's public key) and applies the protocol itself: it checks each notification's `Request-Time` and AlipayHK's signature over the full path (without its query string), and signs your answer. There is no way to serve the methods without that check.\n\nAlipayHK re-delivers a notification until it gets a success answer, up to 7 times over about a day. The router de-duplicates on each notification's key (such as `billNo`) through a [`runtime::notifications::NotificationStore`](crate::runtime::notifications::NotificationStore): your method runs once per key, to completion even when AlipayHK hangs up, and a re-delivery gets the first answer. Notifications older than the store's retention are refused, so a replay is caught by its age or by the store. `InMemoryStore` suits one process; `SqliteStore` (feature `sqlite`) survives restarts; with several hosts, implement the trait over your database.",
    );
    let inbound = || api.endpoints.values().filter(|e| e.flow == Flow::Inbound);
    let methods = inbound().map(|e| method(e, options));
    let routes = inbound().map(|e| route(e, options));
    let imports_gate = super::endpoint::any_group_gate(inbound());
    quote! {
        #doc
        use std::sync::Arc;

        use #rt::notifications::NotificationStore;
        use #rt::server::ServerConfig;
        use #rt::server::axum;
        #imports_gate
        use #rt::server::{Verified, axum::extract::State, axum::routing};

        /// One method per notification. Each answers `UN_SUPPORT_BUSINESS` (F) until
        /// implemented; a notification reaches a method only after AlipayHK's signature
        /// verified, and only once per key.
        pub trait Webhooks: Send + Sync + 'static {
            #(#methods)*
        }

        /// Routes every notification's path to `webhooks`, de-duplicated through `store`, behind
        /// the protocol middleware configured with `config` (its maximum age is capped at the
        /// store's retention). Other paths answer `NO_INTERFACE_DEF`.
        pub fn router<W: Webhooks, S: NotificationStore>(
            webhooks: Arc<W>,
            store: Arc<S>,
            config: ServerConfig,
        ) -> axum::Router {
            let retention = store.retention();
            let routes = axum::Router::new();
            #(#routes)*
            let routes = routes
                .fallback(#rt::server::unknown_path)
                .with_state((webhooks, store));
            #rt::notifications::verified(routes, config, retention)
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
            routing::#method(|State((webhooks, store)): State<(Arc<W>, Arc<S>)>, notification: Verified| async move {
                #rt::notifications::handle_notification::<crate::#request, _, _, _>(
                    notification,
                    #result_field,
                    store,
                    move |notification| async move { webhooks.#ident(notification).await },
                )
                .await
            }),
        );
    }
}
