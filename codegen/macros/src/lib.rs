// The crate docs are its README, whose examples need the `alipayhk` crate, which depends on
// this one: they are compiled as doc-tests of `alipayhk-tests` instead (`doctest = false`
// below keeps the dependency one-way, so the crates can be packaged).
#![doc = include_str!("../README.md")]

use proc_macro::TokenStream;

/// Turns a request struct into an endpoint; see the [crate docs](crate).
#[proc_macro_attribute]
pub fn endpoint(args: TokenStream, item: TokenStream) -> TokenStream {
    alipayhk_codegen::__private::endpoint(args.into(), item.into()).into()
}

/// Turns a struct into an object sent in requests: validated, with closed enums; see the
/// [crate docs](crate).
#[proc_macro_attribute]
pub fn object(args: TokenStream, item: TokenStream) -> TokenStream {
    alipayhk_codegen::__private::object(args.into(), item.into()).into()
}

/// Turns a struct into a response body: open enums, no validation; see the
/// [crate docs](crate).
#[proc_macro_attribute]
pub fn response(args: TokenStream, item: TokenStream) -> TokenStream {
    alipayhk_codegen::__private::response(args.into(), item.into()).into()
}
