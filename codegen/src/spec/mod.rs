//! The YAML front door: reads spec files into [`raw`] documents that keep every location.

pub mod load;
pub mod raw;

pub use load::{SourceFile, SpecSources, load_dir};
