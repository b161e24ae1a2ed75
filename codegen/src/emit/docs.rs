//! Rustdoc attributes from spec text.

use proc_macro2::TokenStream;
use quote::quote;

/// One `#[doc]` attribute per line of `text`, so rustdoc keeps the spec's paragraphs.
pub(super) fn outer(text: &str) -> TokenStream {
    let lines = lines(text);
    quote! { #( #[doc = #lines] )* }
}

/// The same, as inner attributes for a module or crate.
pub(super) fn inner(text: &str) -> TokenStream {
    let lines = lines(text);
    quote! { #( #![doc = #lines] )* }
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
