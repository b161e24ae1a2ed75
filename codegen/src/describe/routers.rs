//! The docs of the two generated routers: `platform.rs` (AlipayHK's side of the outbound
//! endpoints) and `webhooks.rs` (the merchant's side of the inbound ones).

use crate::model::{EndpointDef, Flow};

/// The router file's module docs.
pub(crate) fn router_file_doc(flow: Flow) -> &'static str {
    match flow {
        Flow::Outbound => {
            "The AlipayHK (platform) side of the API, for the local gateway and for tests:
implement [`Api`] with the behaviour you want and serve [`router`], which verifies every
request's signature and signs every answer."
        }
        Flow::Inbound => {
            "The notifications AlipayHK sends to endpoints you host. Implement [`Webhooks`] and nest
[`router`] under your own path prefix. The router takes your keys (a [`ServerConfig`] with
your private key and AlipayHK's public key) and applies the protocol itself: it checks each
notification's `Request-Time` and AlipayHK's signature over the full path (without its query
string), and signs your answer. There is no way to serve the methods without that check.

AlipayHK re-delivers a notification until it gets a success answer, up to 7 times over about
a day. The router de-duplicates on each notification's key (such as `billNo`) through an
[`Inbox`] over a
[`runtime::notifications::NotificationStore`](crate::runtime::notifications::NotificationStore):
your method runs once per key at a time, to completion even when AlipayHK hangs up, under a
claim whose lease is renewed while it runs (and which stops your method before the lease can
run out). An `S` answer is final once recorded, and every re-delivery gets it again; after
`F`, `U` or an error the next delivery runs your method again.

Each call gets a [`Delivery`](crate::runtime::notifications::Delivery): on `PostgresStore`
and `SqliteStore` your database writes go through its transaction and commit with the
answer, or not at all. Notifications older than the store's retention are refused, so a
replay is caught by its age or by the store. `InMemoryStore` suits one process,
`SqliteStore` (feature `sqlite`) one host, `PostgresStore` (feature `postgres`) and
`RedisStore` (feature `redis`) any number of instances. After `serve` returns, call
[`Inbox::shutdown`] to wait for the handlers still running."
        }
    }
}

/// The trait's docs.
pub(crate) fn router_trait_doc(flow: Flow) -> &'static str {
    match flow {
        Flow::Outbound => {
            "One method per endpoint. Each answers `UN_SUPPORT_BUSINESS` (F) until implemented;
a request reaches a method only after its signature verified and it validated."
        }
        Flow::Inbound => {
            "One method per notification. Each answers `UN_SUPPORT_BUSINESS` (F) until
implemented; a notification reaches a method only after AlipayHK's signature
verified, and never while another delivery of the same key is being handled."
        }
    }
}

/// The `router` function's docs.
pub(crate) fn router_doc(flow: Flow) -> &'static str {
    match flow {
        Flow::Outbound => {
            "Routes every endpoint's path to `api`, behind the protocol middleware configured
with `config`: requests are checked (client id, time, signature) and decrypted before
a method sees them, and answers are signed. Other paths answer `NO_INTERFACE_DEF`."
        }
        Flow::Inbound => {
            "Routes every notification's path to `webhooks`, de-duplicated through `inbox`,
behind the protocol middleware configured with `config` (its maximum age is capped
by the store's retention, and refusals answer `U`). Other paths answer
`NO_INTERFACE_DEF`."
        }
    }
}

/// A trait method's docs: the route and what it does.
pub(crate) fn route_doc(endpoint: &EndpointDef) -> String {
    format!(
        "`{} {}`: {}.",
        endpoint.method.as_str(),
        endpoint.path,
        endpoint.summary.trim_end_matches('.')
    )
}
