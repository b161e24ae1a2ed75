//! Rustdoc attributes from spec text.
//!
//! Docs are most of a generated file's text but carry no syntax, so while a file renders
//! ([`held_back`]) each doc comment goes into a table and the tokens carry one short marker
//! attribute in its place; [`restore`] puts the lines back into the formatted text. Parsing
//! and printing an attribute per line was a quarter of a large spec's generation time. The
//! attribute macro, whose tokens go to the compiler and not to a file, gets the lines.

use std::cell::RefCell;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Provenance;

/// Starts a held-back doc comment's marker: a Unicode noncharacter, reserved for a program's
/// internal use, followed by the comment's index in the table.
const MARKER: char = '\u{FDD0}';

thread_local! {
    /// The doc comments (their lines) held back from the file rendering on this thread, if
    /// one is.
    static HELD: RefCell<Option<Vec<Vec<String>>>> = const { RefCell::new(None) };
}

/// One `#[doc]` attribute per line of `text`, so rustdoc keeps the spec's paragraphs.
pub(super) fn outer(text: &str) -> TokenStream {
    let lines = hold(lines(text));
    quote! { #( #[doc = #lines] )* }
}

/// The same, as inner attributes for a module or crate.
pub(super) fn inner(text: &str) -> TokenStream {
    let lines = hold(lines(text));
    quote! { #( #![doc = #lines] )* }
}

/// Runs `build` with doc comments held back, returning what it built and the held comments.
pub(super) fn held_back<T>(build: impl FnOnce() -> T) -> (T, Vec<Vec<String>>) {
    /// Stops holding back when the build ends, even by a panic, so no later tokens built on
    /// this thread carry markers.
    struct Stop;
    impl Drop for Stop {
        fn drop(&mut self) {
            HELD.with_borrow_mut(Option::take);
        }
    }
    HELD.with_borrow_mut(|held| *held = Some(Vec::new()));
    let stop = Stop;
    let built = build();
    let comments = HELD.with_borrow_mut(Option::take).unwrap_or_default();
    drop(stop);
    (built, comments)
}

/// `formatted` with each marker line (`///` or `//!` and a marker) replaced by its comment's
/// lines at the same indentation. The formatter prints each one-line doc attribute on a line
/// of its own as the comment marker and the text, so this is the text it would have printed
/// for the lines themselves: they never start with `/` or `!`, hold no line break and end in
/// no space, which would make it print them otherwise.
pub(super) fn restore(formatted: &str, held: &[Vec<String>]) -> String {
    let held_len: usize = held.iter().flatten().map(|line| line.len() + 8).sum();
    let mut out = String::with_capacity(formatted.len() + held_len);
    for line in formatted.lines() {
        let body = line.trim_start();
        let index = body
            .strip_prefix("///")
            .or_else(|| body.strip_prefix("//!"))
            .and_then(|rest| rest.strip_prefix(MARKER))
            .and_then(|index| index.parse::<usize>().ok())
            .and_then(|index| held.get(index));
        match index {
            Some(comment) => {
                let prefix = &line[..line.len() - body.len() + 3];
                for text in comment {
                    out.push_str(prefix);
                    out.push_str(text);
                    out.push('\n');
                }
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// `lines` as they go into the tokens: one marker while a file renders, else the lines.
fn hold(lines: Vec<String>) -> Vec<String> {
    HELD.with_borrow_mut(|held| match held {
        Some(held) if !lines.is_empty() => {
            held.push(lines);
            vec![format!("{MARKER}{}", held.len() - 1)]
        }
        _ => lines,
    })
}

fn lines(text: &str) -> Vec<String> {
    text.trim_end()
        .lines()
        .map(|line| {
            if line.trim().is_empty() {
                String::new()
            } else {
                format!(" {}", line.trim_end())
            }
        })
        .collect()
}

/// Joins non-empty paragraphs with a blank line.
pub(super) fn paragraphs<I: IntoIterator<Item = String>>(parts: I) -> String {
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().to_owned())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Where an item comes from, as a closing sentence: `Source: [title](url).` or
/// `Inferred: why.`; nothing for an item the attribute's author declared.
pub(super) fn provenance(provenance: &Provenance) -> String {
    match provenance {
        Provenance::Documented { title, url } => format!("Source: [{title}]({url})."),
        Provenance::Inferred(why) => format!("Inferred: {}.", why.trim_end_matches('.')),
        Provenance::Unstated => String::new(),
    }
}

/// What follows a constraint in a field's facts: `(inferred: why)` for an inferred one, the
/// page for a documented one from another page than the field's, else nothing.
pub(super) fn constraint_basis(constraint: &Provenance, field: &Provenance) -> String {
    match constraint {
        Provenance::Inferred(why) => format!(" (inferred: {})", why.trim_end_matches('.')),
        Provenance::Documented { title, url } if constraint != field => {
            format!(" (source: [{title}]({url}))")
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Formats `tokens` as the generator does, without the header or item spacing.
    fn format(tokens: TokenStream) -> String {
        prettyplease::unparse(&syn::parse2(tokens).expect("test tokens parse"))
    }

    /// Doc comments held back and restored read exactly as the formatter prints them itself,
    /// at every depth and for inner docs, blank lines and Markdown.
    #[test]
    fn held_back_docs_restore_to_the_formatters_own_text() {
        let build = || {
            let module = inner("A module.\n\nWith `code`, a [link](https://example.invalid)\n");
            let item = outer("An item.\n\n| a | b |\n|---|---|");
            let field = outer("A field \"quoted\" \\ with a backslash.\n\n  Indented.");
            let method = outer("A method.");
            quote! {
                #module
                #item
                pub struct S {
                    #field
                    pub f: u8,
                }
                impl S {
                    #method
                    pub fn m(&self) {}
                }
            }
        };
        let direct = format(build());
        let (tokens, held) = held_back(build);
        assert_eq!(held.len(), 4, "one entry per doc comment");
        let markers = format(tokens);
        assert!(!markers.contains("A field"), "{markers}");
        assert_eq!(restore(&markers, &held), direct);
        // Outside a render the lines themselves go into the tokens.
        assert!(outer("Plain.").to_string().contains("Plain."));
    }

    #[test]
    fn restore_leaves_other_lines_and_unknown_markers_alone() {
        let held = vec![vec![" One.".to_owned(), String::new()]];
        let text = format!("    ///{MARKER}0\n/// plain\n///{MARKER}7\nfn f() {{}}\n");
        assert_eq!(
            restore(&text, &held),
            format!("    /// One.\n    ///\n/// plain\n///{MARKER}7\nfn f() {{}}\n")
        );
    }
}
