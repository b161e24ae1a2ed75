//! One module per endpoint: its request, response, inline types, result codes and the
//! `Endpoint` implementation that lets the runtime send it.

use super::enums::value_enum;
use super::identifier::identifier;
use super::object::struct_items;
use super::result_codes::result_codes;
use crate::describe;
use crate::emit::context::{Context, Site, shared_type};
use crate::emit::idioms::{doc_alias, trait_impl};
use crate::emit::runtime_type as rt;
use crate::emit::syntax::code::{Delimiter, File};
use crate::emit::syntax::lexical::literal;
use crate::emit::syntax::printer;
use crate::emit::syntax::{Code, Element, call, generic, list, seq, struct_literal};
use crate::model::{EndpointDef, HttpMethod, ResultCodes, TypeDef, WireProtocol};

/// The whole module file of an endpoint.
pub(crate) fn module_file(cx: &Context, endpoint: &EndpointDef) -> File {
    let mut items = Vec::new();
    if cx.imports_serde() {
        items.push(Element::from(Code::from(
            "use serde::{Deserialize, Serialize};",
        )));
    }
    items.extend(endpoint_items(cx, endpoint));
    File {
        docs: describe::module_page(cx.api, endpoint),
        items,
    }
}

/// The items of an endpoint, without module docs or imports: what the attribute macro emits.
pub(crate) fn endpoint_items(cx: &Context, endpoint: &EndpointDef) -> Vec<Element> {
    let module = Some(endpoint.module.as_str());
    let object = |def| struct_items(cx, def, Site::Endpoint, module);
    let mut lines = object(&endpoint.request);
    // Searching the docs for the API's own name (`updatePass`) finds the types.
    lines[0] = std::mem::take(&mut lines[0]).with(doc_alias(&endpoint.name));
    lines.push(endpoint_impl(cx, endpoint));
    lines.extend(super::resolvable::resolvable_impl(
        cx,
        endpoint,
        codes_type(endpoint),
    ));
    lines.extend(super::resolvable::settles_impl(cx, endpoint));
    if let Some(response) = endpoint.response.declared() {
        lines.extend(object(response));
    }
    if let Some(codes) = endpoint.result_codes.declared() {
        let covers = format!("Result codes documented for `{}`.", endpoint.name);
        lines.extend(result_codes(cx, codes, &covers));
    }
    for def in endpoint.types.values() {
        lines.extend(match def {
            TypeDef::Object(o) => object(o),
            TypeDef::Enum(e) => value_enum(cx, e),
            TypeDef::Identifier(i) => identifier(cx, i),
        });
    }
    lines
}

/// The endpoint's result-code type, as its module names it.
fn codes_type(endpoint: &EndpointDef) -> Code {
    match &endpoint.result_codes {
        ResultCodes::Shared(name) => shared_type(name),
        other => other.type_name().into(),
    }
}

fn endpoint_impl(cx: &Context, endpoint: &EndpointDef) -> Element {
    let codes = codes_type(endpoint);
    let verb = match endpoint.method {
        HttpMethod::Get => "Get",
        HttpMethod::Post => "Post",
        HttpMethod::Put => "Put",
        HttpMethod::Delete => "Delete",
    };
    let mut lines: Vec<Element> = vec![
        associated_type("Response", endpoint.response.type_name().into()),
        associated_type("ResultCode", codes),
        associated_const(
            "NAME",
            "&'static str".into(),
            literal(&endpoint.name).into(),
        ),
        associated_const(
            "METHOD",
            cx.rt(rt::HTTP_METHOD),
            cx.rt_member(rt::HTTP_METHOD, verb),
        ),
        associated_const(
            "PATH",
            "&'static str".into(),
            literal(&endpoint.path).into(),
        ),
    ];
    if let WireProtocol::HeadBody(def) = &endpoint.protocol {
        lines.push(associated_const(
            "PROTOCOL",
            cx.rt(rt::PROTOCOL),
            super::protocol::head_body_value(cx, def),
        ));
    }
    if let Some(i) = &endpoint.idempotency {
        let strings = |list_of: &[String]| {
            seq([
                "&".into(),
                list(
                    Delimiter::Bracket,
                    list_of.iter().map(|k| literal(k).into()),
                ),
            ])
        };
        let value = struct_literal(
            cx.rt(rt::IDEMPOTENCY),
            [
                seq(["key: ".into(), strings(&i.key)]),
                seq(["already_done: ".into(), strings(&i.already_done)]),
            ],
        );
        lines.push(associated_const(
            "IDEMPOTENCY",
            generic("Option", [cx.rt(rt::IDEMPOTENCY)]),
            call("Some", [value]),
        ));
    }
    if let Some(query) = &endpoint.resolve_unknown_with {
        lines.push(associated_const(
            "RESOLVE_UNKNOWN_WITH",
            "Option<&'static str>".into(),
            call("Some", [literal(query).into()]),
        ));
    }
    trait_impl(cx.rt(rt::ENDPOINT), &endpoint.request.name, lines)
}

/// `type Name = ty;` in a trait impl.
fn associated_type(name: &str, ty: Code) -> Element {
    seq(["type ".into(), name.into(), " = ".into(), ty, ";".into()]).into()
}

/// `const NAME: ty = value;` in a trait impl; a long one breaks in its value, not its type.
fn associated_const(name: &str, ty: Code, value: Code) -> Element {
    seq([
        "const ".into(),
        name.into(),
        ": ".into(),
        printer::unbroken(&ty),
        " = ".into(),
        value,
        ";".into(),
    ])
    .into()
}
