//! The third front door: an AlipayHK API page, in the text form of `spec/README.md`'s
//! "Importing a page", read into an endpoint file of the spec ([`import`]), or compared with
//! one ([`diff`], the "docs changed" check).
//!
//! `page` reads the membership-card and short layouts, `amsapi_page` the payments layout and
//! `promotion_page` the promotion (cashless voucher) layout, all into one `Page` (`page_model`; `page_lines` holds what the readers share, `code_rows` the
//! result-code rows, `params` the parameter blocks, `samples` the JSON samples);
//! `endpoint_yaml` writes the endpoint file, and `diff` compares a page with a spec file.

mod amsapi_page;
mod code_rows;
mod diff;
mod endpoint_yaml;
mod page;
mod page_lines;
mod page_model;
pub(crate) mod params;
mod promotion_page;
mod samples;

use std::fmt;
use std::path::Path;

pub(crate) use diff::{Difference, Place};
pub(crate) use page::read_page;
pub(crate) use page_lines::{Incomplete, Unmapped};
pub(crate) use page_model::Page;

use crate::Error;

/// A page that cannot be read, at the line that shows it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) struct ImportError {
    /// The 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl ImportError {
    pub(crate) fn new(line: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// What the page does not say, and how to cite it.
#[derive(Debug, Clone, Default)]
pub(crate) struct ImportOptions {
    /// The endpoint's name, when the page's path does not give it.
    pub name: Option<String>,
    /// The endpoint's path, when the page states none.
    pub path: Option<String>,
    /// The page's id in `api.yaml`'s `sources:`, which every item cites.
    pub source_id: String,
    /// The page's address, for `docs_url` and the `sources:` entry.
    pub url: Option<String>,
    /// The endpoint group (`api.groups`); a page does not say, and without one the endpoint
    /// joins `api.default_group`.
    pub group: Option<String>,
}

/// An imported page: the endpoint file, and the lines that map to no item.
#[derive(Debug, Clone)]
pub(crate) struct Imported {
    /// The endpoint file, in the spec's YAML format.
    pub yaml: String,
    /// Lines of the page that map to no item of the spec, with why.
    pub unmapped: Vec<Unmapped>,
    /// Where the page stops before its end, and what it lacks: the file holds what it has.
    pub incomplete: Vec<Incomplete>,
}

/// Reads a page and writes it as an endpoint file.
pub(crate) fn import(text: &str, options: &ImportOptions) -> Result<Imported, ImportError> {
    let page = read_page(text)?;
    let mut unmapped = page.unmapped.clone();
    let yaml = endpoint_yaml::endpoint_yaml(&page, options, &mut unmapped)?;
    unmapped.sort_by_key(|u| u.line);
    Ok(Imported {
        yaml,
        unmapped,
        incomplete: page.incomplete,
    })
}

/// What `diff` compares: the page, read, and how the spec names it.
#[derive(Debug)]
pub(crate) struct Comparison {
    /// The page, read.
    pub page: Page,
    /// The page's id in `sources:`.
    pub page_id: String,
    /// The differences; empty when the spec agrees with every fact of the page.
    pub differences: Vec<Difference>,
}

/// The errors of a comparison: the page cannot be read, or the spec cannot.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DiffError {
    /// The page.
    #[error("{0}")]
    Page(ImportError),
    /// The spec.
    #[error(transparent)]
    Spec(#[from] Error),
    /// Which page the spec file cites cannot be told.
    #[error("{0}")]
    Source(String),
}

/// Compares the endpoint file `spec_file` (in a spec directory, beside `../api.yaml`) with
/// `page_text`. The page's id is `page_id`, or else the source whose URL is the file's
/// `docs_url`.
pub(crate) fn diff(
    spec_file: &Path,
    page_text: &str,
    page_id: Option<&str>,
) -> Result<Comparison, DiffError> {
    let page = read_page(page_text).map_err(DiffError::Page)?;
    let spec_dir = spec_file.parent().and_then(Path::parent).ok_or_else(|| {
        DiffError::Source(format!(
            "{} is not in a spec directory's endpoints/",
            spec_file.display()
        ))
    })?;
    let sources = crate::document::load_dir(spec_dir)?;
    let wanted = std::fs::canonicalize(spec_file).map_err(|source| Error::Io {
        action: "reading spec file",
        path: spec_file.to_path_buf(),
        source,
    })?;
    let (_, doc) = sources
        .endpoints
        .iter()
        .find(|(file, _)| std::fs::canonicalize(&file.path).is_ok_and(|p| p == wanted))
        .ok_or_else(|| {
            DiffError::Source(format!(
                "{} is not under {}/endpoints",
                spec_file.display(),
                spec_dir.display()
            ))
        })?;
    let api = &sources.api.1;
    let page_id = match page_id {
        Some(id) => id.to_owned(),
        None => {
            let url = doc.endpoint.docs_url.as_deref().unwrap_or_default();
            api.sources
                .iter()
                .find(|s| s.url.value == url)
                .map(|s| s.id.value.clone())
                .ok_or_else(|| {
                    DiffError::Source(format!(
                        "no source in api.yaml has the docs_url of {} ({url:?}): give --source",
                        spec_file.display()
                    ))
                })?
        }
    };
    let differences = diff::differences(&page, &doc.endpoint, api, &page_id);
    Ok(Comparison {
        page,
        page_id,
        differences,
    })
}
