//! Identifier newtypes: a `String` on the wire, its own type in Rust, so a pass ID cannot be
//! passed where a merchant ID is expected.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::EmitOptions;
use super::docs;
use super::type_paths::serde_derives;
use crate::model::IdentifierDef;

/// The newtype with `#[serde(transparent)]` (the wire format is the bare string), built from
/// `&str` and `String`, read as `&str` (`as_str`, `Deref`) or taken back with `into_inner`.
pub(super) fn identifier(def: &IdentifierDef, options: &EmitOptions) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let described = def
        .description
        .clone()
        .unwrap_or_else(|| format!("A `{}`.", def.name));
    let doc = docs::outer(&docs::paragraphs([
        described,
        "A string on the wire. Build one from a `&str` or `String` (`\"…\".into()`); a field's \
         length limits are checked by the `validate()` of the request that holds it."
            .to_owned(),
    ]));
    let (serde_derives, serde_crate) = serde_derives(options);
    let serde_crate = serde_crate.iter();
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, #serde_derives)]
        #(#[#serde_crate])*
        #[serde(transparent)]
        pub struct #name(String);

        impl #name {
            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The identifier's `String`.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        // So an ID read from one response goes into the next request as `&id`.
        impl From<&#name> for #name {
            fn from(value: &#name) -> Self {
                value.clone()
            }
        }

        impl From<#name> for String {
            fn from(value: #name) -> Self {
                value.0
            }
        }

        // Like a string ID in any SDK: read it as `&str` (`starts_with`, `len`, `&*id`); what
        // cannot happen is building one kind of ID from another.
        impl std::ops::Deref for #name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for #name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for #name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for #name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    }
}
