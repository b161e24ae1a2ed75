//! Text the emitters write themselves (statements and declarations) restores to exactly
//! what the formatter prints for their tokens.

use super::*;
use crate::emit::declarations::{Declaration, Keyword, Member};
use crate::emit::methods::{self, Method};
use crate::emit::statements::{Arm, Statement};
use crate::emit::token_text::{declaration_text, expression_text};
use proc_macro2::Literal;

/// Formats `tokens` as the generator does, without the header or item spacing.
fn format(tokens: TokenStream) -> String {
    prettyplease::unparse(&syn::parse2(tokens).expect("test tokens parse"))
}

/// The checks of a `Validate` impl for a field and wire name, as the validation emitter
/// builds them: calls, a `let`, blocks with and without a header, and a statement that
/// stays tokens.
fn checks(rt: &syn::Path, field: &syn::Ident, wire: &str) -> Vec<Statement> {
    let call = |check: &str, args: Vec<TokenStream>| {
        let check = format_ident!("{check}");
        Statement::Call {
            function: quote!(#rt::validation::#check),
            args,
        }
    };
    let at = quote!(&path.field(#wire));
    let length = call(
        "check_length",
        vec![
            quote!(value),
            quote!(None),
            quote!(Some(64usize)),
            quote!(#rt::Basis::Documented),
            at.clone(),
            quote!(violations),
        ],
    );
    let range = |min: f64| {
        let min = Literal::f64_suffixed(min);
        call(
            "check_range",
            vec![
                quote!(*value as f64),
                quote!(Some(#min)),
                quote!(Some(0.5f64)),
                quote!(#rt::Basis::Inferred("a reason")),
                at.clone(),
                quote!(violations),
            ],
        )
    };
    vec![
        call(
            "check_present",
            vec![
                quote!(self.#field.is_some()),
                quote!(#rt::Basis::Documented),
                at.clone(),
                quote!(violations),
            ],
        ),
        Statement::Block {
            header: None,
            statements: vec![
                Statement::Let {
                    name: format_ident!("value"),
                    value: quote!(&self.#field),
                },
                length,
            ],
        },
        Statement::Block {
            header: Some(quote!(if let Some(value) = &self.#field)),
            statements: vec![range(1.0)],
        },
        // A negative limit goes into tokens as a minus and the number, which is not written
        // as text, so this check stays tokens.
        range(-1.0),
        Statement::Call {
            function: quote!(#rt::Validate::validate_at),
            args: vec![quote!(&self.#field), at, quote!(violations)],
        },
        call(
            "check_exactly_one_of",
            vec![
                quote!(&["a", #wire]),
                quote!(&[self.a.is_some(), self.#field.is_some()]),
                quote!(#rt::Basis::Documented),
                quote!(path),
                quote!(violations),
            ],
        ),
        Statement::Tokens(quote! {
            if matches!(self.kind, Kind::Express) && self.#field.is_none() {
                violations.push(#rt::Violation::new(&path.field(#wire)));
            }
        }),
    ]
}

/// Held-back statements restore to exactly what the formatter prints for their tokens, for
/// field names of every length and runtime paths short and long: on one line, broken one
/// argument per line, and (near the margin, where the layout is not certain) as tokens.
#[test]
fn held_statements_restore_to_the_formatters_own_text() {
    let (mut held_count, mut token_count) = (0, 0);
    for rt in ["rt", "alipayhk_runtime", "::alipayhk::runtime"] {
        let rt: syn::Path = syn::parse_str(rt).unwrap();
        for len in 1..=64 {
            let field = format_ident!("{}", "f".repeat(len));
            let wire = "w".repeat(len);
            let build = |held: bool| {
                let statements = checks(&rt, &field, &wire);
                let body = statements.iter().map(|check| {
                    if held {
                        text(
                            Placement::InBody,
                            |indent| check.text(indent),
                            || check.to_token_stream(),
                        )
                    } else {
                        check.to_token_stream()
                    }
                });
                // A method with one statement, too.
                let one = checks(&rt, &field, &wire).swap_remove(4);
                let one = if held {
                    text(
                        Placement::InBody,
                        |indent| one.text(indent),
                        || one.to_token_stream(),
                    )
                } else {
                    one.to_token_stream()
                };
                quote! {
                    impl X {
                        fn validate_at(&self) {
                            #(#body)*
                        }
                        fn one(&self) {
                            #one
                        }
                    }
                }
            };
            let direct = format(build(false));
            let (tokens, held) = held_back(|| build(true));
            held_count += held.items.len();
            token_count += 8 - held.items.len();
            assert_eq!(
                restore(&format(tokens), &held).unwrap(),
                direct,
                "runtime `{}`, names of {len}",
                rt.to_token_stream()
            );
        }
    }
    // Both ways were taken, many times.
    assert!(
        held_count > 500 && token_count > 250,
        "{held_count} {token_count}"
    );
}

/// Expressions are written as the formatter writes them, and any other token gives no text.
#[test]
fn expression_text_writes_simple_expressions_and_nothing_else() {
    let text = |tokens: TokenStream| expression_text(&tokens);
    assert_eq!(
        text(quote!(if let Some(value) = &self.a_b)).as_deref(),
        Some("if let Some(value) = &self.a_b")
    );
    assert_eq!(
        text(quote!(&[value.0 as f64, *x, f(a)(b) as u8])).as_deref(),
        Some("&[value.0 as f64, *x, f(a)(b) as u8]")
    );
    assert_eq!(
        declaration_text(&quote!(Option<&'static str>)).as_deref(),
        Some("Option<&'static str>")
    );
    assert_eq!(
        declaration_text(&quote!(pub a: Option<Vec<std::collections::BTreeMap<K, V>>>)).as_deref(),
        Some("pub a: Option<Vec<std::collections::BTreeMap<K, V>>>")
    );
    assert_eq!(declaration_text(&quote!(a >= b)), None);
    assert_eq!(text(quote!(a: u8)), None, "`:` only in declarations");
    assert_eq!(
        text(quote!(::a::b::C::d("q\"", 1i64))).as_deref(),
        Some("::a::b::C::d(\"q\\\"\", 1i64)")
    );
    // A negative literal goes into tokens as a minus and the number.
    let minus_one = Literal::i64_suffixed(-1);
    for other in [
        quote!(a == b),
        quote!(a & b),
        quote!(a * b),
        quote!(x[0]),
        quote!(m!(x)),
        quote!(Vec<u8>),
        quote!({ x }),
        quote!(S { a: 1 }),
        quote!(a - 1),
        quote!(&&x),
        quote!(|x| x),
        quote!(a: u8),
        quote!(Some(#minus_one)),
    ] {
        assert_eq!(text(other.clone()), None, "{other}");
    }
}

/// A struct and an enum with names of `len` characters, fields whose types are short and
/// long (too long for a line), attributes that fit and one that does not, and docs with
/// blank lines.
fn declarations(len: usize) -> [Declaration; 2] {
    let name = format_ident!("{}", "N".repeat(len));
    let field = format_ident!("{}", "f".repeat(len));
    let wire = "w".repeat(len);
    let docs = format!("The `{wire}` thing.\n\nSecond paragraph.\n   indented");
    let serde = quote!(serde(rename = #wire, default, skip_serializing_if = "Option::is_none"));
    let struct_members = vec![
        Member {
            docs: docs.clone(),
            attributes: vec![serde.clone()],
            body: quote!(pub #field: Option<String>),
        },
        Member {
            docs: String::new(),
            attributes: Vec::new(),
            body: quote!(pub #field: Option<std::collections::BTreeMap<String, ::alipayhk::runtime::serde_json::Value>>),
        },
        Member {
            docs: "Short.".to_owned(),
            attributes: vec![quote!(serde(alias = "x"))],
            body: quote!(pub b: crate::types::Amount),
        },
    ];
    let variants = vec![
        Member {
            docs: docs.clone(),
            attributes: vec![quote!(serde(rename = #wire))],
            body: quote!(#name),
        },
        Member {
            docs: "Kept.\nTwo lines.".to_owned(),
            attributes: Vec::new(),
            body: quote!(Unknown(::alipayhk::runtime::UnknownValue)),
        },
    ];
    [
        Declaration {
            docs: docs.clone(),
            attributes: vec![
                quote!(derive(Debug, Clone, ::alipayhk::runtime::serde::Serialize)),
                quote!(serde(crate = "::alipayhk::runtime::serde")),
                quote!(non_exhaustive),
            ],
            keyword: Keyword::Struct,
            name: name.clone(),
            members: struct_members,
        },
        Declaration {
            docs,
            attributes: vec![quote!(derive(Debug, Clone, Copy, PartialEq, Eq, Hash))],
            keyword: Keyword::Enum,
            name,
            members: variants,
        },
    ]
}

/// Held-back declarations restore to exactly what the formatter prints for their tokens:
/// whole where every line fits, else member by member, for names of every length.
#[test]
fn held_declarations_restore_to_the_formatters_own_text() {
    let (mut whole, mut by_member) = (0, 0);
    for len in 1..=72 {
        let build = || {
            let [structure, enumeration] = declarations(len);
            let (structure, enumeration) = (structure.held(), enumeration.held());
            quote!(#structure #enumeration)
        };
        let direct = format(build());
        assert!(
            !direct.contains(ITEM_MARKER),
            "nothing is held outside a render"
        );
        let (tokens, held) = held_back(build);
        let markers = format(tokens);
        let whole_here = markers.matches(": () = ();").count();
        whole += whole_here;
        by_member += held.items.len() - whole_here;
        assert_eq!(restore(&markers, &held).unwrap(), direct, "names of {len}");
    }
    // The struct, whose second field never fits, is always held member by member; the enum
    // whole until its names grow too long.
    assert!(whole > 30 && by_member > 60, "{whole} {by_member}");
}

/// Arms restore to exactly what the formatter prints for them at every width up to the
/// margin and past it: a run of arms is held back while each fits in `ARM_FITS` columns,
/// and the formatter prints such an arm on one line.
#[test]
fn held_arms_restore_at_every_width() {
    let mut held_runs = 0;
    for len in 1..=72 {
        let variant = format_ident!("{}", "V".repeat(len));
        let wire = variant.to_string();
        let build = || {
            let status = arms(vec![
                (
                    Some(format!(
                        "Self::{variant} => Some(alipayhk_runtime::ResultStatus::Failure),"
                    )),
                    quote!(Self::#variant => Some(alipayhk_runtime::ResultStatus::Failure),),
                ),
                (
                    Some(format!("Self::{variant} => Some(\"A message.\"),")),
                    quote!(Self::#variant => Some("A message."),),
                ),
            ]);
            let from_wire = arms(vec![(
                Some(format!("\"{variant}\" => Self::{variant},")),
                quote!(#wire => Self::#variant,),
            )]);
            quote! {
                impl E {
                    pub fn status(&self) -> Option<alipayhk_runtime::ResultStatus> {
                        match self {
                            #status
                            Self::Unknown(_) => None,
                        }
                    }
                }
                impl From<&str> for E {
                    fn from(value: &str) -> Self {
                        match value {
                            #from_wire
                            other => Self::Unknown(other),
                        }
                    }
                }
            }
        };
        let direct = format(build());
        let (tokens, held) = held_back(build);
        held_runs += held.items.len();
        assert_eq!(
            restore(&format(tokens), &held).unwrap(),
            direct,
            "variant of {len}"
        );
    }
    assert!(held_runs > 40, "{held_runs}");
}

/// A constructor as the object emitter builds it, for parameter names of `len` characters
/// and `count` fields.
fn constructor(len: usize, count: usize) -> Method {
    let names: Vec<syn::Ident> = (0..count)
        .map(|i| format_ident!("{}{i}", "p".repeat(len)))
        .collect();
    let parameters = names
        .iter()
        .map(|name| quote!(#name: impl Into<String>))
        .collect();
    let fields = names
        .iter()
        .enumerate()
        .map(|(i, name)| match i % 3 {
            0 => quote!(#name: #name.into()),
            1 => quote!(#name),
            _ => quote!(#name: None),
        })
        .collect();
    Method {
        docs: "Creates it.\n\nFrom its fields.".to_owned(),
        attributes: (count > 7)
            .then(|| quote!(allow(clippy::too_many_arguments)))
            .into_iter()
            .collect(),
        name: quote!(pub fn new),
        parameters,
        output: quote!(Self),
        body: vec![Statement::Struct {
            path: quote!(Self),
            fields,
        }],
    }
}

/// Held-back methods restore to exactly what the formatter prints for their tokens: a
/// signature on one line, broken, or (near the margin) tokens, and a struct literal on one
/// line, broken, or (near the formatter's 34 columns) tokens, for every width.
#[test]
fn held_methods_restore_to_the_formatters_own_text() {
    let (mut held_count, mut token_count) = (0, 0);
    for count in [0, 1, 2, 3, 9] {
        for len in 1..=40 {
            let build = || {
                let new = constructor(len, count);
                let new = text(
                    Placement::InImpl,
                    |indent| new.text(indent),
                    || new.to_token_stream(),
                );
                quote!(impl S { #new })
            };
            let direct = format(build());
            let (tokens, held) = held_back(build);
            held_count += held.items.len();
            token_count += 1 - held.items.len();
            assert_eq!(
                restore(&format(tokens), &held).unwrap(),
                direct,
                "{count} fields of {len}"
            );
        }
    }
    assert!(
        held_count > 120 && token_count > 20,
        "{held_count} {token_count}"
    );
}

/// Held-back methods that are one `match` restore to exactly what the formatter prints for
/// their tokens: whole when every arm fits, else as tokens around a held-back run of arms
/// (here when the fallback arm is too long), for variant names of every length.
#[test]
fn held_match_methods_restore_to_the_formatters_own_text() {
    let (mut whole, mut items) = (0, 0);
    for len in 1..=72 {
        let variant = format_ident!("{}", "V".repeat(len));
        let arm = (
            Some(format!("Self::{variant} => Some(\"A message.\"),")),
            quote!(Self::#variant => Some("A message."),),
        );
        let method = |fallback: Arm| Method {
            docs: "The documented message.".to_owned(),
            attributes: Vec::new(),
            name: quote!(pub fn message),
            parameters: vec![quote!(&self)],
            output: quote!(Option<&'static str>),
            body: vec![Statement::Match {
                scrutinee: quote!(self),
                arms: vec![arm.clone(), arm.clone()],
                fallback: Some(fallback),
            }],
        };
        let short = (
            Some("Self::Unknown(_) => None,".to_owned()),
            quote!(Self::Unknown(_) => None,),
        );
        let long = (
            Some("other => Self::Unknown(alipayhk_runtime::UnknownValue::__from_unmatched_wire_value(other)),".to_owned()),
            quote!(other => Self::Unknown(alipayhk_runtime::UnknownValue::__from_unmatched_wire_value(other)),),
        );
        let build = || {
            let (short, long) = (method(short.clone()), method(long.clone()));
            let (short, long) = (methods::held([&short]), methods::held([&long]));
            quote!(impl E { #short #long })
        };
        let direct = format(build());
        let (tokens, held) = held_back(build);
        let markers = format(tokens);
        whole += markers.matches(": () = ();").count();
        items += held.items.len();
        assert_eq!(
            restore(&markers, &held).unwrap(),
            direct,
            "variant of {len}"
        );
    }
    // Up to 47 the short method is held whole and the long one by its arms; past it, no arm
    // fits.
    assert!(whole > 40 && items > 80, "{whole} {items}");
}
