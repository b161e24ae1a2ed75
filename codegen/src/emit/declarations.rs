//! Struct and enum declarations, as tokens and as the text the formatter prints for them, so
//! a file can hold the text back instead of parsing and printing the tokens (see
//! `held::text`). A declaration is its docs, its attributes, `pub struct Name` or
//! `pub enum Name`, and its members (fields or variants), each with docs and attributes.
//!
//! Text is only given for lines that certainly fit on one line; the rest go to the formatter
//! as tokens, as before.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::docs;
use super::held::{self, Placement};
use super::token_text::{attribute_text, declaration_text, fitting};

/// A struct or enum declaration at a file's top level, as the generator builds it.
pub(super) struct Declaration {
    /// The doc comment's text.
    pub docs: String,
    /// Each outer attribute's inside, such as `derive(Debug, Clone)`.
    pub attributes: Vec<TokenStream>,
    /// `struct` or `enum`.
    pub keyword: Keyword,
    /// The type's name.
    pub name: syn::Ident,
    /// The fields or variants.
    pub members: Vec<Member>,
}

#[derive(Clone, Copy)]
pub(super) enum Keyword {
    Struct,
    Enum,
}

/// A field (`pub name: Type`) or variant (`Name`, `Name(Type)`) with its docs and attributes.
pub(super) struct Member {
    /// The doc comment's text; empty for none.
    pub docs: String,
    /// Each attribute's inside, such as `serde(rename = "x")`.
    pub attributes: Vec<TokenStream>,
    /// The field or variant itself.
    pub body: TokenStream,
}

impl Declaration {
    /// The declaration, held back while a file renders: all of it as text where every line
    /// certainly fits, else its tokens with the members that fit held back, each run of them
    /// behind one marker (a struct with one long field type still holds back the others).
    pub(super) fn held(&self) -> TokenStream {
        // Each member's text, written once for both ways and only when something is held
        // back (never for the attribute macro).
        let members = std::cell::OnceCell::new();
        let members = || {
            members.get_or_init(|| {
                self.members
                    .iter()
                    .map(|member| member.text(Placement::Field.indent()))
                    .collect::<Vec<_>>()
            })
        };
        held::text(
            Placement::TopLevel,
            |_| self.text(members()),
            || self.tokens(members),
        )
    }

    /// The declaration's tokens, with the members whose text `members` gives held back.
    fn tokens<'a>(&'a self, members: impl Fn() -> &'a Vec<Option<String>>) -> TokenStream {
        let doc = docs::outer(&self.docs);
        let attributes = &self.attributes;
        let name = &self.name;
        let (keyword, placement) = match self.keyword {
            Keyword::Struct => (quote!(struct), Placement::Field),
            Keyword::Enum => (quote!(enum), Placement::Variant),
        };
        let members = held::run(
            placement,
            self.members.iter().enumerate(),
            |(index, _), _| members()[*index].clone(),
            |(_, member)| member.to_token_stream(),
        );
        quote! {
            #doc
            #(#[#attributes])*
            pub #keyword #name {
                #members
            }
        }
    }

    /// The lines the formatter prints for the declaration at a file's top level, each ending
    /// in a line break, given its members' text; `None` when that is not certain.
    fn text(&self, members: &[Option<String>]) -> Option<String> {
        if self.members.is_empty() {
            // An empty body is printed `{}` on the header's line.
            return None;
        }
        let mut text = String::new();
        write_docs_and_attributes("", &self.docs, &self.attributes, &mut text)?;
        let keyword = match self.keyword {
            Keyword::Struct => "struct",
            Keyword::Enum => "enum",
        };
        text.push_str(&fitting(format!("pub {keyword} {} {{", self.name))?);
        for member in members {
            text.push_str(member.as_deref()?);
        }
        text.push_str("}\n");
        Some(text)
    }
}

impl ToTokens for Member {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let doc = docs::outer(&self.docs);
        let attributes = &self.attributes;
        let body = &self.body;
        tokens.extend(quote! { #doc #(#[#attributes])* #body, });
    }
}

impl Member {
    /// The lines the formatter prints for the member at `indent` columns; `None` when that is
    /// not certain.
    fn text(&self, indent: usize) -> Option<String> {
        let pad = " ".repeat(indent);
        let mut text = String::new();
        write_docs_and_attributes(&pad, &self.docs, &self.attributes, &mut text)?;
        text.push_str(&fitting(format!(
            "{pad}{},",
            declaration_text(&self.body)?
        ))?);
        Some(text)
    }
}

/// The doc comment's lines and the attributes, one per line, as the formatter prints them.
pub(super) fn write_docs_and_attributes(
    pad: &str,
    doc: &str,
    attributes: &[TokenStream],
    text: &mut String,
) -> Option<()> {
    for line in docs::lines(doc) {
        text.push_str(pad);
        text.push_str("///");
        text.push_str(&line);
        text.push('\n');
    }
    for attribute in attributes {
        text.push_str(&fitting(format!("{pad}#[{}]", attribute_text(attribute)?))?);
    }
    Some(())
}
