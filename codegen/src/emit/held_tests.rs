//! Held-back text restores to exactly what the formatter prints for the tokens themselves.

use super::*;
use crate::emit::statements::{Statement, expression_text};
use proc_macro2::Literal;

/// Formats `tokens` as the generator does, without the header or item spacing.
fn format(tokens: TokenStream) -> String {
    prettyplease::unparse(&syn::parse2(tokens).expect("test tokens parse"))
}

/// Doc attributes for `lines`, as the emitters' doc helpers make them.
fn doc(inner: bool, lines: &[&str]) -> TokenStream {
    let lines = doc_lines(lines.iter().map(|line| (*line).to_owned()).collect());
    if inner {
        quote! { #( #![doc = #lines] )* }
    } else {
        quote! { #( #[doc = #lines] )* }
    }
}

/// A fixed-shape item whose only varying part is `name`, with a line that breaks when
/// `name` is long.
fn serialize(name: &syn::Ident, serde: &syn::Path) -> TokenStream {
    quote! {
        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    }
}

/// Held text restored reads exactly as the formatter prints the tokens itself: doc
/// comments at every depth, inner ones, blank lines and Markdown, and fixed-shape items
/// for names of every length, including ones too long to hold back.
#[test]
fn held_back_text_restores_to_the_formatters_own_text() {
    let serde: syn::Path = syn::parse_quote!(serde);
    let long_serde: syn::Path = syn::parse_quote!(::alipayhk::runtime::serde);
    let names = [
        "Ab",
        "Abc",
        "Abcd",
        "UpdatePassStatus",
        "AVeryLongResultCodeNameThatWillNotFitOnOneLineAtAllAnyMore",
        "AVeryLongResultCodeNameThatWillNotFitOnOneLineAtAllAnyMoreOrEverAgainNoNo",
    ];
    let build = || {
        let module = doc(
            true,
            &[
                " A module.",
                "",
                " With `code`, a [link](https://x.invalid)",
            ],
        );
        let item_doc = doc(false, &[" An item.", "", " | a | b |", " |---|---|"]);
        let field = doc(
            false,
            &[" A field \"quoted\" \\ with a backslash.", "", "   x"],
        );
        let method = doc(false, &[" A method."]);
        let fixed = names.iter().flat_map(|name| {
            let name = format_ident!("{name}");
            [&serde, &long_serde].map(|serde| {
                item(Placement::TopLevel, "serialize", &[serde], &name, |name| {
                    serialize(name, serde)
                })
            })
        });
        let setters = names.iter().map(|name| {
            let ty: syn::Type = syn::parse_quote!(Vec<u8>);
            let setter = item(
                Placement::InImpl,
                "setter",
                &[&ty],
                &format_ident!("{name}"),
                |ident| {
                    quote! {
                        #[must_use]
                        pub fn #ident(mut self, #ident: #ty) -> Self {
                            self.#ident = Some(#ident);
                            self
                        }
                    }
                },
            );
            let doc = doc(false, &[" Sets it."]);
            quote!(#doc #setter)
        });
        // Arms that fit, and a set with one too wide to hold back.
        let arm_sets = [["A", "B\"quoted\""], ["C", &"D".repeat(70)]].map(|wires| {
            arms(
                wires
                    .iter()
                    .enumerate()
                    .map(|(i, wire)| {
                        let ident = format_ident!("V{i}");
                        let line = format!("Self::{ident} => {},", Literal::string(wire));
                        (Some(line), quote!(Self::#ident => #wire,))
                    })
                    .collect(),
            )
        });
        let [fits, too_wide] = &arm_sets;
        let none = arms(Vec::new());
        quote! {
            #module
            #item_doc
            pub struct S {
                #field
                pub f: u8,
            }
            impl S {
                #method
                pub fn m(&self) {}
                #(#setters)*
            }
            #(#fixed)*
            impl E {
                pub fn as_str(&self) -> &str {
                    match self {
                        #fits
                        Self::Unknown(value) => value.as_str(),
                    }
                }
                pub fn other(&self) -> &str {
                    match self {
                        #too_wide
                    }
                }
                pub fn none(&self) -> &str {
                    match self {
                        #none
                    }
                }
            }
            mod nested {
                #method
                pub fn f() {}
            }
        }
    };
    let direct = format(build());
    let (tokens, held) = held_back(build);
    assert_eq!(
        held.docs.len(),
        4 + names.len(),
        "one entry per doc comment built"
    );
    // `Abcd` and `UpdatePassStatus` with either serde path, their setters, and the arms
    // that fit; names shorter than the placeholder, or lines wider than `FITS`, go in as
    // tokens.
    assert_eq!(held.items.len(), 7);
    let markers = format(tokens);
    assert!(!markers.contains("A field"), "{markers}");
    assert_eq!(restore(&markers, &held).unwrap(), direct);
    // Outside a render the text itself goes into the tokens.
    assert!(doc(false, &[" Plain."]).to_string().contains("Plain."));
}

#[test]
fn restore_leaves_other_lines_and_unknown_markers_alone() {
    let held = Held {
        docs: vec![vec![" One.".to_owned(), String::new()]],
        items: vec![("struct A;\n".to_owned(), 0)],
    };
    let text = format!(
        "    ///{DOC_MARKER}0\n/// plain\n///{DOC_MARKER}7\nconst {ITEM_MARKER}0: () = ();\nconst {ITEM_MARKER}1: () = ();\nfn f() {{}}\n"
    );
    assert_eq!(
        restore(&text, &held).unwrap(),
        format!(
            "    /// One.\n    ///\n/// plain\n///{DOC_MARKER}7\nstruct A;\nconst {ITEM_MARKER}1: () = ();\nfn f() {{}}\n"
        )
    );
    let nested = format!("mod m {{\n    const {ITEM_MARKER}0: () = ();\n}}\n");
    assert!(restore(&nested, &held).is_err());
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
                        statement(check)
                    } else {
                        check.to_token_stream()
                    }
                });
                // A method with one statement, too.
                let one = checks(&rt, &field, &wire).swap_remove(4);
                let one = if held {
                    statement(&one)
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
