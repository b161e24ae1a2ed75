//! Structs: fields with exact wire names, `new(...)` for required fields, setters for the rest.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::declarations::{Declaration, Keyword, Member};
use super::docs;
use super::methods::{self, Method};
use super::statements::Statement;
use super::type_paths::{Site, field_ident, rust_type, serde_derives};
use super::{EmitOptions, validate};
use crate::model::{Api, FieldDef, FieldType, MapKey, ObjectDef, Provenance};

/// The struct, its constructor and setters, and (for request types) its `Validate` impl.
pub(super) fn object(
    api: &Api,
    def: &ObjectDef,
    site: Site,
    options: &EmitOptions,
    module: Option<&str>,
) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let (serde_derives, serde_crate) = serde_derives(options);
    let constructor = constructor(def, site, options);
    let validate = def
        .validated
        .then(|| validate::validate_impl(api, def, options, module));
    // A secret field gets a `Debug` that redacts it; everything else derives.
    let sensitive = def.fields.iter().any(|f| f.sensitive);
    let debug_derive = (!sensitive).then(|| quote!(Debug,));
    // With nothing required, `new()` takes no arguments, and `Default` is the same value.
    let default_derive = def
        .fields
        .iter()
        .all(|f| !f.required)
        .then(|| quote!(Default,));
    let debug_impl = sensitive.then(|| redacted_debug(def));
    let declaration = Declaration {
        docs: def
            .description
            .clone()
            .unwrap_or_else(|| format!("The `{}` object.", def.name)),
        attributes: [
            quote!(derive(#debug_derive Clone, #default_derive PartialEq, #serde_derives)),
        ]
        .into_iter()
        .chain(serde_crate)
        .chain([quote!(non_exhaustive)])
        .collect(),
        keyword: Keyword::Struct,
        name: name.clone(),
        members: def.fields.iter().map(|f| field(f, site, options)).collect(),
    };
    let declaration = declaration.held();
    quote! {
        #declaration
        #debug_impl
        #constructor
        #validate
    }
}

fn redacted_debug(def: &ObjectDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let label = &def.name;
    let fields = def.fields.iter().map(|f| {
        let ident = field_ident(&f.rust_name);
        let wire = &f.rust_name;
        if f.sensitive {
            quote!(.field(#wire, &"<redacted>"))
        } else {
            quote!(.field(#wire, &self.#ident))
        }
    });
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label)
                    #(#fields)*
                    .finish()
            }
        }
    }
}

fn field(field: &FieldDef, site: Site, options: &EmitOptions) -> Member {
    let ident = field_ident(&field.rust_name);
    let ty = rust_type(&field.ty, site, options);
    let rename = (field.rust_name != field.wire_name).then(|| {
        let wire = &field.wire_name;
        quote!(rename = #wire)
    });
    let mut serde: Vec<TokenStream> = rename
        .into_iter()
        .chain(field.aliases.iter().map(|a| quote!(alias = #a)))
        .collect();
    let body = if field.required {
        quote!(pub #ident: #ty)
    } else {
        serde.push(quote!(default, skip_serializing_if = "Option::is_none"));
        quote!(pub #ident: Option<#ty>)
    };
    Member {
        docs: field_doc(field),
        attributes: (!serde.is_empty())
            .then(|| quote!(serde(#(#serde),*)))
            .into_iter()
            .collect(),
        body,
    }
}

/// The field's rustdoc: its description, then its wire name and limits.
fn field_doc(field: &FieldDef) -> String {
    let mut facts = vec![format!("Wire name `{}`", field.wire_name)];
    if !field.aliases.is_empty() {
        let aliases: Vec<String> = field.aliases.iter().map(|a| format!("`{a}`")).collect();
        facts.push(format!("also read as {}", aliases.join(", ")));
    }
    let basis = |p: &Provenance| docs::constraint_basis(p, &field.provenance);
    facts.push(match &field.requirement {
        Some(p) if field.required => format!("required{}", basis(p)),
        Some(p) => format!(
            "required{}, so optional here: `validate()` warns when it is unset",
            basis(p)
        ),
        None => "optional".into(),
    });
    if field.nullable {
        facts.push("may be null".into());
    }
    if field.sensitive {
        facts.push("a secret, redacted in `Debug`".into());
    }
    let c = &field.constraints;
    if let Some(max) = &c.max_length {
        let note = basis(&max.provenance);
        facts.push(format!("at most {} characters{note}", max.value));
    }
    if let Some(min) = &c.min_length {
        let note = basis(&min.provenance);
        facts.push(format!("at least {} characters{note}", min.value));
    }
    if let Some(min) = &c.minimum {
        facts.push(format!("minimum {}{}", min.value, basis(&min.provenance)));
    }
    if let Some(max) = &c.maximum {
        facts.push(format!("maximum {}{}", max.value, basis(&max.provenance)));
    }
    if matches!(field.ty, FieldType::Timestamp) {
        facts.push("milliseconds since the Unix epoch".into());
    }
    if let Some(sample) = &field.sample {
        facts.push(format!("e.g. `{sample}`"));
    }
    let description = field
        .description
        .clone()
        .unwrap_or_else(|| format!("The `{}` field.", field.wire_name));
    docs::paragraphs([
        description,
        format!("{}.", facts.join("; ")),
        docs::provenance(&field.provenance),
    ])
}

/// Parameter type for a value passed to `new` or a setter, and whether the value converts
/// into the field's type (`impl Into<...>`).
fn parameter(field: &FieldDef, site: Site, options: &EmitOptions) -> (TokenStream, bool) {
    if matches!(field.ty, FieldType::String) {
        (quote!(impl Into<String>), true)
    } else if field.ty.is_identifier() {
        let ty = rust_type(&field.ty, site, options);
        (quote!(impl Into<#ty>), true)
    } else {
        (rust_type(&field.ty, site, options), false)
    }
}

fn constructor(def: &ObjectDef, site: Site, options: &EmitOptions) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let required: Vec<&FieldDef> = def.fields.iter().filter(|f| f.required).collect();
    let parameters = required
        .iter()
        .map(|f| {
            let ident = field_ident(&f.rust_name);
            let (ty, _) = parameter(f, site, options);
            quote!(#ident: #ty)
        })
        .collect();
    let fields = def.fields.iter().map(|f| {
        let ident = field_ident(&f.rust_name);
        if f.required && f.ty.is_text() {
            quote!(#ident: #ident.into())
        } else if f.required {
            quote!(#ident)
        } else {
            quote!(#ident: None)
        }
    });
    let new_doc = if required.is_empty() {
        "Creates the value with every field unset; set fields with the builder methods.".to_owned()
    } else {
        let names: Vec<String> = required
            .iter()
            .map(|f| format!("`{}`", f.wire_name))
            .collect();
        format!(
            "Creates the value from its required fields ({}); set optional ones with the builder methods.",
            names.join(", ")
        )
    };
    let setters = def.fields.iter().filter(|f| !f.required).map(|f| {
        let (ty, converts) = parameter(f, site, options);
        let ident = field_ident(&f.rust_name);
        let value = if converts {
            quote!(#ident.into())
        } else {
            quote!(#ident)
        };
        Method {
            // The field's own docs and limits, so the builder method is enough to read.
            docs: docs::paragraphs([format!("Sets `{}`.", f.wire_name), field_doc(f)]),
            attributes: vec![quote!(must_use)],
            name: quote!(pub fn #ident),
            parameters: vec![quote!(mut self), quote!(#ident: #ty)],
            output: quote!(Self),
            body: vec![
                Statement::Expression {
                    expression: quote!(self.#ident = Some(#value)),
                    semicolon: true,
                },
                Statement::Expression {
                    expression: quote!(self),
                    semicolon: false,
                },
            ],
        }
    });
    let key_setters = def
        .fields
        .iter()
        .flat_map(|f| f.keys.iter().map(move |k| key_setter(f, k, options)));
    let new = Method {
        docs: new_doc,
        attributes: (required.len() > 7)
            .then(|| quote!(allow(clippy::too_many_arguments)))
            .into_iter()
            .collect(),
        name: quote!(pub fn new),
        parameters,
        output: quote!(Self),
        body: vec![Statement::Struct {
            path: quote!(Self),
            fields: fields.collect(),
        }],
    };
    let methods: Vec<Method> = [new].into_iter().chain(setters).collect();
    let methods = methods::held(&methods);
    quote! {
        impl #name {
            #methods
            #(#key_setters)*
        }
    }
}

/// A builder method for a key the docs fix in an open map: `data_info_bill_no("…")` puts
/// `billNo` into `dataInfo`, creating the map when unset.
fn key_setter(field: &FieldDef, key: &MapKey, options: &EmitOptions) -> TokenStream {
    let rt = &options.runtime;
    let method = format_ident!("{}", key.method);
    let map = field_ident(&field.rust_name);
    let wire = &key.key;
    let (param, converted) = match key.ty {
        FieldType::String => (quote!(impl Into<String>), quote!(value.into())),
        FieldType::Integer => (quote!(i64), quote!(value)),
        FieldType::Number => (quote!(f64), quote!(value)),
        _ => (quote!(bool), quote!(value)),
    };
    let value = if matches!(field.ty, FieldType::Map(ref inner) if **inner == FieldType::Json) {
        quote!(#rt::serde_json::Value::from(#converted))
    } else {
        converted
    };
    let target = if field.required {
        quote!(self.#map)
    } else {
        quote!(self.#map.get_or_insert_with(Default::default))
    };
    let doc = docs::outer(&docs::paragraphs([
        format!("Sets `{wire}` in `{}`.", field.wire_name),
        key.description.clone().unwrap_or_default(),
    ]));
    quote! {
        #doc
        #[must_use]
        pub fn #method(mut self, value: #param) -> Self {
            #target.insert(#wire.to_owned(), #value);
            self
        }
    }
}
