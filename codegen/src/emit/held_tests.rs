//! Held-back text restores to exactly what the formatter prints for the tokens themselves.

use super::*;
use crate::emit::statements::Statement;
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
            [&serde, &long_serde]
                .map(|serde| item("serialize", &[serde], &name, |name| serialize(name, serde)))
        });
        // A documented method per name, in an `impl` block.
        let setters = names.iter().map(|name| {
            let ident = format_ident!("{name}");
            let doc = doc(false, &[" Sets it."]);
            quote! {
                #doc
                #[must_use]
                pub fn #ident(mut self, #ident: Vec<u8>) -> Self {
                    self.#ident = Some(#ident);
                    self
                }
            }
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
    // `Abcd` and `UpdatePassStatus` with either serde path, the first long name with the
    // short serde path (its `impl` line is 86 columns), and the arms that fit; names shorter
    // than the placeholder, or lines wider than `FITS`, go in as tokens.
    assert_eq!(held.items.len(), 6);
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

/// A run holds consecutive written items behind one marker and leaves the others as tokens,
/// in order, which restores to the formatter's own text.
#[test]
fn a_run_holds_consecutive_text_behind_one_marker() {
    let call = |name: &str, args: usize| {
        let name = format_ident!("{name}");
        let args = (0..args).map(|i| format_ident!("argument_{i}"));
        Statement::Expression {
            expression: quote!(#name(#(#args),*)),
            semicolon: true,
        }
    };
    // The third is too long for one line, so it is no text and goes in as tokens.
    let statements = [
        call("a", 1),
        call("b", 2),
        call("c", 12),
        call("d", 1),
        call("e", 3),
    ];
    let build = || {
        let body = run(
            Placement::InBody,
            &statements,
            |statement, indent| statement.text(indent),
            |statement| statement.to_token_stream(),
        );
        quote!(impl S { fn f() { #body } })
    };
    let direct = format(build());
    let (tokens, held) = held_back(build);
    assert_eq!(
        held.items.len(),
        2,
        "one marker for a and b, one for d and e"
    );
    let markers = format(tokens);
    assert!(markers.contains("argument_11"), "{markers}");
    assert_eq!(restore(&markers, &held).unwrap(), direct);
}
