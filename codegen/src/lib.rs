//! Generates the typed AlipayHK Open API client from a YAML spec.
//!
//! The pipeline has three stages, each in its own module, and no stage reaches back:
//!
//! 1. [`document`]: read `api.yaml` and `endpoints/*.yaml` into raw documents that keep every
//!    value's line and column;
//! 2. [`model`]: check them and build the intermediate model, reporting every mistake as
//!    `file:line:column: field: message`;
//! 3. [`emit`]: turn the model into Rust tokens, formatted by `prettyplease`.
//!
//! [`output`] writes the result atomically or compares it with what is on disk; [`attribute`]
//! is the second front door, reading `#[alipayhk::endpoint]` structs into the same documents;
//! `import` (feature `yaml`) is the third, reading an AlipayHK API page's text into an endpoint
//! file, or comparing a page with one.
//!
//! **Names.** `document` is the spec as read (not the repository's `spec/` folder); model
//! types end in `Def` (`EndpointDef`, `ObjectDef`, `EnumDef`), apart from the runtime's
//! `Endpoint` trait, and `HttpMethod` is an HTTP verb (a `Method` is only ever a Rust function); `Flow` is the YAML key `direction` (who calls whom), and `ObjectRole` says
//! whether a standalone object is sent or received. In `emit`, `syntax` is the model of
//! emitted code and its printer, `items` one file per emitted thing, and `routers` writes the
//! AlipayHK side of the API and the webhooks; in `attribute`,
//! `field_attrs` reads field attributes and `rust_types` maps Rust types back to spec types.
//!
//! ```no_run
//! use std::path::Path;
//!
//! let api = alipayhk_codegen::load(Path::new("spec"))?;
//! let files = alipayhk_codegen::emit::generate(&api, &Default::default());
//! alipayhk_codegen::output::write(Path::new("generated/src"), &files)?;
//! # Ok::<(), alipayhk_codegen::CodegenError>(())
//! ```

pub mod attribute;
#[cfg(feature = "yaml")]
mod builder;
mod describe;
pub mod document;
pub mod emit;
mod error;
#[cfg(feature = "yaml")]
pub mod import;
pub mod model;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod output;

#[cfg(feature = "yaml")]
use std::path::Path;

#[cfg(feature = "yaml")]
pub use builder::Builder;
pub use error::{CodegenError, SpecError, SpecErrors};

/// Reads and checks the spec under `dir`.
#[cfg(feature = "yaml")]
pub fn load(dir: &Path) -> Result<model::Api, CodegenError> {
    let sources = document::load_dir(dir)?;
    Ok(model::build(&sources)?)
}

/// Reads and checks the spec under `spec_dir` and generates the client crate's source files.
#[cfg(feature = "yaml")]
pub fn generate(spec_dir: &Path) -> Result<emit::GeneratedFiles, CodegenError> {
    let api = load(spec_dir)?;
    Ok(emit::generate(&api, &emit::EmitOptions::default()))
}
