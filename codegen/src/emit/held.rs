//! Text held back from a file's tokens while it renders, and put back after formatting.
//!
//! Parsing tokens back into a syntax tree and printing it is most of a large spec's generation
//! time, so what needs neither is kept out of the tokens while a file renders ([`held_back`]):
//!
//! - **Doc comments**: most of a file's text, but no syntax. Each goes into a table and the
//!   tokens carry one short marker attribute in its place; parsing and printing an attribute
//!   per line was a quarter of the time.
//! - **Fixed-shape items** ([`item`]): an item that differs between uses only in one name,
//!   such as an enum's `Display` impl, is formatted once per thread with a placeholder name,
//!   and each use is that text with its own name, behind a one-line marker item.
//! - **Match arms** ([`arms`]): a run of short arms (`Self::Active => "ACTIVE",`), each the
//!   one line the formatter prints for it, behind one marker arm.
//! - **Written text** ([`text`], [`run`]): structs and enums, methods and statements that the
//!   emitters write as text themselves where the layout is certain (`declarations`,
//!   `methods`, `statements`), behind one marker item, field, variant or statement for each
//!   run of them.
//!
//! [`restore`] puts the text back where the formatter printed the markers. The attribute
//! macro, whose tokens go to the compiler and not to a file, never holds anything back.

use std::cell::RefCell;
use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};

use super::token_text::{ARM_FITS, FITS};

/// Starts a held-back doc comment's marker: a Unicode noncharacter, reserved for a program's
/// internal use, followed by the comment's index in the table.
const DOC_MARKER: char = '\u{FDD0}';

/// Names a held-back item's marker (`const __alipayhk_held_item_3: () = ();`).
const ITEM_MARKER: &str = "__alipayhk_held_item_";

/// Stands for the name while a fixed-shape item is formatted once; no name from a spec starts
/// with two underscores, so it stands for nothing else. A name at least this long can only
/// make the lines that hold it longer, never shorter, so a use whose lines with the name
/// still fit is laid out exactly as the formatter would lay it out itself: a group the
/// placeholder broke stays broken, one that fit still fits, and no other line changes.
const PLACEHOLDER: &str = "__Ty";

/// What the file rendering on this thread holds back.
#[derive(Default)]
pub(super) struct Held {
    /// Doc comments, each as its lines.
    docs: Vec<Vec<String>>,
    /// Fixed-shape items and runs of match arms, each as its text and the indentation it is
    /// laid out for.
    items: Vec<(String, usize)>,
}

thread_local! {
    /// The file rendering on this thread's held text, if one is rendering.
    static HELD: RefCell<Option<Held>> = const { RefCell::new(None) };
    /// Fixed-shape items formatted with the placeholder name, by template and paths.
    static TEMPLATES: RefCell<HashMap<(&'static str, String), String>> =
        RefCell::new(HashMap::new());
}

/// Runs `build` with text held back, returning what it built and the held text.
pub(super) fn held_back<T>(build: impl FnOnce() -> T) -> (T, Held) {
    /// Stops holding back when the build ends, even by a panic, so no later tokens built on
    /// this thread carry markers.
    struct Stop;
    impl Drop for Stop {
        fn drop(&mut self) {
            HELD.with_borrow_mut(Option::take);
        }
    }
    HELD.with_borrow_mut(|held| *held = Some(Held::default()));
    let stop = Stop;
    let built = build();
    let held = HELD.with_borrow_mut(Option::take).unwrap_or_default();
    drop(stop);
    (built, held)
}

/// Doc comment `lines` as they go into the tokens: one marker while a file renders, else the
/// lines themselves.
pub(super) fn doc_lines(lines: Vec<String>) -> Vec<String> {
    HELD.with_borrow_mut(|held| match held {
        Some(held) if !lines.is_empty() => {
            held.docs.push(lines);
            vec![format!("{DOC_MARKER}{}", held.docs.len() - 1)]
        }
        _ => lines,
    })
}

/// Where a held-back item goes; its text is laid out for that indentation, and [`restore`]
/// refuses it elsewhere.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Placement {
    /// An item at a file's top level.
    TopLevel,
    /// An associated item of an `impl` block at a file's top level, such as a method.
    InImpl,
    /// A statement of a method of an `impl` block at a file's top level.
    InBody,
    /// A field of a struct at a file's top level.
    Field,
    /// A variant of an enum at a file's top level.
    Variant,
}

impl Placement {
    /// How far text at this placement is indented.
    pub(super) fn indent(self) -> usize {
        match self {
            Self::TopLevel => 0,
            Self::InImpl | Self::Field | Self::Variant => 4,
            Self::InBody => 8,
        }
    }
}

/// The item `build` makes for `name` at a file's top level, held back while a file renders.
/// `template` names the item's shape and `paths` whatever else `build` depends on (the
/// runtime and serde paths); `build` must use `name` only as a name.
pub(super) fn item(
    template: &'static str,
    paths: &[&dyn ToTokens],
    name: &syn::Ident,
    build: impl Fn(&syn::Ident) -> TokenStream,
) -> TokenStream {
    let holding = HELD.with_borrow(Option::is_some);
    let name_text = name.to_string();
    if !holding || name_text.len() < PLACEHOLDER.len() {
        return build(name);
    }
    let key = (
        template,
        paths
            .iter()
            .map(|path| path.to_token_stream().to_string())
            .collect::<Vec<_>>()
            .join(" | "),
    );
    if key.1.contains(PLACEHOLDER) {
        // A path the substitution would change too.
        return build(name);
    }
    let text = TEMPLATES.with_borrow_mut(|templates| {
        templates
            .entry(key)
            .or_insert_with(|| {
                // Built with nothing held back, so the text holds no marker of this file's.
                let suspended = HELD.with_borrow_mut(Option::take);
                let tokens = build(&format_ident!("{PLACEHOLDER}"));
                HELD.with_borrow_mut(|held| *held = suspended);
                syn::parse2(tokens)
                    .map(|file| prettyplease::unparse(&file))
                    .unwrap_or_default()
            })
            .replace(PLACEHOLDER, &name_text)
    });
    let too_wide = |line: &str| line.len() > FITS && line.contains(name_text.as_str());
    if text.is_empty() || text.lines().any(too_wide) {
        return build(name);
    }
    marker(
        Placement::TopLevel,
        push_item(text, Placement::TopLevel.indent()),
    )
}

/// How far the arms of a `match` in a method of a top-level `impl` block are indented.
const ARM_INDENT: usize = 12;

/// The arms of a `match` in a method of an `impl` block at a file's top level, each as the
/// one line the formatter prints for it (`pattern => value,`; `None` when it cannot be
/// written as text) and as tokens. While a file renders and every arm's line fits, the tokens
/// carry one marker arm (`marker => {}`) for all of them: a short arm is always printed on
/// one line, just so.
pub(super) fn arms(arms: Vec<(Option<String>, TokenStream)>) -> TokenStream {
    let holding = HELD.with_borrow(Option::is_some);
    // No arms at all print as `match x {}`, which a marker arm would open up.
    let fits = !arms.is_empty()
        && arms.iter().all(|(line, _)| {
            line.as_ref()
                .is_some_and(|line| ARM_INDENT + line.len() <= ARM_FITS)
        });
    if !holding || !fits {
        let tokens = arms.into_iter().map(|(_, tokens)| tokens);
        return quote!(#(#tokens)*);
    }
    let indent = " ".repeat(ARM_INDENT);
    let text: String = arms
        .iter()
        .flat_map(|(line, _)| line)
        .map(|line| format!("{indent}{line}\n"))
        .collect();
    let marker = push_item(text, ARM_INDENT);
    quote!(#marker => {})
}

/// What `text` writes for `placement`, as the formatter prints it, held back while a file
/// renders: a declaration, or a statement such as a check in a `Validate` impl. `text` gets
/// the indentation and gives `None` where the layout is not certain; then, and outside a
/// render, the item is `tokens`.
pub(super) fn text(
    placement: Placement,
    text: impl FnOnce(usize) -> Option<String>,
    tokens: impl FnOnce() -> TokenStream,
) -> TokenStream {
    if !HELD.with_borrow(Option::is_some) {
        return tokens();
    }
    match text(placement.indent()) {
        Some(text) => marker(placement, push_item(text, placement.indent())),
        None => tokens(),
    }
}

/// A run of `items` at `placement`, each written as [`text`] does (`text` or, where it gives
/// none, `tokens`), with consecutive ones whose text is given behind one marker: a file's
/// fields, statements and methods come in runs, and a marker costs as much to parse as a
/// short item.
pub(super) fn run<T>(
    placement: Placement,
    items: impl IntoIterator<Item = T>,
    text: impl Fn(&T, usize) -> Option<String>,
    tokens: impl Fn(&T) -> TokenStream,
) -> TokenStream {
    if !HELD.with_borrow(Option::is_some) {
        return items.into_iter().map(|item| tokens(&item)).collect();
    }
    let mut out = TokenStream::new();
    let mut pending = String::new();
    let flush = |pending: &mut String, out: &mut TokenStream| {
        if !pending.is_empty() {
            let text = std::mem::take(pending);
            out.extend(marker(placement, push_item(text, placement.indent())));
        }
    };
    for item in items {
        match text(&item, placement.indent()) {
            Some(text) => pending.push_str(&text),
            None => {
                flush(&mut pending, &mut out);
                out.extend(tokens(&item));
            }
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// The marker item, statement, field or variant that stands for held text at `placement`.
fn marker(placement: Placement, marker: syn::Ident) -> TokenStream {
    match placement {
        Placement::TopLevel | Placement::InImpl => quote!(const #marker: () = ();),
        Placement::InBody => quote!(#marker;),
        Placement::Field => quote!(#marker: (),),
        Placement::Variant => quote!(#marker,),
    }
}

/// Holds `text`, laid out for `indent` columns, and returns its marker's name.
fn push_item(text: String, indent: usize) -> syn::Ident {
    let index = HELD.with_borrow_mut(|held| {
        let held = held.as_mut().expect("only called while holding");
        held.items.push((text, indent));
        held.items.len() - 1
    });
    format_ident!("{ITEM_MARKER}{index}")
}

/// `formatted` with each marker line replaced by its held text, at the marker's indentation:
/// the text the formatter would have printed had the tokens held it.
///
/// The formatter prints each one-line doc attribute on a line of its own as the comment
/// marker and the text, which is what this writes: held doc lines never start with `/`, hold
/// no line break and end in no space, which would make it print them otherwise.
///
/// An item marker at other indentation than its text was laid out for is an error.
pub(super) fn restore(formatted: &str, held: &Held) -> Result<String, String> {
    let held_len: usize = held
        .docs
        .iter()
        .flatten()
        .map(|line| line.len() + 8)
        .sum::<usize>()
        + held.items.iter().map(|(text, _)| text.len()).sum::<usize>();
    let mut out = String::with_capacity(formatted.len() + held_len);
    for line in formatted.lines() {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        if let Some(comment) = held_doc(body, held) {
            let prefix = &line[..indent.len() + 3];
            for text in comment {
                out.push_str(prefix);
                out.push_str(text);
                out.push('\n');
            }
        } else if let Some((item, laid_out_for)) = held_item(body, held) {
            if indent.len() != *laid_out_for {
                return Err(format!(
                    "a held-back item laid out for {laid_out_for} columns of indentation at {}: {body}",
                    indent.len()
                ));
            }
            out.push_str(item);
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    Ok(out)
}

/// The doc comment a marker line stands for.
fn held_doc<'a>(body: &str, held: &'a Held) -> Option<&'a Vec<String>> {
    let index = body
        .strip_prefix("///")
        .or_else(|| body.strip_prefix("//!"))?
        .strip_prefix(DOC_MARKER)?;
    held.docs.get(index.parse::<usize>().ok()?)
}

/// The item or arms a marker item or arm stands for.
fn held_item<'a>(body: &str, held: &'a Held) -> Option<&'a (String, usize)> {
    let index = match body.strip_prefix("const ") {
        Some(item) => item.strip_prefix(ITEM_MARKER)?.strip_suffix(": () = ();")?,
        None => {
            // An arm, a statement, a field or a variant.
            let marker = body.strip_prefix(ITEM_MARKER)?;
            [" => {}", ";", ": (),", ","]
                .into_iter()
                .find_map(|suffix| marker.strip_suffix(suffix))?
        }
    };
    held.items.get(index.parse::<usize>().ok()?)
}

#[cfg(test)]
#[path = "held_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "held_text_tests.rs"]
mod text_tests;
