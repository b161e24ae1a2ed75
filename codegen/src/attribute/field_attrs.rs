//! A struct's fields and `#[alipayhk(...)]` attributes, read into the spec's raw documents.

use heck::ToLowerCamelCase;
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned as _;
use syn::{Attribute, Fields, Ident, ItemStruct, Lit, LitStr, Token};

use super::Errors;
use super::rust_types::{enum_name, spec_type};
use super::spans::Spans;
use crate::document::raw::{
    Constraint, EnumValueSpec, FieldSpec, Located, MapKeySpec, RequiredWhenSpec, RuleSpec,
};
use crate::model::rust_field_ident_name;

const FIELD_OPTIONS: &str = "rename, alias, identifier, max_length, min_length, minimum, maximum, nullable, sensitive, values, keys, sample";
const STRUCT_OPTIONS: &str = "exactly_one_of, at_least_one_of, required_when";

/// What a struct declares, in spec terms.
pub(super) struct StructSpec {
    pub(super) description: Option<String>,
    pub(super) fields: Vec<FieldSpec>,
    pub(super) rules: Vec<Located<RuleSpec>>,
}

/// Reads the struct's doc comments, fields and rules. Problems go to `errors`; what could be
/// read is returned so the model can report its own findings too.
pub(super) fn read_struct(item: &ItemStruct, spans: &mut Spans, errors: &mut Errors) -> StructSpec {
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        errors.push(syn::Error::new(
            item.generics.span(),
            "an AlipayHK message has no generic parameters: its fields are JSON values",
        ));
    }
    let named = match &item.fields {
        Fields::Named(named) => Some(named),
        _ => {
            errors.push(syn::Error::new(
                item.ident.span(),
                "the struct needs named fields: each one is a JSON field",
            ));
            None
        }
    };
    // Wire names by Rust name, so rules can name fields the way the struct does.
    let wire_names: Vec<(String, String)> = named
        .into_iter()
        .flat_map(|n| &n.named)
        .filter_map(|f| {
            let ident = f.ident.as_ref()?.unraw().to_string();
            let wire = rename(&f.attrs).unwrap_or_else(|| ident.to_lower_camel_case());
            Some((ident, wire))
        })
        .collect();
    let mut rules = Vec::new();
    for attr in &item.attrs {
        if attr.path().is_ident("alipayhk") {
            let result = attr.parse_nested_meta(|meta| {
                let at = meta.path.span();
                let rule = read_rule(&meta, &wire_names, spans)?;
                rules.push(spans.locate(rule, at));
                Ok(())
            });
            errors.extend(result.err());
        } else if !attr.path().is_ident("doc") {
            errors.push(foreign_attribute(attr));
        }
    }
    let fields = named
        .into_iter()
        .flat_map(|n| &n.named)
        .filter_map(|f| read_field(f, spans, errors))
        .collect();
    StructSpec {
        description: doc_text(&item.attrs),
        fields,
        rules,
    }
}

fn foreign_attribute(attr: &Attribute) -> syn::Error {
    let name = attr
        .path()
        .get_ident()
        .map_or_else(|| "this attribute".to_owned(), |i| format!("`#[{i}]`"));
    syn::Error::new_spanned(
        attr,
        format!(
            "{name} would be dropped: the attribute writes the struct's derives and serde \
             attributes itself; use `#[alipayhk(...)]` ({FIELD_OPTIONS}) and doc comments"
        ),
    )
}

fn read_rule(
    meta: &ParseNestedMeta<'_>,
    wire_names: &[(String, String)],
    spans: &mut Spans,
) -> syn::Result<RuleSpec> {
    let wire = |ident: &Ident, spans: &mut Spans| {
        let name = ident.unraw().to_string();
        // An unknown name goes through as written, for the model to report.
        let wire = wire_names
            .iter()
            .find(|(rust, _)| *rust == name)
            .map_or(name, |(_, wire)| wire.clone());
        spans.locate(wire, ident.span())
    };
    let key = meta
        .path
        .get_ident()
        .map(Ident::to_string)
        .unwrap_or_default();
    match key.as_str() {
        "exactly_one_of" | "at_least_one_of" => {
            let content;
            syn::parenthesized!(content in meta.input);
            let names = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
            let names = names.iter().map(|i| wire(i, spans)).collect();
            Ok(if key == "exactly_one_of" {
                RuleSpec {
                    exactly_one_of: Some(names),
                    ..RuleSpec::default()
                }
            } else {
                RuleSpec {
                    at_least_one_of: Some(names),
                    ..RuleSpec::default()
                }
            })
        }
        "required_when" => {
            let content;
            syn::parenthesized!(content in meta.input);
            let field: Ident = content.parse()?;
            content.parse::<Token![,]>()?;
            let when: Ident = content.parse()?;
            content.parse::<Token![=]>()?;
            let equals: Lit = content.parse()?;
            let value = match &equals {
                Lit::Str(s) => s.value(),
                Lit::Bool(b) => b.value.to_string(),
                other => {
                    return Err(syn::Error::new(
                        other.span(),
                        "compare with a string or `true`/`false`, such as `status = \"UPDATE\"`",
                    ));
                }
            };
            Ok(RuleSpec {
                required_when: Some(RequiredWhenSpec {
                    field: wire(&field, spans),
                    when: wire(&when, spans),
                    equals: spans.locate(value, equals.span()),
                }),
                ..RuleSpec::default()
            })
        }
        _ => Err(meta.error(format!(
            "unknown rule `{}`, expected one of: {STRUCT_OPTIONS}",
            path_text(&meta.path)
        ))),
    }
}

fn read_field(field: &syn::Field, spans: &mut Spans, errors: &mut Errors) -> Option<FieldSpec> {
    let ident = field.ident.as_ref()?;
    let rust_name = ident.unraw().to_string();
    let mut spec = FieldSpec {
        name: spans.locate(rust_name.to_lower_camel_case(), ident.span()),
        ty: spans.locate(String::new(), field.ty.span()),
        description: doc_text(&field.attrs),
        required: None,
        nullable: false,
        sensitive: false,
        aliases: Vec::new(),
        max_length: None,
        min_length: None,
        minimum: None,
        maximum: None,
        sample: None,
        type_name: None,
        values: None,
        fields: None,
        rules: Vec::new(),
        items: None,
        keys: Vec::new(),
        source: None,
        inferred: None,
        existing_identifier: None,
    };
    for attr in &field.attrs {
        if attr.path().is_ident("alipayhk") {
            let result = attr.parse_nested_meta(|meta| read_option(&meta, &mut spec, spans));
            errors.extend(result.err());
        } else if !attr.path().is_ident("doc") {
            errors.push(foreign_attribute(attr));
        }
    }
    let expected = rust_field_ident_name(&spec.name.value);
    if expected != rust_name {
        errors.push(syn::Error::new(
            ident.span(),
            format!(
                "a field is named after its wire name `{}`: call it `{expected}`",
                spec.name.value
            ),
        ));
    }
    let is_enum = spec.values.is_some();
    match spec_type(&field.ty, is_enum) {
        Ok(ty) => {
            spec.ty.value = ty.name;
            spec.required = ty
                .required
                .then(|| spans.locate(Constraint::Bare(true), field.ty.span()));
            spec.items = ty.items.map(|items| spans.locate(items, field.ty.span()));
            if is_enum {
                spec.type_name =
                    enum_name(&field.ty).map(|name| spans.locate(name.to_string(), name.span()));
            }
            Some(spec)
        }
        Err(error) => {
            errors.push(error);
            None
        }
    }
}

fn read_option(
    meta: &ParseNestedMeta<'_>,
    spec: &mut FieldSpec,
    spans: &mut Spans,
) -> syn::Result<()> {
    let key = meta
        .path
        .get_ident()
        .map(Ident::to_string)
        .unwrap_or_default();
    match key.as_str() {
        "rename" => {
            let value: LitStr = meta.value()?.parse()?;
            spec.name = spans.locate(value.value(), value.span());
        }
        "alias" => {
            let value: LitStr = meta.value()?.parse()?;
            spec.aliases.push(spans.locate(value.value(), value.span()));
        }
        "sample" => {
            let value: LitStr = meta.value()?.parse()?;
            spec.sample = Some(value.value());
        }
        "nullable" => spec.nullable = true,
        "identifier" => spec.existing_identifier = Some(spans.locate((), meta.path.span()).at),
        "sensitive" => spec.sensitive = true,
        "max_length" | "min_length" => {
            let lit: Lit = meta.value()?.parse()?;
            let Lit::Int(int) = &lit else {
                return Err(syn::Error::new(
                    lit.span(),
                    format!("`{key}` takes a whole number of characters, such as `{key} = 64`"),
                ));
            };
            let value = spans.locate(Constraint::Bare(int.base10_parse::<u64>()?), int.span());
            if key == "max_length" {
                spec.max_length = Some(value);
            } else {
                spec.min_length = Some(value);
            }
        }
        "minimum" | "maximum" => {
            let negative = meta.value()?.parse::<Option<Token![-]>>()?.is_some();
            let lit: Lit = meta.input.parse()?;
            let number = match &lit {
                Lit::Int(int) => int.base10_parse::<f64>()?,
                Lit::Float(float) => float.base10_parse::<f64>()?,
                _ => {
                    return Err(syn::Error::new(
                        lit.span(),
                        format!("`{key}` takes a number, such as `{key} = 0`"),
                    ));
                }
            };
            let value = spans.locate(
                Constraint::Bare(if negative { -number } else { number }),
                lit.span(),
            );
            if key == "minimum" {
                spec.minimum = Some(value);
            } else {
                spec.maximum = Some(value);
            }
        }
        "keys" => {
            let content;
            syn::parenthesized!(content in meta.input);
            let entries = Punctuated::<ValueEntry, Token![,]>::parse_terminated(&content)?;
            spec.keys = entries
                .into_iter()
                .map(|entry| MapKeySpec {
                    key: spans.locate(entry.wire, entry.span),
                    ty: None,
                    description: entry.description,
                    source: None,
                    inferred: None,
                })
                .collect();
        }
        "values" => {
            let at = meta.path.span();
            let content;
            syn::parenthesized!(content in meta.input);
            let entries = Punctuated::<ValueEntry, Token![,]>::parse_terminated(&content)?;
            let values = entries
                .into_iter()
                .map(|entry| EnumValueSpec {
                    value: spans.locate(entry.wire, entry.span),
                    description: entry.description,
                    source: None,
                    inferred: None,
                })
                .collect();
            spec.values = Some(spans.locate(values, at));
        }
        _ => {
            return Err(meta.error(format!(
                "unknown option `{}`, expected one of: {FIELD_OPTIONS}",
                path_text(&meta.path)
            )));
        }
    }
    Ok(())
}

/// `CLOSED`, `"EAN-13"`, or either with `= "what it means"`.
struct ValueEntry {
    wire: String,
    span: proc_macro2::Span,
    description: Option<String>,
}

impl syn::parse::Parse for ValueEntry {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        let (wire, span) = if input.peek(LitStr) {
            let lit: LitStr = input.parse()?;
            (lit.value(), lit.span())
        } else {
            let ident = Ident::parse_any(input)?;
            (ident.unraw().to_string(), ident.span())
        };
        let description = if input.parse::<Option<Token![=]>>()?.is_some() {
            Some(input.parse::<LitStr>()?.value())
        } else {
            None
        };
        Ok(Self {
            wire,
            span,
            description,
        })
    }
}

/// The wire name a field's `rename` gives, read ahead of the other options so rules can use it.
fn rename(attrs: &[Attribute]) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("alipayhk")) {
        // Errors are reported when the options are read in full.
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                found = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.input.peek(Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            } else if meta.input.peek(syn::token::Paren) {
                let _content;
                syn::parenthesized!(_content in meta.input);
            }
            Ok(())
        });
    }
    found
}

/// The doc comments, one line each, without the space rustdoc puts after `///`.
pub(super) fn doc_text(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| line.strip_prefix(' ').unwrap_or(&line).to_owned())
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

pub(super) fn path_text(path: &syn::Path) -> String {
    quote::quote!(#path).to_string().replace(' ', "")
}
