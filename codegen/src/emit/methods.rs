//! Methods of an `impl` block at a file's top level, as tokens and as the text the formatter
//! prints for them, so a file can hold the text back instead of parsing and printing the
//! tokens (see `held::text`). A method is its docs, its attributes, its signature and its
//! body's statements.
//!
//! Text is only given where the layout is certain: a signature that fits on one line or is
//! far too long for one, and statements that give text themselves.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::declarations::write_docs_and_attributes;
use super::docs;
use super::held::{self, Placement};
use super::statements::{BREAKS, Statement, one_per_line};
use super::token_text::{FITS, declaration_text};

/// How much a method's parameters and statements are indented past the method.
const INDENT: usize = 4;

/// A method, as the generator builds it.
pub(super) struct Method {
    /// The doc comment's text.
    pub docs: String,
    /// Each outer attribute's inside, such as `must_use`.
    pub attributes: Vec<TokenStream>,
    /// Everything before the parameters: `pub fn new`.
    pub name: TokenStream,
    /// Each parameter, such as `name: impl Into<String>`.
    pub parameters: Vec<TokenStream>,
    /// The return type.
    pub output: TokenStream,
    /// The body's statements.
    pub body: Vec<Statement>,
}

impl ToTokens for Method {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let doc = docs::outer(&self.docs);
        let Self {
            attributes,
            name,
            parameters,
            output,
            body,
            ..
        } = self;
        tokens.extend(quote! {
            #doc
            #(#[#attributes])*
            #name(#(#parameters),*) -> #output {
                #(#body)*
            }
        });
    }
}

/// Methods of an `impl` block at a file's top level, held back as text while a file renders
/// where their layout is certain, consecutive ones behind one marker.
pub(super) fn held<'a>(methods: impl IntoIterator<Item = &'a Method>) -> TokenStream {
    held::run(
        Placement::InImpl,
        methods,
        |method, indent| method.text(indent),
        |method| method.to_token_stream(),
    )
}

impl Method {
    /// The lines the formatter prints for the method at `indent` columns, each ending in a
    /// line break; `None` when that is not certain.
    pub(super) fn text(&self, indent: usize) -> Option<String> {
        if self.body.is_empty() {
            // An empty body is printed `{}` on the signature's line.
            return None;
        }
        let pad = " ".repeat(indent);
        let mut text = String::new();
        write_docs_and_attributes(&pad, &self.docs, &self.attributes, &mut text)?;
        let name = declaration_text(&self.name)?;
        let output = declaration_text(&self.output)?;
        let parameters = self
            .parameters
            .iter()
            .map(declaration_text)
            .collect::<Option<Vec<_>>>()?;
        let one_line = format!("{pad}{name}({}) -> {output} {{", parameters.join(", "));
        if one_line.len() <= FITS {
            text.push_str(&one_line);
            text.push('\n');
        } else if one_line.len() >= BREAKS && !parameters.is_empty() {
            text.push_str(&one_per_line(
                format!("{pad}{name}("),
                &parameters,
                indent + INDENT,
                format!("{pad}) -> {output} {{"),
            )?);
        } else {
            return None;
        }
        for statement in &self.body {
            text.push_str(&statement.text(indent + INDENT)?);
        }
        text.push_str(&pad);
        text.push_str("}\n");
        Some(text)
    }
}
