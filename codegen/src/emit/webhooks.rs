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
        "The notifications AlipayHK sends to endpoints you host. Implement [`Webhooks`] and nest [`router`] under your own path prefix. The router takes your keys (a [`ServerConfig`] with your private key and AlipayHK's public key) and applies the protocol itself: it checks each notification's `Request-Time` and AlipayHK's signature over the full path (without its query string), and signs your answer. There is no way to serve the methods without that check.\n\nAlipayHK re-delivers a notification until it gets a success answer, up to 7 times over about a day. The router de-duplicates on each notification's key (such as `billNo`) through an [`Inbox`] over a [`runtime::notifications::NotificationStore`](crate::runtime::notifications::NotificationStore): your method runs once per key at a time, to completion even when AlipayHK hangs up, under a claim whose lease is renewed while it runs. An `S` answer is final and every re-delivery gets it again; after `F`, `U` or an error the next delivery runs your method again. Each call gets a [`Delivery`](crate::runtime::notifications::Delivery) whose fence token your own writes should be conditional on. Notifications older than the store's retention are refused, so a replay is caught by its age or by the store. `InMemoryStore` suits one process, `SqliteStore` (feature `sqlite`) one host, `PostgresStore` (feature `postgres`) and `RedisStore` (feature `redis`) any number of instances. After `serve` returns, call [`Inbox::shutdown`] to wait for the handlers still running.",
    );
    let inbound = || api.endpoints.values().filter(|e| e.flow == Flow::Inbound);
    let delivery = quote! { #rt::notifications::Delivery };
    let methods = inbound().map(|e| method(e, options, Some(&delivery)));
    let routes = inbound().map(|e| route(e, options));
    let imports_gate = super::endpoint::any_group_gate(inbound());
    quote! {
        #doc
        use std::sync::Arc;

        use #rt::notifications::{Inbox, NotificationStore};
        use #rt::server::ServerConfig;
        use #rt::server::axum;
        #imports_gate
        use #rt::server::{Verified, axum::extract::State, axum::routing};

        /// One method per notification. Each answers `UN_SUPPORT_BUSINESS` (F) until
        /// implemented; a notification reaches a method only after AlipayHK's signature
        /// verified, and never while another delivery of the same key is being handled.
        pub trait Webhooks: Send + Sync + 'static {
            #(#methods)*
        }

        /// Routes every notification's path to `webhooks`, de-duplicated through `inbox`,
        /// behind the protocol middleware configured with `config` (its maximum age is capped
        /// by the store's retention, and refusals answer `U`). Other paths answer
        /// `NO_INTERFACE_DEF`.
        pub fn router<W: Webhooks, S: NotificationStore>(
            webhooks: Arc<W>,
            inbox: Inbox<S>,
            config: ServerConfig,
        ) -> axum::Router {
            let retention = inbox.store().retention();
            let routes = axum::Router::new();
            #(#routes)*
            let routes = routes
                .fallback(#rt::server::unknown_path)
                .with_state((webhooks, inbox));
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
            routing::#method(|State((webhooks, inbox)): State<(Arc<W>, Inbox<S>)>, notification: Verified| async move {
                #rt::notifications::handle_notification::<crate::#request, _, _, _>(
                    notification,
                    #result_field,
                    inbox,
                    move |notification, delivery| async move { webhooks.#ident(notification, delivery).await },
                )
                .await
            }),
        );
    }
}
