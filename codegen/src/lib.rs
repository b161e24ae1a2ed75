//! Generates the typed AlipayHK Open API client from a YAML spec: `api.yaml` plus one file
//! per endpoint under `endpoints/`. It is what writes the `alipayhk` crate, and what writes a
//! merchant's own endpoints into their crate from a build script.
//!
//! # In a build script
//!
//! A crate with endpoints of its own keeps their spec beside its `Cargo.toml` and generates
//! one module into `OUT_DIR`, regenerated whenever a spec file changes; a mistake in the spec
//! fails the build at its file, line and column. The crate depends on `alipayhk`, and on
//! `alipayhk-codegen` as a build dependency.
//!
//! ```no_run
//! // build.rs, in `fn main`:
//! alipayhk_codegen::Builder::new().spec_dir("spec").compile();
//! ```
//!
//! ```ignore
//! // src/lib.rs: at the crate root, so the modules' docs and `super::` paths resolve.
//! include!(concat!(env!("OUT_DIR"), "/alipayhk_spec.rs"));
//! ```
//!
//! [`EmitOptions`] says where the generated code finds the runtime, when the crate depends on
//! `alipayhk-runtime` itself rather than on `alipayhk`.
//!
//! # A whole client crate
//!
//! [`generate`] gives every source file of a client crate such as `alipayhk`; [`check`] lists
//! how the files on disk differ from them, and [`write`](fn@write) brings the disk up to date:
//!
//! ```no_run
//! use std::path::Path;
//!
//! let files = alipayhk_codegen::generate(Path::new("spec"))?;
//! for drift in alipayhk_codegen::check(Path::new("generated/src"), &files)? {
//!     println!("{drift}");
//! }
//! alipayhk_codegen::write(Path::new("generated/src"), &files)?;
//! # Ok::<(), alipayhk_codegen::Error>(())
//! ```
//!
//! The repository does this with `cargo run -p alipayhk-codegen -- generate` (and `check`).
//!
//! # Errors
//!
//! Everything fails with one [`Error`]. A spec with mistakes is [`Error::Spec`], which holds
//! every mistake found, each a [`SpecError`] printed as `file:line:column: field: message`.
//!
//! # Features
//!
//! - `yaml`: reading spec files, for [`Builder`] and [`generate`].
//! - `cli` (default): the `alipayhk-codegen` command, with `yaml` and `openapi`.
//! - `openapi`: the command's OpenAPI 3.1 export.
//!
//! The `#[alipayhk::endpoint]` attribute (crate `alipayhk-macros`) uses this crate without
//! features: it reads a Rust struct instead of YAML, and the rest is shared.
//!
//! # How it works
//!
//! Three stages, none reaching back: `document` reads the YAML into documents that keep each
//! value's line and column; `model` checks them and builds the model, reporting every mistake
//! at once; `emit` turns the model into Rust, laid out by the crate's own printer
//! (`emit/syntax/printer.rs`), which keeps the same input to the same bytes. `attribute` is the
//! second front door into `model`. The repository's `docs/generator.md` tells more.

// Without `yaml` only the attribute's path through the crate is reached: the spec reader and
// the whole-crate emitters are compiled but unused. Dead code is found in the `yaml` build.
#![cfg_attr(not(feature = "yaml"), allow(dead_code))]

mod attribute;
#[cfg(feature = "yaml")]
mod builder;
#[cfg(feature = "cli")]
mod cli;
mod describe;
mod document;
mod emit;
mod error;
#[cfg(feature = "cli")]
mod import;
mod model;
#[cfg(feature = "openapi")]
mod openapi;
mod output;
#[cfg(test)]
mod tests;

#[cfg(feature = "yaml")]
use std::path::Path;

#[cfg(feature = "yaml")]
pub use builder::Builder;
pub use emit::{EmitOptions, GeneratedFiles};
pub use error::{Error, SpecError};
pub use output::{Drift, check, write};

/// Reads and checks the spec under `spec_dir` and generates every source file of the client
/// crate: `lib.rs`, the routers, the shared types and one module per endpoint, keyed by file
/// name. The code names the runtime as `alipayhk_runtime` ([`EmitOptions::runtime_crate`]).
#[cfg(feature = "yaml")]
pub fn generate(spec_dir: &Path) -> Result<GeneratedFiles, Error> {
    let api = load(spec_dir)?;
    Ok(emit::generate(&api, &EmitOptions::runtime_crate()))
}

/// Reads and checks the spec under `dir`.
#[cfg(feature = "yaml")]
fn load(dir: &Path) -> Result<model::Api, Error> {
    let sources = document::load_dir(dir)?;
    Ok(model::build(&sources)?)
}

/// Not API: what the workspace's own crates need (the attribute macros, the `alipayhk-codegen`
/// binary and the workspace's tests), and a merchant does not. It changes without notice.
#[doc(hidden)]
pub mod __private {
    use proc_macro2::TokenStream;

    use crate::model::ObjectRole;

    /// `#[alipayhk::endpoint(args)]` on `item`.
    pub fn endpoint(args: TokenStream, item: TokenStream) -> TokenStream {
        crate::attribute::endpoint(args, item)
    }

    /// `#[alipayhk::object]` on `item`.
    pub fn object(args: TokenStream, item: TokenStream) -> TokenStream {
        crate::attribute::object(args, item, ObjectRole::Request)
    }

    /// `#[alipayhk::response]` on `item`.
    pub fn response(args: TokenStream, item: TokenStream) -> TokenStream {
        crate::attribute::object(args, item, ObjectRole::Response)
    }

    /// The `alipayhk-codegen` command.
    #[cfg(feature = "cli")]
    pub fn cli_main() -> std::process::ExitCode {
        crate::cli::main()
    }

    /// The spec under `spec_dir` as an OpenAPI 3.1 document.
    #[cfg(feature = "openapi")]
    pub fn openapi(spec_dir: &std::path::Path) -> Result<serde_json::Value, crate::Error> {
        Ok(crate::openapi::document(&crate::load(spec_dir)?))
    }

    /// The request and response samples the spec under `spec_dir` gives for `endpoint` (its
    /// name, such as `updatePass`), each checked against the fields when the spec was read;
    /// `None` where it gives none.
    #[cfg(feature = "yaml")]
    pub fn samples(
        spec_dir: &std::path::Path,
        endpoint: &str,
    ) -> Result<(Option<String>, Option<String>), crate::Error> {
        let api = crate::load(spec_dir)?;
        Ok(api.endpoints.get(endpoint).map_or((None, None), |e| {
            (e.request_sample.clone(), e.response_sample.clone())
        }))
    }
}
