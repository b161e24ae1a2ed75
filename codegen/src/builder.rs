//! Generation from a build script, as `prost-build` and `tonic-build` do it: a merchant's own
//! spec becomes one module in `OUT_DIR`, regenerated when a spec file changes.
//!
//! ```no_run
//! // build.rs, in `fn main`:
//! alipayhk_codegen::Builder::new().spec_dir("spec").compile();
//! ```
//!
//! A crate that depends on `alipayhk-runtime` (and `serde`) itself rather than on `alipayhk`
//! says so with [`EmitOptions`]:
//!
//! ```no_run
//! use alipayhk_codegen::{Builder, EmitOptions};
//!
//! Builder::new()
//!     .emit_options(EmitOptions::runtime_crate())
//!     .compile();
//! ```
//!
//! ```ignore
//! // src/lib.rs: at the crate root, so the modules' docs and `super::` paths resolve.
//! include!(concat!(env!("OUT_DIR"), "/alipayhk_spec.rs"));
//! ```

use std::path::{Path, PathBuf};

use crate::emit::{self, EmitOptions};
use crate::error::Error;

/// Generates a spec into `OUT_DIR` from a build script.
#[derive(Debug, Clone)]
pub struct Builder {
    spec_dir: PathBuf,
    file_name: String,
    options: EmitOptions,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    /// A builder for the spec in `spec/` (beside the crate's `Cargo.toml`), written to
    /// `$OUT_DIR/alipayhk_spec.rs`, against the published `alipayhk` crate's runtime.
    pub fn new() -> Self {
        Self {
            spec_dir: PathBuf::from("spec"),
            file_name: "alipayhk_spec.rs".to_owned(),
            options: EmitOptions::alipayhk(),
        }
    }

    /// The folder holding `api.yaml` and `endpoints/`.
    pub fn spec_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.spec_dir = dir.into();
        self
    }

    /// The file written in `OUT_DIR`.
    pub fn file_name(mut self, name: &str) -> Self {
        self.file_name = name.to_owned();
        self
    }

    /// Where the generated code finds the runtime and `serde`, and how wide its lines are:
    /// [`EmitOptions::through_crate`]`("alipayhk")` by default.
    pub fn emit_options(mut self, options: EmitOptions) -> Self {
        self.options = options;
        self
    }

    /// Reads and checks the spec and writes the module into `$OUT_DIR`, telling cargo to run
    /// the build script again when a spec file changes. Returns the file written.
    pub fn generate(&self) -> Result<PathBuf, Error> {
        let out_dir = std::env::var_os("OUT_DIR")
            .map(PathBuf::from)
            .ok_or_else(|| Error::Io {
                action: "finding",
                path: PathBuf::from("$OUT_DIR"),
                source: std::io::Error::other("OUT_DIR is unset: run this from a build script"),
            })?;
        // The folder first, so a file added to it re-runs the script too.
        println!("cargo:rerun-if-changed={}", self.spec_dir.display());
        for file in spec_files(&self.spec_dir) {
            println!("cargo:rerun-if-changed={}", file.display());
        }
        let api = crate::load(&self.spec_dir)?;
        let text = emit::generate_module(&api, &self.options);
        let path = out_dir.join(&self.file_name);
        std::fs::write(&path, text).map_err(|source| Error::Io {
            action: "writing",
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }

    /// For `build.rs`: [`generate`](Self::generate), or fail the build with every mistake,
    /// one `file:line:column: …` line each.
    pub fn compile(&self) {
        if let Err(error) = self.generate() {
            for line in error.to_string().lines() {
                println!("cargo::error={line}");
            }
            eprintln!("{error}");
            std::process::exit(1);
        }
    }
}

/// The YAML files under `dir`, in a stable order.
fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
