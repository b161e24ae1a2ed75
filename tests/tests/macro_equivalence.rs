//! One model, two front doors: updatePass declared with `#[alipayhk::endpoint]` (in
//! `macros/pass/update_pass.rs`, also compiled and run as a trybuild case) expands to the
//! same items as the generator emits for `spec/endpoints/update_pass.yaml`.

use std::path::Path;

use alipayhk_codegen::emit::{EmitOptions, endpoint_items, runtime_path};
use proc_macro2::TokenStream;
use quote::ToTokens;

fn macro_options() -> EmitOptions {
    EmitOptions {
        runtime: runtime_path("::alipayhk::runtime"),
        serde_crate: Some("::alipayhk::runtime::serde".to_owned()),
    }
}

/// Each item formatted on its own, sorted: the attribute emits the response beside the
/// request rather than between its impls, and order is not what this test is about.
fn items(tokens: TokenStream) -> Vec<String> {
    let file: syn::File = syn::parse2(tokens).expect("expansion is valid Rust");
    let mut items: Vec<String> = file
        .items
        .into_iter()
        // The attribute adds one `const _` checking the user's field types against the
        // emitted ones; it is not an item of the endpoint.
        .filter(|item| !matches!(item, syn::Item::Const(c) if c.ident == "_"))
        .map(|item| {
            let file: syn::File = syn::parse_quote!(#item);
            prettyplease::unparse(&file)
        })
        .collect();
    items.sort();
    items
}

fn attribute_expansion() -> TokenStream {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(root.join("macros/pass/update_pass.rs")).unwrap();
    let file: syn::File = syn::parse_str(&source).unwrap();
    let mut expanded = alipayhk_codegen::attribute::expand_file(file, &macro_options());
    // Keep only what the attributes wrote.
    expanded.items.retain(|item| {
        !matches!(
            item,
            syn::Item::Use(_) | syn::Item::Fn(_) | syn::Item::Mod(_)
        )
    });
    expanded.into_token_stream()
}

#[test]
fn update_pass_from_the_attribute_equals_update_pass_from_the_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let api = alipayhk_codegen::load(&root).unwrap();
    let endpoint = &api.endpoints["updatePass"];
    let from_spec = items(endpoint_items(&api, endpoint, &macro_options()));
    let from_attribute = items(attribute_expansion());

    assert!(from_spec.len() >= 10, "{} items", from_spec.len());
    if from_spec != from_attribute {
        let diff = similar::TextDiff::from_lines(from_spec.join("\n"), from_attribute.join("\n"))
            .unified_diff()
            .header("spec", "attribute")
            .to_string();
        panic!("the two front doors disagree:\n{diff}");
    }
}

#[test]
fn a_changed_constraint_is_seen_as_a_difference() {
    // The comparison must be able to fail: the same input with one limit changed differs.
    let changed: TokenStream = attribute_expansion()
        .to_string()
        .replacen("64usize", "65usize", 1)
        .parse()
        .unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let api = alipayhk_codegen::load(&root).unwrap();
    let from_spec = items(endpoint_items(
        &api,
        &api.endpoints["updatePass"],
        &macro_options(),
    ));
    assert_ne!(from_spec, items(changed));
}
