//! One model, two front doors: updatePass declared with `#[alipayhk::endpoint]` (in
//! `tests/tests/attribute_macro/update_pass.rs`, also compiled and tested there as a user
//! would) expands to the same items as the generator emits for
//! `spec/endpoints/update_pass.yaml`.
//!
//! Provenance (`source:` / `inferred:`) is a fact of the YAML front door only: the attribute's
//! author states their endpoint's constraints in Rust, and they are enforced. So the spec's
//! model is compared with its provenance set aside, and a separate test checks that setting
//! it aside is what makes the difference.

use std::path::Path;

use proc_macro2::TokenStream;
use quote::ToTokens;

use crate::EmitOptions;
use crate::emit::endpoint_items;
use crate::model::{Api, FieldDef, Message, ObjectDef, Provenance, TypeDef};

/// What the attribute expands with.
fn macro_options() -> EmitOptions {
    EmitOptions::alipayhk()
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests");
    let source =
        std::fs::read_to_string(root.join("tests/attribute_macro/update_pass.rs")).unwrap();
    let file: syn::File = syn::parse_str(&source).unwrap();
    let mut expanded = crate::attribute::expand_file(file);
    // Keep only what the attributes wrote.
    expanded.items.retain(|item| {
        !matches!(
            item,
            syn::Item::Use(_) | syn::Item::Fn(_) | syn::Item::Mod(_)
        )
    });
    expanded.into_token_stream()
}

/// The spec's model with every provenance made `Unstated`, as the attribute builds it.
fn without_provenance(mut api: Api) -> Api {
    fn field(f: &mut FieldDef) {
        f.provenance = Provenance::Unstated;
        if let Some(requirement) = &mut f.requirement {
            *requirement = Provenance::Unstated;
            f.required = true;
        }
        let c = &mut f.constraints;
        for limit in [&mut c.max_length, &mut c.min_length].into_iter().flatten() {
            limit.provenance = Provenance::Unstated;
        }
        for limit in [&mut c.minimum, &mut c.maximum].into_iter().flatten() {
            limit.provenance = Provenance::Unstated;
        }
        for key in &mut f.keys {
            key.provenance = Provenance::Unstated;
        }
    }
    fn object(o: &mut ObjectDef) {
        o.fields.iter_mut().for_each(field);
        for rule in &mut o.rules {
            rule.provenance = Provenance::Unstated;
        }
    }
    for endpoint in api.endpoints.values_mut() {
        object(&mut endpoint.request);
        if let Message::Declared(response) = &mut endpoint.response {
            object(response);
        }
        for ty in endpoint.types.values_mut() {
            match ty {
                TypeDef::Object(o) => object(o),
                TypeDef::Enum(e) => e
                    .values
                    .iter_mut()
                    .for_each(|v| v.provenance = Provenance::Unstated),
                TypeDef::Identifier(_) => {}
            }
        }
    }
    api
}

fn spec_api() -> Api {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    crate::load(&root).unwrap()
}

#[test]
fn provenance_is_what_sets_the_spec_apart() {
    let api = spec_api();
    let with = items(endpoint_items(
        &api,
        &api.endpoints["updatePass"],
        &macro_options(),
    ));
    let stripped = without_provenance(api);
    let without = items(endpoint_items(
        &stripped,
        &stripped.endpoints["updatePass"],
        &macro_options(),
    ));
    assert_ne!(
        with, without,
        "the spec's provenance shows in the emitted items"
    );
    assert!(with.join("\n").contains("Basis::Inferred"));
    assert!(!without.join("\n").contains("Basis::Inferred"));
}

#[test]
fn update_pass_from_the_attribute_equals_update_pass_from_the_spec() {
    let api = without_provenance(spec_api());
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
    let original = attribute_expansion().to_string();
    let changed = original.replacen("Some (64)", "Some (65)", 1);
    assert_ne!(original, changed, "the expansion holds a limit of 64");
    let changed: TokenStream = changed.parse().unwrap();
    let api = without_provenance(spec_api());
    let from_spec = items(endpoint_items(
        &api,
        &api.endpoints["updatePass"],
        &macro_options(),
    ));
    assert_ne!(from_spec, items(changed));
}
