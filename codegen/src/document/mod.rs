//! The spec as documents (named apart from the repository's `spec/` folder, which holds the YAML):
//! [`raw`] documents that keep every value's location, read from YAML by
//! [`load_dir`] (feature `yaml`) or built from Rust syntax by [`crate::attribute`].

#[cfg(feature = "yaml")]
mod load;
mod located;
pub mod raw;
mod source;

#[cfg(feature = "yaml")]
pub use load::load_dir;
pub use source::{SourceFile, SpecSources};
