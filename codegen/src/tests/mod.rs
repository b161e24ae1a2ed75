//! Tests of the whole generator on the repository's specs and fixtures (`spec/`,
//! `tests/kitchen-sink/spec/`, `codegen/tests/pages/`), reached from `CARGO_MANIFEST_DIR`.
//! They are unit tests because they read the model and the importer's results, which are not
//! API. The importer and `expand_file` come with the `cli` feature.

#[cfg(feature = "yaml")]
mod group_gates;
#[cfg(feature = "cli")]
mod import_layouts;
#[cfg(feature = "cli")]
mod import_pages;
#[cfg(feature = "cli")]
mod macro_equivalence;
#[cfg(feature = "yaml")]
mod printed_layout;
