//! `Validate` implementations: every documented constraint of a request type.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::EmitOptions;
use super::type_paths::field_ident;
use crate::model::{
    Api, Condition, FieldDef, FieldType, ObjectDef, RuleDef, TypeDef, TypeHome, TypeKind,
};

pub(super) fn validate_impl(
    api: &Api,
    def: &ObjectDef,
    options: &EmitOptions,
    module: Option<&str>,
) -> TokenStream {
    let rt = &options.runtime;
    let name = format_ident!("{}", def.name);
    let field_checks: Vec<TokenStream> = def
        .fields
        .iter()
        .filter_map(|f| field_checks(api, f, options))
        .collect();
    let rule_checks: Vec<TokenStream> = def
        .rules
        .iter()
        .map(|r| rule_check(def, r, options, module))
        .collect();
    let uses_path = !field_checks.is_empty() || !rule_checks.is_empty();
    let (path, violations) = if uses_path {
        (quote!(path), quote!(violations))
    } else {
        (quote!(_path), quote!(_violations))
    };
    quote! {
        impl #rt::Validate for #name {
            fn validate_at(&self, #path: &#rt::FieldPath<'_>, #violations: &mut Vec<#rt::Violation>) {
                #(#field_checks)*
                #(#rule_checks)*
            }
        }
    }
}

fn field_checks(api: &Api, field: &FieldDef, options: &EmitOptions) -> Option<TokenStream> {
    let rt = &options.runtime;
    let ident = field_ident(&field.rust_name);
    let wire = &field.wire_name;
    let c = &field.constraints;
    let value = quote!(value);
    let check = match &field.ty {
        FieldType::String => {
            let mut checks = Vec::new();
            if field.required {
                checks.push(quote!(#rt::validation::check_not_empty(#value, &path.field(#wire), violations);));
            }
            if c.max_length.is_some() || c.min_length.is_some() {
                let min = option_usize(c.min_length);
                let max = option_usize(c.max_length);
                checks.push(quote!(#rt::validation::check_length(#value, #min, #max, &path.field(#wire), violations);));
            }
            (!checks.is_empty()).then(|| quote!(#(#checks)*))
        }
        FieldType::Integer | FieldType::Number | FieldType::Timestamp
            if c.minimum.is_some() || c.maximum.is_some() =>
        {
            let as_f64 = match field.ty {
                FieldType::Timestamp => quote!(value.0 as f64),
                FieldType::Integer => quote!(*value as f64),
                _ => quote!(*value),
            };
            let min = option_f64(c.minimum);
            let max = option_f64(c.maximum);
            Some(
                quote!(#rt::validation::check_range(#as_f64, #min, #max, &path.field(#wire), violations);),
            )
        }
        ty if needs_nested_validation(api, ty) => {
            // Option, Vec and maps of validated types implement `Validate` themselves.
            return Some(
                quote!(#rt::Validate::validate_at(&self.#ident, &path.field(#wire), violations);),
            );
        }
        _ => None,
    }?;
    Some(if field.required {
        quote! { { let value = &self.#ident; #check } }
    } else {
        quote! { if let Some(value) = &self.#ident { #check } }
    })
}

/// Whether a field holds (possibly inside arrays and maps) an object or open enum that checks
/// itself.
fn needs_nested_validation(api: &Api, ty: &FieldType) -> bool {
    match ty {
        FieldType::Array(inner) | FieldType::Map(inner) => needs_nested_validation(api, inner),
        FieldType::Named(r) => match api.resolve(r) {
            Some(TypeDef::Object(o)) => o.validated,
            Some(TypeDef::Enum(e)) => e.open,
            None => r.kind == TypeKind::Object,
        },
        _ => false,
    }
}

fn option_usize(value: Option<u64>) -> TokenStream {
    match value {
        Some(v) => {
            let v = v as usize;
            quote!(Some(#v))
        }
        None => quote!(None),
    }
}

fn option_f64(value: Option<f64>) -> TokenStream {
    match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

fn rule_check(
    def: &ObjectDef,
    rule: &RuleDef,
    options: &EmitOptions,
    module: Option<&str>,
) -> TokenStream {
    let rt = &options.runtime;
    let field = |wire: &str| {
        def.fields
            .iter()
            .find(|f| f.wire_name == wire)
            .expect("the model checked rule fields")
    };
    match rule {
        RuleDef::ExactlyOneOf(names) | RuleDef::AtLeastOneOf(names) => {
            let present = names.iter().map(|n| {
                let ident = field_ident(&field(n).rust_name);
                quote!(self.#ident.is_some())
            });
            let check = if matches!(rule, RuleDef::ExactlyOneOf(_)) {
                quote!(check_exactly_one_of)
            } else {
                quote!(check_at_least_one_of)
            };
            quote!(#rt::validation::#check(&[#(#names),*], &[#(#present),*], path, violations);)
        }
        RuleDef::RequiredWhen {
            field: target,
            when,
            condition,
        } => {
            let target_ident = field_ident(&field(target).rust_name);
            let when_field = field(when);
            let when_ident = field_ident(&when_field.rust_name);
            let (test, equals) = match condition {
                Condition::Variant { ty, variant, wire } => {
                    let ty_ident = format_ident!("{}", ty.name);
                    let ty_path = if ty.home == TypeHome::Shared && module.is_some() {
                        quote!(crate::types::#ty_ident)
                    } else {
                        quote!(#ty_ident)
                    };
                    let variant = format_ident!("{}", variant);
                    let pattern = quote!(#ty_path::#variant);
                    let test = if when_field.required {
                        quote!(matches!(self.#when_ident, #pattern))
                    } else {
                        quote!(matches!(self.#when_ident, Some(#pattern)))
                    };
                    (test, wire.clone())
                }
                Condition::Text(text) => {
                    let test = if when_field.required {
                        quote!(self.#when_ident == #text)
                    } else {
                        quote!(self.#when_ident.as_deref() == Some(#text))
                    };
                    (test, text.clone())
                }
                Condition::Flag(flag) => {
                    let test = if when_field.required {
                        quote!(self.#when_ident == #flag)
                    } else {
                        quote!(self.#when_ident == Some(#flag))
                    };
                    (test, flag.to_string())
                }
            };
            quote! {
                if #test && self.#target_ident.is_none() {
                    violations.push(#rt::Violation::new(
                        &path.field(#target),
                        #rt::Rule::RequiredWhen { field: #when, equals: #equals },
                    ));
                }
            }
        }
    }
}
