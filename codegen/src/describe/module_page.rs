//! An endpoint module's page.

use super::{paragraphs, result_code_table};
use crate::model::{
    Api, EndpointDef, Flow, Limit, ResultCodes, SignatureEncoding, SignedPart, WireProtocol,
};

/// An endpoint module's docs: what it is, how it is called and repeated, its result codes
/// and an example.
pub(crate) fn module_page(api: &Api, endpoint: &EndpointDef) -> String {
    let method = endpoint.method.as_str();
    let codes = endpoint.result_codes.set(&api.result_code_tables);
    let table_note = match &endpoint.result_codes {
        ResultCodes::Shared(name) => {
            format!("\n\nThe codes of the shared [`{name}`](super::{name}) table.")
        }
        _ => String::new(),
    };
    let table = result_code_table(codes);
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
    paragraphs([
        format!("{}.", endpoint.summary.trim_end_matches('.')),
        wire,
        endpoint.description.clone().unwrap_or_default(),
        protocol_doc(endpoint),
        idempotency_doc(endpoint),
        resolution_doc(endpoint),
        settles_doc(endpoint),
        format!("# Result codes\n\n{table}{table_note}"),
        super::example::snippet(api, endpoint),
        endpoint
            .docs_url
            .as_ref()
            .map(|u| format!("Documentation: <{u}>"))
            .unwrap_or_default(),
    ])
}

/// For a v1 endpoint: the envelope, what is signed and how, each inferred fact with its
/// reason. Nothing for the header protocol, which the crate docs describe once.
fn protocol_doc(endpoint: &EndpointDef) -> String {
    let WireProtocol::HeadBody(def) = &endpoint.protocol else {
        return String::new();
    };
    let rules = &def.rules;
    let signed = match rules.signed.value {
        SignedPart::Value => "the exact text of the `request` value, braces included",
        SignedPart::Members => "the exact text between the `request` value's outer braces",
    };
    let algorithm = rules.algorithm.value.spec_name();
    let encoding = match rules.encoding.value {
        SignatureEncoding::Base64 => "base64",
        SignatureEncoding::Base64UrlEncoded => "base64, then URL-encoded",
    };
    fn why<T>(limit: &Limit<T>) -> String {
        limit
            .provenance
            .inference()
            .map(|why| format!(" (inferred: {why})"))
            .unwrap_or_default()
    }
    format!(
        "# Protocol\n\nAlipayHK's v1 envelope (spec protocol `{name}`): `{{\"request\": \
         {{\"head\": {{…}}, \"body\": {{…}}}}, \"signature\": \"…\"}}`, with head `function` \
         `{function}` and `version` `{version}`{version_why}, filled in by the runtime. The \
         signature is {algorithm}{algorithm_why} over {signed}{signed_why}, as sent (and, for \
         the answer, as received), written in {encoding}{encoding_why}.",
        name = rules.name,
        function = def.function,
        version = rules.version.value,
        version_why = why(&rules.version),
        algorithm_why = why(&rules.algorithm),
        signed_why = why(&rules.signed),
        encoding_why = why(&rules.encoding),
    )
}

/// What the resolver does with an unknown outcome, for an endpoint whose spec says.
fn resolution_doc(endpoint: &EndpointDef) -> String {
    let Some(r) = &endpoint.resolution else {
        return String::new();
    };
    let read = match (&r.inquire_with, &r.outcome, &r.reached) {
        (Some(query), _, Some((theirs, ours))) => format!(
            "reads it with `{query}` (done when its `{theirs}` is this call's `{ours}`; \
             otherwise the call did not take effect, and is sent again)"
        ),
        (Some(query), Some(field), None) => {
            format!("reads it with `{query}` (its `{field}` is this call's result)")
        }
        (Some(query), None, None) => format!("reads it with `{query}`"),
        (None, ..) => "re-sends the same request, which reads it".to_owned(),
    };
    let end = match &r.cancel_with {
        Some(cancel) => format!(", and cancels it with `{cancel}` when the deadline passes"),
        None => ", and, as it cannot be cancelled, reports it unresolved when the deadline passes"
            .to_owned(),
    };
    let why = r
        .provenance
        .inference()
        .map(|why| format!(" (Inferred: {why}.)"))
        .unwrap_or_default();
    format!(
        "# Settling an unknown outcome\n\n`runtime::resolve::Resolver::execute` writes the call \
         to its intent store, sends it, and, when the outcome is unknown, {read} until it is \
         final{end}.{why}"
    )
}

/// Which call's pending intent a notification settles, for one whose spec says.
fn settles_doc(endpoint: &EndpointDef) -> String {
    let Some(s) = &endpoint.settles else {
        return String::new();
    };
    let key: Vec<String> = s.key.iter().map(|k| format!("`{k}`")).collect();
    format!(
        "# Settling a pending call\n\nIt says how a `{call}` ended: pass it to \
         `runtime::resolve::Resolver::settle_from` in the handler, and the `{call}` whose \
         intent {key} names is settled by its `{outcome}` (`S` done, `F` failed), unless it is \
         already being cancelled: then its cancel says how it ended.",
        call = s.call,
        key = key.join(", "),
        outcome = s.outcome,
    )
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
