//! `Validate` implementations: every constraint of a request type, each with its basis
//! (documented, or inferred and so a warning unless validation is strict).

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};

use super::EmitOptions;
use super::held::{self, Placement};
use super::statements::Statement;
use super::type_paths::field_ident;
use crate::model::{
    Api, Condition, FieldDef, FieldType, Limit, ObjectDef, Provenance, RuleDef, RuleKind, TypeDef,
    TypeHome, TypeKind,
};

pub(super) fn validate_impl(
    api: &Api,
    def: &ObjectDef,
    options: &EmitOptions,
    module: Option<&str>,
) -> TokenStream {
    let rt = &options.runtime;
    let name = format_ident!("{}", def.name);
    let checks: Vec<Statement> = def
        .fields
        .iter()
        .flat_map(|f| field_checks(api, f, options))
        .chain(
            def.rules
                .iter()
                .map(|r| rule_check(def, r, options, module)),
        )
        .collect();
    let uses_path = !checks.is_empty();
    let checks = held::run(
        Placement::InBody,
        &checks,
        |check, indent| check.text(indent),
        |check| check.to_token_stream(),
    );
    let (path, violations) = if uses_path {
        (quote!(path), quote!(violations))
    } else {
        (quote!(_path), quote!(_violations))
    };
    quote! {
        impl #rt::Validate for #name {
            fn validate_at(&self, #path: &#rt::FieldPath<'_>, #violations: &mut Vec<#rt::Violation>) {
                #checks
            }
        }
    }
}

/// A call to one of the runtime's checks, with the arguments every check ends with: the
/// basis, the field's path and the violations.
fn check_call(
    options: &EmitOptions,
    check: &str,
    mut args: Vec<TokenStream>,
    basis: TokenStream,
    path: TokenStream,
) -> Statement {
    let rt = &options.runtime;
    let check = format_ident!("{check}");
    args.extend([basis, path, quote!(violations)]);
    Statement::Call {
        function: quote!(#rt::validation::#check),
        args,
    }
}

/// The statements that check one field: its inferred presence, then its limits or its own
/// checks.
fn field_checks(api: &Api, field: &FieldDef, options: &EmitOptions) -> Vec<Statement> {
    let rt = &options.runtime;
    let ident = field_ident(&field.rust_name);
    let wire = &field.wire_name;
    let at = quote!(&path.field(#wire));
    let c = &field.constraints;
    // A requirement the spec only infers leaves the field optional; its absence is checked
    // here, as a warning unless validation is strict.
    let presence = field
        .requirement
        .as_ref()
        .filter(|_| !field.required)
        .map(|provenance| {
            let basis = basis(provenance, options);
            check_call(
                options,
                "check_present",
                vec![quote!(self.#ident.is_some())],
                basis,
                at.clone(),
            )
        });
    // An identifier newtype is checked as the text it holds.
    let text = if field.ty.is_identifier() {
        quote!(value.as_str())
    } else {
        quote!(value)
    };
    let checks: Vec<Statement> = match &field.ty {
        ty if ty.is_text() => {
            let mut checks = Vec::new();
            if let Some(requirement) = field.requirement.as_ref().filter(|_| field.required) {
                let basis = basis(requirement, options);
                checks.push(check_call(
                    options,
                    "check_not_empty",
                    vec![text.clone()],
                    basis,
                    at.clone(),
                ));
            }
            for (min, max, provenance) in paired(c.min_length.as_ref(), c.max_length.as_ref()) {
                let (min, max) = (option_usize(min), option_usize(max));
                let basis = basis(provenance, options);
                checks.push(check_call(
                    options,
                    "check_length",
                    vec![text.clone(), min, max],
                    basis,
                    at.clone(),
                ));
            }
            checks
        }
        FieldType::Integer | FieldType::Number | FieldType::Timestamp
            if c.minimum.is_some() || c.maximum.is_some() =>
        {
            let as_f64 = match field.ty {
                FieldType::Timestamp => quote!(value.0 as f64),
                FieldType::Integer => quote!(*value as f64),
                _ => quote!(*value),
            };
            paired(c.minimum.as_ref(), c.maximum.as_ref())
                .map(|(min, max, provenance)| {
                    let (min, max) = (option_f64(min), option_f64(max));
                    let basis = basis(provenance, options);
                    check_call(
                        options,
                        "check_range",
                        vec![as_f64.clone(), min, max],
                        basis,
                        at.clone(),
                    )
                })
                .collect()
        }
        ty if needs_nested_validation(api, ty) => {
            // Option, Vec and maps of validated types implement `Validate` themselves.
            let nested = Statement::Call {
                function: quote!(#rt::Validate::validate_at),
                args: vec![quote!(&self.#ident), at, quote!(violations)],
            };
            return presence.into_iter().chain([nested]).collect();
        }
        _ => Vec::new(),
    };
    let checks = (!checks.is_empty()).then(|| {
        if field.required {
            let value = Statement::Let {
                name: format_ident!("value"),
                value: quote!(&self.#ident),
            };
            Statement::Block {
                header: None,
                statements: [value].into_iter().chain(checks).collect(),
            }
        } else {
            Statement::Block {
                header: Some(quote!(if let Some(value) = &self.#ident)),
                statements: checks,
            }
        }
    });
    presence.into_iter().chain(checks).collect()
}

/// A lower and an upper limit as one check when they share a provenance (the usual case),
/// else one check each, so each violation carries its own basis.
fn paired<'a, T: Copy>(
    min: Option<&'a Limit<T>>,
    max: Option<&'a Limit<T>>,
) -> impl Iterator<Item = (Option<T>, Option<T>, &'a Provenance)> {
    let together = match (min, max) {
        (Some(min), Some(max)) if min.provenance == max.provenance => {
            vec![(Some(min.value), Some(max.value), &min.provenance)]
        }
        _ => min
            .map(|min| (Some(min.value), None, &min.provenance))
            .into_iter()
            .chain(max.map(|max| (None, Some(max.value), &max.provenance)))
            .collect(),
    };
    together.into_iter()
}

/// The runtime's `Basis` for a fact of the given provenance.
fn basis(provenance: &Provenance, options: &EmitOptions) -> TokenStream {
    let rt = &options.runtime;
    match provenance.inference() {
        Some(why) => quote!(#rt::Basis::Inferred(#why)),
        None => quote!(#rt::Basis::Documented),
    }
}

/// Whether a field holds (possibly inside arrays and maps) an object or open enum that checks
/// itself.
fn needs_nested_validation(api: &Api, ty: &FieldType) -> bool {
    match ty {
        FieldType::Array(inner) | FieldType::Map(inner) => needs_nested_validation(api, inner),
        FieldType::Named(r) => match api.resolve(r) {
            Some(TypeDef::Object(o)) => o.validated,
            Some(TypeDef::Enum(e)) => e.open,
            Some(TypeDef::Identifier(_)) => false,
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
) -> Statement {
    let rt = &options.runtime;
    let field = |wire: &str| {
        def.fields
            .iter()
            .find(|f| f.wire_name == wire)
            .expect("the model checked rule fields")
    };
    let basis = basis(&rule.provenance, options);
    match &rule.kind {
        RuleKind::ExactlyOneOf(names) | RuleKind::AtLeastOneOf(names) => {
            let present = names.iter().map(|n| {
                let ident = field_ident(&field(n).rust_name);
                quote!(self.#ident.is_some())
            });
            let check = if matches!(rule.kind, RuleKind::ExactlyOneOf(_)) {
                "check_exactly_one_of"
            } else {
                "check_at_least_one_of"
            };
            check_call(
                options,
                check,
                vec![quote!(&[#(#names),*]), quote!(&[#(#present),*])],
                basis,
                quote!(path),
            )
        }
        RuleKind::RequiredWhen {
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
            Statement::Tokens(quote! {
                if #test && self.#target_ident.is_none() {
                    violations.push(#rt::Violation::with_basis(
                        &path.field(#target),
                        #rt::Rule::RequiredWhen { field: #when, equals: #equals },
                        #basis,
                    ));
                }
            })
        }
    }
}
