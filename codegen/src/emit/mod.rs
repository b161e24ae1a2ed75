//! Emits Rust from the checked model: tokens with `quote`, formatted by `prettyplease`.
//!
//! Nothing here re-checks the spec; anything the model holds is emitted as is.

mod crate_root;
mod declarations;
mod docs;
mod endpoint;
mod enums;
mod example;
mod features;
mod held;
mod identifier;
mod methods;
mod object;
mod platform;
mod statements;
mod token_text;
mod type_paths;
mod validate;
mod webhooks;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::ToTokens;

use crate::document::SourceFile;
use crate::error::CodegenError;
use crate::model::{Api, EndpointDef, Flow};

pub use crate_root::shared_items;
pub use endpoint::endpoint_items;
pub use features::{FEATURES_BEGIN, FEATURES_END, features_block};

/// Where generated code finds the runtime crate.
#[derive(Clone)]
pub struct EmitOptions {
    /// Path to `alipayhk-runtime`, such as `alipayhk_runtime` or `::alipayhk::runtime`.
    pub runtime: syn::Path,
    /// Path to `serde` when the using crate does not depend on it directly, such as
    /// `::alipayhk::runtime::serde`; `None` uses the crate's own `serde`.
    pub serde_crate: Option<String>,
}

impl std::fmt::Debug for EmitOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let runtime = &self.runtime;
        f.debug_struct("EmitOptions")
            .field("runtime", &quote::quote!(#runtime).to_string())
            .field("serde_crate", &self.serde_crate)
            .finish()
    }
}

impl Default for EmitOptions {
    fn default() -> Self {
        Self {
            runtime: syn::parse_quote!(alipayhk_runtime),
            serde_crate: None,
        }
    }
}

/// Parses a path such as `::alipayhk::runtime` for [`EmitOptions::runtime`]; a path that
/// does not parse falls back to `alipayhk_runtime`.
pub fn runtime_path(path: &str) -> syn::Path {
    syn::parse_str(path).unwrap_or_else(|_| syn::parse_quote!(alipayhk_runtime))
}

/// Every generated file, keyed by its path relative to the output directory.
pub type GeneratedFiles = BTreeMap<String, String>;

/// Generates the whole client crate source (`lib.rs`, `headers.rs`, `types.rs`, one module
/// per endpoint).
pub fn generate(api: &Api, options: &EmitOptions) -> Result<GeneratedFiles, CodegenError> {
    // The crate-wide files first: they grow with the spec too (a module, re-exports and a
    // route per endpoint), and a worker that takes one early does not finish last.
    let mut jobs = vec![Job::Lib, Job::Platform, Job::Headers];
    if api.has_shared_items() {
        jobs.push(Job::Types);
    }
    if api.endpoints.values().any(|e| e.flow == Flow::Inbound) {
        jobs.push(Job::Webhooks);
    }
    jobs.extend(api.endpoints.values().map(Job::Endpoint));
    render_all(api, options, &jobs)
}

/// One generated file.
enum Job<'a> {
    Lib,
    Headers,
    Types,
    Platform,
    Webhooks,
    Endpoint(&'a EndpointDef),
}

impl Job<'_> {
    /// The file's name and text.
    fn render(&self, api: &Api, options: &EmitOptions) -> Result<(String, String), CodegenError> {
        let all_sources = || api.spec_files();
        let ((name, sources, tokens), held) = held::held_back(|| match self {
            Self::Lib => (
                "lib.rs".to_owned(),
                all_sources(),
                crate_root::lib_rs(api, options),
            ),
            Self::Headers => (
                "headers.rs".to_owned(),
                vec![&api.source],
                crate_root::headers_rs(api, options),
            ),
            Self::Types => (
                "types.rs".to_owned(),
                vec![&api.source],
                crate_root::types_rs(api, options),
            ),
            Self::Platform => (
                "platform.rs".to_owned(),
                all_sources(),
                platform::platform_rs(api, options),
            ),
            Self::Webhooks => (
                "webhooks.rs".to_owned(),
                all_sources(),
                webhooks::webhooks_rs(api, options),
            ),
            Self::Endpoint(endpoint) => (
                format!("{}.rs", endpoint.module),
                vec![&endpoint.source],
                endpoint::module_file(api, endpoint, options),
            ),
        });
        let text = render(&name, &sources, tokens, &held)?;
        Ok((name, text))
    }
}

/// Renders every job on every core: the files are independent, and building, parsing and
/// printing their tokens is nearly all of a large spec's generation time. Each worker takes
/// the next job until none is left, so one large file does not hold the others up. Token
/// streams are not `Send`, so each worker builds its own options and tokens and hands back
/// only text; the map the files are collected into keeps the output order, so it is the same
/// bytes on any machine.
fn render_all(
    api: &Api,
    options: &EmitOptions,
    jobs: &[Job],
) -> Result<GeneratedFiles, CodegenError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(jobs.len().div_ceil(16).max(1));
    let runtime = options.runtime.to_token_stream().to_string();
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let (runtime, serde_crate) = (runtime.clone(), options.serde_crate.clone());
                let next = &next;
                scope.spawn(move || -> Result<Vec<(String, String)>, CodegenError> {
                    let options = EmitOptions {
                        runtime: runtime_path(&runtime),
                        serde_crate,
                    };
                    let mut files = Vec::new();
                    loop {
                        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(job) = jobs.get(index) else {
                            return Ok(files);
                        };
                        files.push(job.render(api, &options)?);
                    }
                })
            })
            .collect();
        let mut files = GeneratedFiles::new();
        for worker in workers {
            let rendered = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            files.extend(rendered);
        }
        Ok(files)
    })
}

/// Formats tokens as a file with a header naming its sources and their SHA-256, and puts
/// back the text held back from the tokens.
fn render(
    file: &str,
    sources: &[&SourceFile],
    tokens: TokenStream,
    held: &held::Held,
) -> Result<String, CodegenError> {
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| CodegenError::InvalidOutput {
        file: file.to_owned(),
        message: e.to_string(),
    })?;
    let mut out = String::from(
        "// @generated by alipayhk-codegen. Do not edit by hand: change the spec, then run\n// `cargo run -p alipayhk-codegen -- generate`.\n",
    );
    for source in sources {
        out.push_str(&format!(
            "// Source: spec/{} (sha256 {})\n",
            source.relative, source.sha256
        ));
    }
    out.push('\n');
    let restored = held::restore(&prettyplease::unparse(&parsed), held).map_err(|message| {
        CodegenError::InvalidOutput {
            file: file.to_owned(),
            message,
        }
    })?;
    out.push_str(&space_items(&restored));
    Ok(out)
}

/// Puts a blank line between items, which `prettyplease` runs together: after a closing
/// brace followed by an item at the same indentation, after a top-level `;` (keeping runs of
/// `use` together), and after the inner docs.
fn space_items(source: &str) -> String {
    const ITEM_STARTS: &[&str] = &[
        "///", "#[", "pub ", "fn ", "impl", "use ", "const ", "enum ", "struct ", "mod ",
    ];
    let is_use = |line: &str| line.starts_with("use ") || line.starts_with("pub use ");
    let mut out = String::with_capacity(source.len() + source.len() / 16);
    // The previous line, its text after the indentation, and the indentation's width.
    let mut previous: Option<(&str, &str, usize)> = None;
    for line in source.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some((prev, prev_trimmed, prev_indent)) = previous {
            let same_level = indent == prev_indent;
            let starts_item = ITEM_STARTS.iter().any(|start| trimmed.starts_with(start));
            let ends_item = !prev_trimmed.starts_with("//")
                && (prev_trimmed == "}"
                    || (indent == 0
                        && prev_trimmed.ends_with(';')
                        && !(is_use(prev) && is_use(line))));
            let after_inner_docs = prev.starts_with("//!") && !line.starts_with("//!");
            if after_inner_docs || (starts_item && same_level && ends_item) {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some((line, trimmed, indent));
    }
    out
}
