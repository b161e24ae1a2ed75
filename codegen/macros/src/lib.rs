// The crate docs are its README, whose examples need the `alipayhk` crate, which depends on
// this one: they are compiled as doc-tests of `alipayhk-tests` instead (`doctest = false`
// below keeps the dependency one-way, so the crates can be packaged).
#![doc = include_str!("../README.md")]

use alipayhk_codegen::emit::EmitOptions;
use alipayhk_codegen::model::ObjectRole;
use proc_macro::TokenStream;

/// Turns a request struct into an endpoint; see the [crate docs](crate).
#[proc_macro_attribute]
pub fn endpoint(args: TokenStream, item: TokenStream) -> TokenStream {
    alipayhk_codegen::attribute::endpoint(args.into(), item.into(), &options()).into()
}

/// Turns a struct into an object sent in requests: validated, with closed enums; see the
/// [crate docs](crate).
#[proc_macro_attribute]
pub fn object(args: TokenStream, item: TokenStream) -> TokenStream {
    alipayhk_codegen::attribute::object(args.into(), item.into(), ObjectRole::Request, &options())
        .into()
}

/// Turns a struct into a response body: open enums, no validation; see the
/// [crate docs](crate).
#[proc_macro_attribute]
pub fn response(args: TokenStream, item: TokenStream) -> TokenStream {
    alipayhk_codegen::attribute::object(args.into(), item.into(), ObjectRole::Response, &options())
        .into()
}

/// Expansions name the runtime through `alipayhk`, the one crate users depend on.
fn options() -> EmitOptions {
    EmitOptions {
        runtime: alipayhk_codegen::emit::runtime_path("::alipayhk::runtime"),
        serde_crate: Some("::alipayhk::runtime::serde".to_owned()),
        ..Default::default()
    }
}
