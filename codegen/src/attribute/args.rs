//! The arguments of `#[alipayhk::endpoint(...)]`, read with the request struct into the raw
//! endpoint document.

use heck::ToLowerCamelCase;
use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned as _;
use syn::{Ident, ItemStruct, LitStr, Token};

use super::Errors;
use super::field_attrs::read_struct;
use super::spans::Spans;
use crate::document::raw::{
    Constraint, EndpointSpec, IdempotencySpec, Located, MessageSpec, ProtocolSpec, ResultCodeSpec,
};
use crate::model::ExistingTypes;
use crate::model::rust_field_ident_name;

const OPTIONS: &str = "method, path, response, result_codes, idempotency, summary, head_body";

/// The name the attribute's `head_body(...)` protocol takes in the model.
const HEAD_BODY: &str = "v1";

#[derive(Default)]
struct Args {
    method: Option<Located<String>>,
    path: Option<Located<String>>,
    summary: Option<Located<String>>,
    response: Option<Located<String>>,
    codes: Option<Located<Vec<ResultCodeSpec>>>,
    existing_codes: Option<Located<String>>,
    idempotency: Option<IdempotencySpec>,
    /// `head_body(function = "...", ...)`: the protocol, and the function.
    head_body: Option<(ProtocolSpec, Located<String>)>,
}

/// Reads the arguments and the struct. `None` when there is too little to check further.
pub(super) fn read_endpoint(
    tokens: TokenStream,
    item: &ItemStruct,
    spans: &mut Spans,
    errors: &mut Errors,
) -> Option<(EndpointSpec, ExistingTypes, Option<ProtocolSpec>)> {
    let mut args = Args::default();
    let parser = syn::meta::parser(|meta| read_arg(&meta, &mut args, spans));
    if let Err(error) = syn::parse::Parser::parse2(parser, tokens) {
        errors.push(error);
    }
    let request = read_struct(item, spans, errors);
    let struct_name = item.ident.to_string();
    let Some(stem) = struct_name
        .strip_suffix("Request")
        .filter(|stem| !stem.is_empty())
    else {
        errors.push(syn::Error::new(
            item.ident.span(),
            "name the request struct `<Endpoint>Request`, such as `QueryPointsRequest`: the \
             endpoint's name (`queryPoints`) and its result-code enum derive from it",
        ));
        return None;
    };
    let missing = |what: &str, example: &str| {
        syn::Error::new(
            Span::call_site(),
            format!("missing `{what}`, such as `#[alipayhk::endpoint({example})]`"),
        )
    };
    let path = args.path.or_else(|| {
        errors.push(missing("path", "path = \"/api/open/...\""));
        None
    });
    let response = args.response.or_else(|| {
        errors.push(missing("response", "response = QueryPointsResponse"));
        None
    });
    if args.codes.is_none() && args.existing_codes.is_none() {
        errors.push(missing(
            "result_codes",
            "result_codes(SUCCESS(S, \"Success\"), PARAM_ILLEGAL(F, \"Illegal parameters\"))",
        ));
        return None;
    }
    let idempotency = args.idempotency.map(|mut idempotency| {
        // Key fields are named as the struct names them; the spec names wire names.
        for key in &mut idempotency.key.value {
            if let Some(field) = request
                .fields
                .iter()
                .find(|f| rust_field_ident_name(&f.name.value) == key.value)
            {
                key.value = field.name.value.clone();
            }
        }
        idempotency
    });
    let name = stem.to_lower_camel_case();
    let at = item.ident.span();
    let (protocol, function) = match args.head_body {
        Some((protocol, function)) => (Some(protocol), Some(function)),
        None => (None, None),
    };
    let spec = EndpointSpec {
        summary: args
            .summary
            .unwrap_or_else(|| spans.locate(format!("The `{name}` endpoint"), at)),
        name: spans.locate(name, at),
        method: args
            .method
            .unwrap_or_else(|| spans.locate("POST".to_owned(), at)),
        path: path?,
        description: None,
        docs_url: None,
        request: MessageSpec {
            description: request.description,
            fields: request.fields,
            rules: request.rules,
            sample: None,
            open: None,
        },
        response: MessageSpec {
            description: None,
            fields: Vec::new(),
            rules: Vec::new(),
            sample: None,
            open: None,
        },
        direction: None,
        idempotency,
        resolve_unknown_with: None,
        resolution: None,
        settles: None,
        group: None,
        protocol: protocol
            .as_ref()
            .map(|_| spans.locate(HEAD_BODY.to_owned(), at)),
        function,
        result_codes: args.codes,
        result_code_table: None,
    };
    let existing = ExistingTypes {
        response: Some(response?),
        result_codes: args.existing_codes,
    };
    Some((spec, existing, protocol))
}

fn read_arg(meta: &ParseNestedMeta<'_>, args: &mut Args, spans: &mut Spans) -> syn::Result<()> {
    let key = meta
        .path
        .get_ident()
        .map(Ident::to_string)
        .unwrap_or_default();
    let duplicate = |present: bool| {
        if present {
            Err(meta.error(format!("`{key}` is given twice")))
        } else {
            Ok(())
        }
    };
    match key.as_str() {
        "method" | "path" | "summary" => {
            let value: LitStr = meta.value()?.parse()?;
            let located = Some(spans.locate(value.value(), value.span()));
            let slot = match key.as_str() {
                "method" => &mut args.method,
                "path" => &mut args.path,
                _ => &mut args.summary,
            };
            duplicate(slot.is_some())?;
            *slot = located;
        }
        "response" => {
            duplicate(args.response.is_some())?;
            let ty: syn::Type = meta.value()?.parse()?;
            args.response = Some(spans.locate(type_text(&ty), ty.span()));
        }
        "result_codes" => {
            duplicate(args.codes.is_some() || args.existing_codes.is_some())?;
            if meta.input.peek(Token![=]) {
                let ty: syn::Type = meta.value()?.parse()?;
                args.existing_codes = Some(spans.locate(type_text(&ty), ty.span()));
            } else {
                let at = meta.path.span();
                let content;
                syn::parenthesized!(content in meta.input);
                let entries = Punctuated::<CodeEntry, Token![,]>::parse_terminated(&content)?;
                let codes = entries
                    .into_iter()
                    .map(|entry| ResultCodeSpec {
                        code: spans.locate(entry.code.to_string(), entry.code.span()),
                        status: spans.locate(entry.status.to_string(), entry.status.span()),
                        message: entry.message.value(),
                        source: None,
                        inferred: None,
                    })
                    .collect();
                args.codes = Some(spans.locate(codes, at));
            }
        }
        "idempotency" => {
            duplicate(args.idempotency.is_some())?;
            let at = meta.path.span();
            let mut spec = IdempotencySpec {
                key: spans.locate(Vec::new(), at),
                already_done: Vec::new(),
            };
            meta.parse_nested_meta(|inner| {
                let names = |spans: &mut Spans| -> syn::Result<Vec<Located<String>>> {
                    let content;
                    syn::parenthesized!(content in inner.input);
                    let idents = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
                    Ok(idents
                        .iter()
                        .map(|i| spans.locate(i.unraw().to_string(), i.span()))
                        .collect())
                };
                if inner.path.is_ident("key") {
                    let key = names(spans)?;
                    spec.key = spans.locate(key, inner.path.span());
                } else if inner.path.is_ident("already_done") {
                    spec.already_done = names(spans)?;
                } else {
                    return Err(inner.error(format!(
                        "unknown idempotency option `{}`, expected one of: key, already_done",
                        super::field_attrs::path_text(&inner.path)
                    )));
                }
                Ok(())
            })?;
            args.idempotency = Some(spec);
        }
        "head_body" => {
            duplicate(args.head_body.is_some())?;
            args.head_body = Some(read_head_body(meta, spans)?);
        }
        _ => {
            return Err(meta.error(format!(
                "unknown option `{}`, expected one of: {OPTIONS}",
                super::field_attrs::path_text(&meta.path)
            )));
        }
    }
    Ok(())
}

/// `head_body(function = "...", version = "2.0.0", signed = "value", algorithm =
/// "SHA256withRSA", signature_encoding = "base64_url")`: only `function` is required, the
/// others default to the A. Points v1 family's.
fn read_head_body(
    meta: &ParseNestedMeta<'_>,
    spans: &mut Spans,
) -> syn::Result<(ProtocolSpec, Located<String>)> {
    let at = meta.path.span();
    let fact =
        |spans: &mut Spans, text: &str| Some(spans.locate(Constraint::Bare(text.to_owned()), at));
    let mut protocol = ProtocolSpec {
        name: spans.locate(HEAD_BODY.to_owned(), at),
        description: None,
        envelope: spans.locate("head_body".to_owned(), at),
        version: fact(spans, "2.0.0"),
        signed: fact(spans, "value"),
        algorithm: fact(spans, "SHA256withRSA"),
        signature_encoding: fact(spans, "base64_url"),
        source: None,
        inferred: None,
    };
    let mut function = None;
    meta.parse_nested_meta(|inner| {
        let key = super::field_attrs::path_text(&inner.path);
        let value: LitStr = inner.value()?.parse()?;
        let text = value.value();
        let slot = match key.as_str() {
            "function" => {
                function = Some(spans.locate(text, value.span()));
                return Ok(());
            }
            "version" => &mut protocol.version,
            "signed" => &mut protocol.signed,
            "algorithm" => &mut protocol.algorithm,
            "signature_encoding" => &mut protocol.signature_encoding,
            _ => {
                return Err(inner.error(format!(
                    "unknown head_body option `{key}`, expected one of: function, version, signed, algorithm, signature_encoding"
                )));
            }
        };
        *slot = Some(spans.locate(Constraint::Bare(text), value.span()));
        Ok(())
    })?;
    let function = function.ok_or_else(|| {
        meta.error("`head_body` names the head's function, such as `head_body(function = \"alipay.intl.oauth.auth.prepareForRedirect\")`")
    })?;
    Ok((protocol, function))
}

/// `CODE(S, "message")`.
struct CodeEntry {
    code: Ident,
    status: Ident,
    message: LitStr,
}

impl syn::parse::Parse for CodeEntry {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        let code: Ident = input.parse()?;
        let content;
        syn::parenthesized!(content in input);
        let status: Ident = content.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "write a result code as `CODE(S, \"message\")`, with status S, F or U",
            )
        })?;
        content.parse::<Token![,]>()?;
        let message: LitStr = content.parse()?;
        content.parse::<Option<Token![,]>>()?;
        Ok(Self {
            code,
            status,
            message,
        })
    }
}

fn type_text(ty: &syn::Type) -> String {
    quote::quote!(#ty).to_string().replace(' ', "")
}
