//! Enums of string values: closed ones derive serde; open ones (reachable from a response, and
//! result codes) are `#[non_exhaustive]` and keep unknown values in `Unknown(UnknownValue)`,
//! which only parsing makes, so new server values never break parsing and a new variant never
//! breaks a `match`.

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};

use super::declarations::{Declaration, Keyword, Member};
use super::held;
use super::methods::{self, Method};
use super::statements::{Arm, Statement};
use super::token_text::expression_text;
use super::{EmitOptions, docs};
use crate::model::{EnumDef, ResultCodeSet, ResultStatus};

/// One variant to emit.
struct Variant {
    ident: syn::Ident,
    wire: String,
    doc: String,
}

/// A value enum from the spec.
pub(super) fn value_enum(def: &EnumDef, options: &EmitOptions) -> TokenStream {
    let doc = def
        .description
        .clone()
        .unwrap_or_else(|| format!("Values of `{}`.", def.name));
    let variants: Vec<Variant> = def
        .values
        .iter()
        .map(|v| Variant {
            ident: format_ident!("{}", v.variant),
            wire: v.wire.clone(),
            doc: docs::paragraphs([
                v.description
                    .clone()
                    .unwrap_or_else(|| format!("`{}`", v.wire)),
                docs::provenance(&v.provenance),
            ]),
        })
        .collect();
    let name = format_ident!("{}", def.name);
    let transitions = transitions(def);
    let enum_tokens = if def.open {
        let enum_tokens = open_enum(&name, &doc, &variants, options, &[]);
        let rt = &options.runtime;
        let validate = held::item("validate open enum", &[rt], &name, |name| {
            quote! {
                impl #rt::Validate for #name {
                    fn validate_at(&self, path: &#rt::FieldPath<'_>, violations: &mut Vec<#rt::Violation>) {
                        if let Self::Unknown(value) = self {
                            violations.push(#rt::Violation::new(path, #rt::Rule::UnknownValue { value: value.as_str().to_owned() }));
                        }
                    }
                }
            }
        });
        quote!(#enum_tokens #validate)
    } else {
        closed_enum(&name, &doc, &variants, options)
    };
    quote!(#enum_tokens #transitions)
}

/// `can_become`, for an enum that is a state with documented transitions.
fn transitions(def: &EnumDef) -> Option<TokenStream> {
    if def.transitions.is_empty() {
        return None;
    }
    let name = format_ident!("{}", def.name);
    let arms = def
        .transitions
        .iter()
        .filter(|t| !t.to.is_empty())
        .map(|t| {
            let from = format_ident!("{}", t.from);
            let to = t.to.iter().map(|v| format_ident!("{}", v));
            quote!(Self::#from => matches!(next, #(Self::#to)|*),)
        });
    let list: Vec<String> = def
        .transitions
        .iter()
        .map(|t| {
            let wire = |variant: &str| {
                def.values
                    .iter()
                    .find(|v| v.variant == variant)
                    .map_or(variant.to_owned(), |v| format!("`{}`", v.wire))
            };
            let to: Vec<String> = t.to.iter().map(|v| wire(v)).collect();
            format!("- {} → {}", wire(&t.from), to.join(", "))
        })
        .collect();
    let doc = docs::outer(&format!(
        "Whether a value may change to `next`, by the documented transitions:\n\n{}",
        list.join("\n")
    ));
    Some(quote! {
        impl #name {
            #doc
            pub fn can_become(&self, next: &Self) -> bool {
                match self {
                    #(#arms)*
                    _ => false,
                }
            }
        }
    })
}

fn closed_enum(
    name: &syn::Ident,
    doc: &str,
    variants: &[Variant],
    options: &EmitOptions,
) -> TokenStream {
    let (serde_derives, serde_crate) = super::type_paths::serde_derives(options);
    let declaration = Declaration {
        docs: doc.to_owned(),
        attributes: [quote!(derive(Debug, Clone, Copy, PartialEq, Eq, Hash, #serde_derives))]
            .into_iter()
            .chain(serde_crate)
            .collect(),
        keyword: Keyword::Enum,
        name: name.clone(),
        members: variants
            .iter()
            .map(|v| {
                let (ident, wire) = (&v.ident, &v.wire);
                Member {
                    docs: v.doc.clone(),
                    attributes: vec![quote!(serde(rename = #wire))],
                    body: quote!(#ident),
                }
            })
            .collect(),
    };
    let declaration = declaration.held();
    let as_str = methods::held([&Method {
        docs: "The wire value.".to_owned(),
        attributes: Vec::new(),
        name: quote!(pub const fn as_str),
        parameters: vec![quote!(self)],
        output: quote!(&'static str),
        body: vec![Statement::Match {
            scrutinee: quote!(self),
            arms: to_wire_arms(variants),
            fallback: None,
        }],
    }]);
    let display = display(name);
    quote! {
        #declaration

        impl #name {
            #as_str
        }

        #display
    }
}

/// `Display` as the wire value.
fn display(name: &syn::Ident) -> TokenStream {
    held::item("display", &[], name, |name| {
        quote! {
            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        }
    })
}

/// An enum that keeps unknown values; `methods` go in its inherent `impl` after `as_str`.
fn open_enum(
    name: &syn::Ident,
    doc: &str,
    variants: &[Variant],
    options: &EmitOptions,
    methods: &[Method],
) -> TokenStream {
    let serde = match &options.serde_crate {
        Some(path) => {
            syn::parse_str::<syn::Path>(path).map_or_else(|_| quote!(serde), |p| quote!(#p))
        }
        None => quote!(serde),
    };
    let rt = &options.runtime;
    let unknown = Member {
        // Two lines, as a doc comment in the source would be.
        docs: "A value this version does not know, kept as received. Only parsing makes one:\n\
               a known value always parses as its own variant."
            .to_owned(),
        attributes: Vec::new(),
        body: quote!(Unknown(#rt::UnknownValue)),
    };
    let declaration = Declaration {
        docs: doc.to_owned(),
        attributes: vec![
            quote!(derive(Debug, Clone, PartialEq, Eq, Hash)),
            quote!(non_exhaustive),
        ],
        keyword: Keyword::Enum,
        name: name.clone(),
        members: variants
            .iter()
            .map(|v| Member {
                docs: v.doc.clone(),
                attributes: Vec::new(),
                body: v.ident.to_token_stream(),
            })
            .chain([unknown])
            .collect(),
    };
    let declaration = declaration.held();
    let as_str = Method {
        docs: "The wire value.".to_owned(),
        attributes: Vec::new(),
        name: quote!(pub fn as_str),
        parameters: vec![quote!(&self)],
        output: quote!(&str),
        body: vec![Statement::Match {
            scrutinee: quote!(self),
            arms: to_wire_arms(variants),
            fallback: Some((
                Some("Self::Unknown(value) => value.as_str(),".to_owned()),
                quote!(Self::Unknown(value) => value.as_str(),),
            )),
        }],
    };
    let methods = methods::held([&as_str].into_iter().chain(methods));
    let from_wire = held::arms(
        variants
            .iter()
            .map(|v| {
                let (ident, wire) = (&v.ident, &v.wire);
                let line = format!("{} => Self::{ident},", literal(wire));
                (Some(line), quote!(#wire => Self::#ident,))
            })
            .collect(),
    );
    let display = display(name);
    // Serialized and parsed as the wire value, through `as_str` and `From<&str>`.
    let serde_impls = held::item("serde as wire value", &[&serde], name, |name| {
        quote! {
            impl #serde::Serialize for #name {
                fn serialize<S: #serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> #serde::Deserialize<'de> for #name {
                fn deserialize<D: #serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <String as #serde::Deserialize>::deserialize(deserializer)?;
                    Ok(Self::from(value.as_str()))
                }
            }
        }
    });
    quote! {
        #declaration

        impl #name {
            #methods
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #from_wire
                    other => Self::Unknown(#rt::UnknownValue::__from_unmatched_wire_value(other)),
                }
            }
        }

        #display
        #serde_impls
    }
}

/// A result-code enum (an endpoint's, or a shared table), with each code's documented status.
/// `covers` says whose codes they are, for the docs.
pub(super) fn result_codes(
    set: &ResultCodeSet,
    covers: &str,
    options: &EmitOptions,
) -> TokenStream {
    let rt = &options.runtime;
    let name = format_ident!("{}", set.name);
    let variants: Vec<Variant> = set
        .codes
        .iter()
        .map(|c| Variant {
            ident: format_ident!("{}", c.variant),
            wire: c.code.clone(),
            doc: docs::paragraphs([
                format!("`{}` ({}): {}", c.code, status_letter(c.status), c.message),
                docs::provenance(&c.provenance),
            ]),
        })
        .collect();
    let doc = format!("{covers} Codes not listed here parse as `Unknown` and keep the wire value.");
    let status_arms: Vec<Arm> = set
        .codes
        .iter()
        .map(|c| {
            let ident = format_ident!("{}", c.variant);
            let status = format_ident!(
                "{}",
                match c.status {
                    ResultStatus::Success => "Success",
                    ResultStatus::Failure => "Failure",
                    ResultStatus::Unknown => "Unknown",
                }
            );
            let line = expression_text(&rt.to_token_stream())
                .map(|rt| format!("Self::{ident} => Some({rt}::ResultStatus::{status}),"));
            (
                line,
                quote!(Self::#ident => Some(#rt::ResultStatus::#status),),
            )
        })
        .collect();
    let message_arms = set
        .codes
        .iter()
        .map(|c| {
            let (ident, message) = (format_ident!("{}", c.variant), &c.message);
            let line = format!("Self::{ident} => Some({}),", literal(message));
            (Some(line), quote!(Self::#ident => Some(#message),))
        })
        .collect();
    let unknown_none = || {
        Some((
            Some("Self::Unknown(_) => None,".to_owned()),
            quote!(Self::Unknown(_) => None,),
        ))
    };
    let methods = [
        Method {
            // Two lines, as a doc comment in the source would be.
            docs: "The status the documentation gives this code: `S`, `F` or `U`; `None` for an\n\
                   undocumented code, whose status only the response's `resultStatus` tells."
                .to_owned(),
            attributes: Vec::new(),
            name: quote!(pub fn status),
            parameters: vec![quote!(&self)],
            output: quote!(Option<#rt::ResultStatus>),
            body: vec![Statement::Match {
                scrutinee: quote!(self),
                arms: status_arms,
                fallback: unknown_none(),
            }],
        },
        Method {
            docs: "The documented message.".to_owned(),
            attributes: Vec::new(),
            name: quote!(pub fn message),
            parameters: vec![quote!(&self)],
            output: quote!(Option<&'static str>),
            body: vec![Statement::Match {
                scrutinee: quote!(self),
                arms: message_arms,
                fallback: unknown_none(),
            }],
        },
    ];
    let base = open_enum(&name, &doc, &variants, options, &methods);
    let result_code = held::item("result code", &[rt], &name, |name| {
        quote! {
            impl #rt::ResultCode for #name {
                fn from_code(code: &str) -> Self {
                    Self::from(code)
                }

                fn as_str(&self) -> &str {
                    self.as_str()
                }

                fn documented_status(&self) -> Option<#rt::ResultStatus> {
                    self.status()
                }
            }
        }
    });
    quote!(#base #result_code)
}

/// `Self::Variant => "wire",` for each variant.
fn to_wire_arms(variants: &[Variant]) -> Vec<Arm> {
    variants
        .iter()
        .map(|v| {
            let (ident, wire) = (&v.ident, &v.wire);
            let line = format!("Self::{ident} => {},", literal(wire));
            (Some(line), quote!(Self::#ident => #wire,))
        })
        .collect()
}

/// A string literal as the tokens (and so the formatter) write it.
fn literal(value: &str) -> String {
    proc_macro2::Literal::string(value).to_string()
}

pub(super) fn status_letter(status: ResultStatus) -> &'static str {
    match status {
        ResultStatus::Success => "S",
        ResultStatus::Failure => "F",
        ResultStatus::Unknown => "U",
    }
}
