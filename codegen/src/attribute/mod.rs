//! The attribute front door: `#[alipayhk::endpoint]`, `#[alipayhk::object]` and
//! `#[alipayhk::response]` read a Rust struct into the same raw documents the YAML loader
//! produces, and from there everything is shared: the model's checks (with the same
//! messages, pointed at the offending token) and the emitter. The proc-macro crate only hands
//! its tokens to [`endpoint`] and [`object`] (through `crate::__private`). Expansions name the
//! runtime through `alipayhk`, the one crate a merchant depends on (`EmitOptions::alipayhk`).
//!
//! On any mistake the output is the mistakes as `compile_error!`s plus the struct as written
//! (helper attributes removed), so the rest of the user's crate still sees the type and the
//! compiler reports the one real error rather than a cascade.

mod args;
mod field_attrs;
mod rust_types;
mod spans;

use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemStruct;

use crate::document::SourceFile;
use crate::document::raw::TypeSpec;
use crate::emit::{EmitOptions, endpoint_items, shared_items};
use crate::error::SpecErrors;
use crate::model::{self, ObjectRole};
use spans::Spans;

pub(crate) type Errors = Vec<syn::Error>;

/// Expands `#[alipayhk::endpoint(args)]` on `item`.
pub(crate) fn endpoint(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = match syn::parse2::<ItemStruct>(item) {
        Ok(item) => item,
        Err(error) => return not_a_struct(error, "endpoint"),
    };
    let mut spans = Spans::default();
    let mut errors = Errors::new();
    let spec = args::read_endpoint(args, &item, &mut spans, &mut errors);
    let source = source("endpoint");
    let built = spec.map(|(spec, existing, protocol)| {
        model::endpoint_alone(&spec, &existing, &source, protocol.as_ref())
    });
    match (built, errors.is_empty()) {
        (Some(Ok(api)), true) => {
            let endpoint = api.endpoints.values().next();
            let items = endpoint.map_or_else(TokenStream::new, |e| {
                endpoint_items(&api, e, &EmitOptions::alipayhk())
            });
            let written = written_types(&item);
            quote!(#items #written)
        }
        (Some(Err(model_errors)), _) => {
            errors.extend(located(&model_errors, &spans));
            fallback(&item, &errors)
        }
        _ => fallback(&item, &errors),
    }
}

/// Expands `#[alipayhk::object]` (a request-side object: validated, closed enums) or
/// `#[alipayhk::response]` (open enums, no validation) on `item`.
pub(crate) fn object(args: TokenStream, item: TokenStream, role: ObjectRole) -> TokenStream {
    let attribute = match role {
        ObjectRole::Request => "object",
        ObjectRole::Response => "response",
    };
    let item = match syn::parse2::<ItemStruct>(item) {
        Ok(item) => item,
        Err(error) => return not_a_struct(error, attribute),
    };
    let mut errors = Errors::new();
    if !args.is_empty() {
        errors.push(syn::Error::new_spanned(
            &args,
            format!("`#[alipayhk::{attribute}]` takes no arguments"),
        ));
    }
    let mut spans = Spans::default();
    let read = field_attrs::read_struct(&item, &mut spans, &mut errors);
    let spec = TypeSpec {
        name: spans.locate(item.ident.to_string(), item.ident.span()),
        kind: spans.locate("object".to_owned(), item.ident.span()),
        description: read.description,
        fields: Some(read.fields),
        rules: read.rules,
        values: None,
        transitions: Vec::new(),
        source: None,
        inferred: None,
        open: None,
    };
    match model::object_alone(&spec, role, &source(attribute)) {
        Ok(api) if errors.is_empty() => {
            let items = shared_items(&api, &EmitOptions::alipayhk());
            let written = written_types(&item);
            quote!(#items #written)
        }
        Ok(_) => fallback(&item, &errors),
        Err(model_errors) => {
            errors.extend(located(&model_errors, &spans));
            fallback(&item, &errors)
        }
    }
}

/// Expands every `#[alipayhk::endpoint]`, `#[alipayhk::object]` and `#[alipayhk::response]`
/// on the top-level structs of `file`, as the compiler would: the code the attributes write,
/// for reading or for vendoring. Mistakes become `compile_error!`s in the output.
#[cfg(feature = "cli")]
pub(crate) fn expand_file(file: syn::File) -> syn::File {
    let mut out = file.clone();
    out.items.clear();
    for item in file.items {
        let syn::Item::Struct(mut item) = item else {
            out.items.push(item);
            continue;
        };
        let attribute = item.attrs.iter().position(|a| {
            let path = a.path();
            path.segments.len() == 2 && path.segments[0].ident == "alipayhk"
        });
        let Some(at) = attribute else {
            out.items.push(syn::Item::Struct(item));
            continue;
        };
        let attr = item.attrs.remove(at);
        let args = match &attr.meta {
            syn::Meta::List(list) => list.tokens.clone(),
            _ => TokenStream::new(),
        };
        let tokens = quote!(#item);
        let expanded = match attr.path().segments[1].ident.to_string().as_str() {
            "endpoint" => endpoint(args, tokens),
            "object" => object(args, tokens, ObjectRole::Request),
            "response" => object(args, tokens, ObjectRole::Response),
            other => syn::Error::new_spanned(
                &attr,
                format!(
                    "unknown attribute `alipayhk::{other}`, expected endpoint, object or response"
                ),
            )
            .to_compile_error(),
        };
        match syn::parse2::<syn::File>(expanded) {
            Ok(expanded) => out.items.extend(expanded.items),
            Err(error) => out
                .items
                .push(syn::Item::Verbatim(error.to_compile_error())),
        }
    }
    out
}

/// Checks that each field has the type the user wrote. The emitter spells built-in types by
/// their full path, so this is also what keeps the user's imports of them in use.
fn written_types(item: &ItemStruct) -> TokenStream {
    let name = &item.ident;
    let checks = item.fields.iter().filter_map(|field| {
        let (ident, ty) = (field.ident.as_ref()?, &field.ty);
        Some(quote!(let _: &#ty = &value.#ident;))
    });
    quote! {
        const _: fn(&#name) = |value| {
            #(#checks)*
        };
    }
}

fn source(attribute: &str) -> SourceFile {
    SourceFile {
        path: format!("#[alipayhk::{attribute}]").into(),
        relative: String::new(),
        sha256: String::new(),
    }
}

fn located(errors: &SpecErrors, spans: &Spans) -> Errors {
    errors
        .0
        .iter()
        .map(|e| syn::Error::new(spans.span(e.line), &e.message))
        .collect()
}

fn not_a_struct(error: syn::Error, attribute: &str) -> TokenStream {
    let message = format!(
        "`#[alipayhk::{attribute}]` goes on a struct with named fields, one per JSON field"
    );
    syn::Error::new(error.span(), message).to_compile_error()
}

/// The errors, and the struct as the user wrote it without the attributes only this macro
/// understands, so uses of the type elsewhere do not add errors of their own.
fn fallback(item: &ItemStruct, errors: &Errors) -> TokenStream {
    let mut item = item.clone();
    let keep = |a: &syn::Attribute| a.path().is_ident("doc");
    item.attrs.retain(keep);
    for field in item.fields.iter_mut() {
        field.attrs.retain(keep);
    }
    let errors = errors.iter().map(syn::Error::to_compile_error);
    quote! {
        #(#errors)*
        #item
    }
}
