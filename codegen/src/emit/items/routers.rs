//! The two generated routers, from one emitter: `platform.rs`, the AlipayHK side of the
//! outbound endpoints (a trait with one method per endpoint and a router that verifies,
//! validates and dispatches to it, for the local gateway and tests), and `webhooks.rs`, the
//! merchant side of the inbound ones (the same, de-duplicated through an `Inbox`). Both are
//! behind the `server` feature. They differ only in what [`Side`] holds.
//!
//! Every method has a default that answers `UN_SUPPORT_BUSINESS` (F), so an endpoint added to
//! the spec is served at once, and an implementation only writes the behaviour it wants.

use super::endpoint::{any_group_gate, group_gate};
use crate::emit::options::EmitOptions;
use crate::emit::syntax::code::File;
use crate::emit::syntax::type_paths::literal;
use crate::emit::syntax::{Code, Function, Line, body, call, generic, items, seq, statements};
use crate::model::{Api, EndpointDef, FieldType, Flow};

/// What one router's file holds that the other's does not.
struct Side {
    docs: &'static str,
    /// `use` lines after `std::sync::Arc` and before `ServerConfig`.
    imports: &'static [&'static str],
    trait_docs: &'static str,
    trait_name: &'static str,
    router_docs: &'static str,
    /// The router's generic parameters and its parameters after the trait object.
    generics: &'static str,
    parameters: &'static [&'static str],
    /// Statements before the routes.
    setup: &'static [&'static str],
    /// The router's state, and the function that wraps the routes (`{rt}` for the runtime)
    /// with its arguments.
    state: &'static str,
    wrap: (&'static str, &'static [&'static str]),
    /// The handler closure's parameters.
    extract: &'static str,
    /// The runtime's function each route hands its request to, imported with the other
    /// names only routes use.
    dispatch: &'static str,
}

const PLATFORM: Side = Side {
    docs: "The AlipayHK (platform) side of the API, for the local gateway and for tests: implement [`Api`] with the behaviour you want and serve [`router`], which verifies every request's signature and signs every answer.",
    imports: &[],
    trait_docs: "One method per endpoint. Each answers `UN_SUPPORT_BUSINESS` (F) until implemented;\na request reaches a method only after its signature verified and it validated.",
    trait_name: "Api",
    router_docs: "Routes every endpoint's path to `api`, behind the protocol middleware configured\nwith `config`: requests are checked (client id, time, signature) and decrypted before\na method sees them, and answers are signed. Other paths answer `NO_INTERFACE_DEF`.",
    generics: "<A: Api>",
    parameters: &["api: Arc<A>", "config: ServerConfig"],
    setup: &[],
    state: "api",
    wrap: ("{rt}::server::verified", &["routes", "Arc::new(config)"]),
    extract: "|State(api): State<Arc<A>>, request: Verified|",
    dispatch: "server::handle",
};

const WEBHOOKS: Side = Side {
    docs: "The notifications AlipayHK sends to endpoints you host. Implement [`Webhooks`] and nest [`router`] under your own path prefix. The router takes your keys (a [`ServerConfig`] with your private key and AlipayHK's public key) and applies the protocol itself: it checks each notification's `Request-Time` and AlipayHK's signature over the full path (without its query string), and signs your answer. There is no way to serve the methods without that check.\n\nAlipayHK re-delivers a notification until it gets a success answer, up to 7 times over about a day. The router de-duplicates on each notification's key (such as `billNo`) through an [`Inbox`] over a [`runtime::notifications::NotificationStore`](crate::runtime::notifications::NotificationStore): your method runs once per key at a time, to completion even when AlipayHK hangs up, under a claim whose lease is renewed while it runs (and which stops your method before the lease can run out). An `S` answer is final once recorded, and every re-delivery gets it again; after `F`, `U` or an error the next delivery runs your method again. Each call gets a [`Delivery`](crate::runtime::notifications::Delivery): on `PostgresStore` and `SqliteStore` your database writes go through its transaction and commit with the answer, or not at all. Notifications older than the store's retention are refused, so a replay is caught by its age or by the store. `InMemoryStore` suits one process, `SqliteStore` (feature `sqlite`) one host, `PostgresStore` (feature `postgres`) and `RedisStore` (feature `redis`) any number of instances. After `serve` returns, call [`Inbox::shutdown`] to wait for the handlers still running.",
    imports: &["notifications::{Inbox, NotificationStore}"],
    trait_docs: "One method per notification. Each answers `UN_SUPPORT_BUSINESS` (F) until\nimplemented; a notification reaches a method only after AlipayHK's signature\nverified, and never while another delivery of the same key is being handled.",
    trait_name: "Webhooks",
    router_docs: "Routes every notification's path to `webhooks`, de-duplicated through `inbox`,\nbehind the protocol middleware configured with `config` (its maximum age is capped\nby the store's retention, and refusals answer `U`). Other paths answer\n`NO_INTERFACE_DEF`.",
    generics: "<W: Webhooks, S: NotificationStore>",
    parameters: &[
        "webhooks: Arc<W>",
        "inbox: Inbox<S>",
        "config: ServerConfig",
    ],
    setup: &["let retention = inbox.store().retention();"],
    state: "(webhooks, inbox)",
    wrap: (
        "{rt}::notifications::verified",
        &["routes", "config", "retention"],
    ),
    extract: "|State((webhooks, inbox)): State<(Arc<W>, Inbox<S>)>, request: Verified|",
    dispatch: "notifications::handle_notification",
};

/// The router file of the endpoints that flow `flow`: `platform.rs` for outbound ones,
/// `webhooks.rs` for inbound ones.
pub(crate) fn router_file(api: &Api, flow: Flow, options: &EmitOptions) -> File {
    let rt = &options.runtime;
    let side = side(flow);
    let endpoints = || api.endpoints.values().filter(move |e| e.flow == flow);
    let mut lines = vec![Line::from(Code::from("use std::sync::Arc;")), Line::blank()];
    lines.extend(
        side.imports
            .iter()
            .map(|import| Code::from(format!("use {rt}::{import};")).into()),
    );
    lines.extend(statements([
        &format!("use {rt}::server::ServerConfig;"),
        &format!("use {rt}::server::axum;"),
    ]));
    let gate = any_group_gate(endpoints());
    for import in [
        format!("use {rt}::server::{{Verified, axum::extract::State, axum::routing}};"),
        format!("use {rt}::{{Endpoint, {}}};", side.dispatch),
    ] {
        lines.push(Line::from(Code::from(import)).with_all(gate.clone()));
    }
    let methods = endpoints().map(|e| method(e, flow, options)).collect();
    lines.push(Line::documented(
        side.trait_docs,
        items(
            format!("pub trait {}: Send + Sync + 'static", side.trait_name),
            methods,
        ),
    ));
    let mut statements: Vec<Line> = side.setup.iter().map(|s| Code::from(*s).into()).collect();
    statements.push(Code::from("let routes = axum::Router::new();").into());
    statements.extend(endpoints().map(|e| route(e, flow)));
    statements.push(
        Code::from(format!(
            "let routes = routes.fallback({rt}::server::unknown_path);"
        ))
        .into(),
    );
    statements.push(Code::from(format!("let routes = routes.with_state({});", side.state)).into());
    let (wrap, args) = side.wrap;
    statements.push(
        call(
            wrap.replace("{rt}", rt),
            args.iter().map(|a| Code::from(*a)),
        )
        .into(),
    );
    let parameters = side.parameters.iter().map(|p| Code::from(*p));
    let router = Function::new(
        format!("pub fn router{}", side.generics),
        parameters,
        Some("axum::Router".into()),
        statements,
    )
    .documented(side.router_docs);
    lines.push(router.into());
    if flow == Flow::Inbound {
        lines.extend(super::notifications::notification_enum(api, options));
    }
    File {
        docs: side.docs.to_owned(),
        items: lines,
    }
}

/// One trait method with its not-implemented default; an inbound one also takes the
/// `Delivery`.
fn method(endpoint: &EndpointDef, flow: Flow, options: &EmitOptions) -> Line {
    let rt = &options.runtime;
    let mut parameters = vec![
        Code::from("&self"),
        format!("_request: crate::{}", endpoint.request.name).into(),
    ];
    if flow == Flow::Inbound {
        parameters.push(format!("_delivery: {rt}::notifications::Delivery").into());
    }
    let result = generic(
        "Result",
        [
            format!("crate::{}", endpoint.response.type_name()).into(),
            format!("{rt}::ResultInfo").into(),
        ],
    );
    let output = seq([
        generic(
            "impl std::future::Future",
            [seq(["Output = ".into(), result])],
        ),
        " + Send".into(),
    ]);
    let default = call(
        "std::future::ready",
        [call(
            "Err",
            [call(
                format!("{rt}::server::not_implemented"),
                [literal(&endpoint.name).into()],
            )],
        )],
    );
    let mut function = Function::new(
        format!("fn {}", endpoint.module),
        parameters,
        Some(output),
        vec![default.into()],
    )
    .documented(format!(
        "`{} {}`: {}.",
        endpoint.method.as_str(),
        endpoint.path,
        endpoint.summary.trim_end_matches('.')
    ));
    function.attributes.extend(group_gate(endpoint));
    function.into()
}

/// One statement per route, so a group's feature can leave its routes out.
fn route(endpoint: &EndpointDef, flow: Flow) -> Line {
    let request = format!("crate::{}", endpoint.request.name);
    let ident = &endpoint.module;
    let result_field = literal(result_field(endpoint));
    let side = side(flow);
    let function = side.dispatch.rsplit("::").next().unwrap_or(side.dispatch);
    let (wildcards, args): (&[&str], Vec<Code>) = match flow {
        Flow::Outbound => (
            &["_", "_"],
            vec![
                "request".into(),
                result_field.into(),
                format!("|request| api.{ident}(request)").into(),
            ],
        ),
        Flow::Inbound => (
            &["_", "_", "_"],
            vec![
                "request".into(),
                result_field.into(),
                "inbox".into(),
                body(
                    "move |notification, delivery| async move",
                    statements([&format!("webhooks.{ident}(notification, delivery).await")]),
                ),
            ],
        ),
    };
    // The turbofish is text, so a long line breaks the arguments, as a person would.
    let types = [request.as_str()]
        .into_iter()
        .chain(wildcards.iter().copied());
    let turbofish = format!("{function}::<{}>", types.collect::<Vec<_>>().join(", "));
    let dispatch = call(turbofish, args);
    let handler = body(
        format!("{} async move", side.extract),
        vec![seq([dispatch, ".await".into()]).into()],
    );
    let method = endpoint.method.as_str().to_lowercase();
    let route = call(
        "routes.route",
        [
            format!("{request}::PATH").into(),
            call(format!("routing::{method}"), [handler]),
        ],
    );
    let line = Line::from(seq(["let routes = ".into(), route, ";".into()]));
    line.with_all(group_gate(endpoint))
}

fn side(flow: Flow) -> &'static Side {
    match flow {
        Flow::Outbound => &PLATFORM,
        Flow::Inbound => &WEBHOOKS,
    }
}

/// Where a failure answer puts the result object: the name the response uses for it.
fn result_field(endpoint: &EndpointDef) -> &str {
    endpoint
        .response
        .declared()
        .and_then(|r| r.fields.iter().find(|f| f.ty == FieldType::Result))
        .map_or("result", |f| f.wire_name.as_str())
}
