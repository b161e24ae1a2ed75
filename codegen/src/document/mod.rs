//! The spec as documents (named apart from the repository's `spec/` folder, which holds the YAML):
//! [`raw`] documents that keep every value's location, read from YAML by
//! [`load_dir`] (feature `yaml`) or built from Rust syntax by [`crate::attribute`].

mod constraint;
#[cfg(feature = "yaml")]
mod load;
mod located;
pub(crate) mod raw;
mod raw_calls;
mod source;

#[cfg(feature = "yaml")]
pub(crate) use load::load_dir;
pub(crate) use source::{SourceFile, SpecSources};
