//! The two generated routers, from one emitter: `platform.rs`, the AlipayHK side of the
//! outbound endpoints (a trait with one method per endpoint and a router that verifies,
//! validates and dispatches to it, for the local gateway and tests), and `webhooks.rs`, the
//! merchant side of the inbound ones (the same, de-duplicated through an `Inbox`). Both are
//! behind the `server` feature. They differ only in what [`Side`] holds, and their docs (`describe::router_*`).
//!
//! Every method has a default that answers `UN_SUPPORT_BUSINESS` (F), so an endpoint added to
//! the spec is served at once, and an implementation only writes the behaviour it wants.

use crate::describe;
use crate::emit::context::Context;
use crate::emit::idioms::{any_group_gate, group_gate};
use crate::emit::runtime_type::{self as rt, RuntimeType};
use crate::emit::syntax::code::File;
use crate::emit::syntax::lexical::literal;
use crate::emit::syntax::{
    Code, Element, Function, body, call, generic, item_block, seq, statements,
};
use crate::model::{EndpointDef, FieldType, Flow, WireProtocol};

/// What one router's file holds that the other's does not.
struct Side {
    /// Runtime items imported after `std::sync::Arc` and before `ServerConfig`.
    imports: &'static [RuntimeType],
    trait_name: &'static str,
    /// The router's generic parameters and its parameters after the trait object.
    generics: &'static str,
    parameters: &'static [&'static str],
    /// Statements before the routes.
    setup: &'static [&'static str],
    /// The router's state, and the function that wraps the routes with its arguments.
    state: &'static str,
    wrap: (RuntimeType, &'static [&'static str]),
    /// The same, for routes among which some speak the v1 envelope (`head_body`).
    wrap_head_body: (RuntimeType, &'static [&'static str]),
    /// The handler closure's parameters.
    extract: &'static str,
    /// The runtime's function each route hands its request to, imported with the other
    /// names only routes use, and how many type parameters it takes after the request's.
    dispatch: RuntimeType,
    wildcards: &'static str,
    /// The arguments `dispatch` takes after the request and its result field, given the
    /// endpoint's method name.
    handler: fn(&str) -> Vec<Code>,
    /// A parameter every trait method takes after the request: its name and type.
    context: Option<(&'static str, RuntimeType)>,
}

const PLATFORM: Side = Side {
    imports: &[],
    trait_name: "Api",
    generics: "<A: Api>",
    parameters: &["api: Arc<A>", "config: ServerConfig"],
    setup: &[],
    state: "api",
    wrap: (rt::SERVER_VERIFIED_FN, &["routes", "Arc::new(config)"]),
    wrap_head_body: (
        rt::SERVER_VERIFIED_WITH,
        &["routes", "Arc::new(config)", "head_body"],
    ),
    extract: "|State(api): State<Arc<A>>, request: Verified|",
    dispatch: rt::SERVER_HANDLE,
    wildcards: "_, _",
    handler: |method| vec![format!("|request| api.{method}(request)").into()],
    context: None,
};

const WEBHOOKS: Side = Side {
    imports: &[rt::INBOX, rt::NOTIFICATION_STORE],
    trait_name: "Webhooks",
    generics: "<W: Webhooks, S: NotificationStore>",
    parameters: &[
        "webhooks: Arc<W>",
        "inbox: Inbox<S>",
        "config: ServerConfig",
    ],
    setup: &["let retention = inbox.store().retention();"],
    state: "(webhooks, inbox)",
    wrap: (
        rt::NOTIFICATION_VERIFIED,
        &["routes", "config", "retention"],
    ),
    wrap_head_body: (
        rt::NOTIFICATION_VERIFIED_WITH,
        &["routes", "config", "retention", "head_body"],
    ),
    extract: "|State((webhooks, inbox)): State<(Arc<W>, Inbox<S>)>, request: Verified|",
    dispatch: rt::HANDLE_NOTIFICATION,
    wildcards: "_, _, _",
    handler: |method| {
        let call = format!("webhooks.{method}(notification, delivery).await");
        vec![
            "inbox".into(),
            body(
                "move |notification, delivery| async move",
                statements([call.as_str()]),
            ),
        ]
    },
    context: Some(("_delivery", rt::DELIVERY)),
};

/// The router file of the endpoints that flow `flow`: `platform.rs` for outbound ones,
/// `webhooks.rs` for inbound ones.
pub(crate) fn router_file(cx: &Context, flow: Flow) -> File {
    let side = side(flow);
    let endpoints = || cx.api.endpoints.values().filter(move |e| e.flow == flow);
    let mut lines = vec![
        Element::from(Code::from("use std::sync::Arc;")),
        Element::blank(),
    ];
    if !side.imports.is_empty() {
        lines.push(cx.use_rt(side.imports));
    }
    lines.push(cx.use_rt(&[rt::SERVER_CONFIG]));
    lines.push(cx.use_rt(&[rt::AXUM]));
    let gate = any_group_gate(endpoints());
    for import in [
        cx.use_rt(&[rt::SERVER_VERIFIED, rt::AXUM_STATE, rt::AXUM_ROUTING]),
        cx.use_rt(&[rt::ENDPOINT, side.dispatch]),
    ] {
        lines.push(import.with_all(gate.clone()));
    }
    let methods = endpoints().map(|e| trait_method(cx, e, side)).collect();
    let trait_head = seq([
        "pub trait ".into(),
        side.trait_name.into(),
        ": Send + Sync + 'static".into(),
    ]);
    lines.push(Element::documented(
        describe::router_trait_doc(flow),
        item_block(trait_head, methods),
    ));
    let mut statements: Vec<Element> = side.setup.iter().map(|s| Code::from(*s).into()).collect();
    statements.push(Code::from("let routes = axum::Router::new();").into());
    statements.extend(endpoints().map(|e| route(e, side)));
    let fallback = call("routes.fallback", [cx.rt(rt::SERVER_UNKNOWN_PATH)]);
    statements.push(seq(["let routes = ".into(), fallback, ";".into()]).into());
    let with_state = call("routes.with_state", [side.state.into()]);
    statements.push(seq(["let routes = ".into(), with_state, ";".into()]).into());
    let head_body: Vec<&EndpointDef> = endpoints()
        .filter(|e| matches!(e.protocol, WireProtocol::HeadBody(_)))
        .collect();
    let (wrap, args) = if head_body.is_empty() {
        side.wrap
    } else {
        // The middleware checks these paths' envelopes instead of their headers.
        let routes = call(seq([cx.rt(rt::HEAD_BODY_ROUTES), "::new".into()]), []);
        statements.push(seq(["let head_body = ".into(), routes, ";".into()]).into());
        for endpoint in head_body {
            let with = format!("head_body.with::<crate::{}>()", endpoint.request.name);
            let line = Element::from(seq(["let head_body = ".into(), with.into(), ";".into()]));
            statements.push(line.with_all(group_gate(endpoint)));
        }
        side.wrap_head_body
    };
    statements.push(call(cx.rt(wrap), args.iter().map(|a| Code::from(*a))).into());
    let parameters = side.parameters.iter().map(|p| Code::from(*p));
    let router = Function::new(
        seq(["pub fn router".into(), side.generics.into()]),
        parameters,
        Some("axum::Router".into()),
        statements,
    )
    .with_docs(describe::router_doc(flow));
    lines.push(router.into());
    if flow == Flow::Inbound {
        lines.extend(super::notifications::notification_enum(cx));
    }
    File {
        docs: describe::router_file_doc(flow).to_owned(),
        items: lines,
    }
}

/// `crate::Name`: a generated type from the router's module.
fn crate_type(name: &str) -> Code {
    seq(["crate::".into(), name.into()])
}

/// One trait method with its not-implemented default, taking the side's context (an inbound
/// one's `Delivery`) after the request.
fn trait_method(cx: &Context, endpoint: &EndpointDef, side: &Side) -> Element {
    let mut parameters = vec![
        Code::from("&self"),
        seq(["_request: ".into(), crate_type(&endpoint.request.name)]),
    ];
    if let Some((name, ty)) = side.context {
        parameters.push(seq([name.into(), ": ".into(), cx.rt(ty)]));
    }
    let result = generic(
        "Result",
        [
            crate_type(endpoint.response.type_name()),
            cx.rt(rt::RESULT_INFO),
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
                cx.rt(rt::SERVER_NOT_IMPLEMENTED),
                [literal(&endpoint.name).into()],
            )],
        )],
    );
    let function = Function::new(
        seq(["fn ".into(), endpoint.module.as_str().into()]),
        parameters,
        Some(output),
        vec![default.into()],
    )
    .with_docs(describe::route_doc(endpoint))
    .gated(group_gate(endpoint));
    function.into()
}

/// One statement per route, so a group's feature can leave its routes out.
fn route(endpoint: &EndpointDef, side: &Side) -> Element {
    let request = crate_type(&endpoint.request.name);
    let result_field = literal(result_field(endpoint));
    let mut args = vec!["request".into(), result_field.into()];
    args.extend((side.handler)(&endpoint.module));
    // The turbofish is text, so a long line breaks the arguments, as a person would.
    let turbofish = format!(
        "{}::<crate::{}, {}>",
        side.dispatch.name(),
        endpoint.request.name,
        side.wildcards
    );
    let dispatch = call(turbofish, args);
    let handler = body(
        seq([side.extract.into(), " async move".into()]),
        vec![seq([dispatch, ".await".into()]).into()],
    );
    let verb = endpoint.method.as_str().to_lowercase();
    let route = call(
        "routes.route",
        [
            seq([request, "::PATH".into()]),
            call(seq(["routing::".into(), verb.into()]), [handler]),
        ],
    );
    let line = Element::from(seq(["let routes = ".into(), route, ";".into()]));
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
