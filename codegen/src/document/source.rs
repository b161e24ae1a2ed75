//! Spec documents as read, and where each came from.

use super::raw::{ApiDocument, EndpointDocument};

/// A spec file as read: where it came from and what it hashes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceFile {
    /// The path as read from disk (used in error messages).
    pub path: std::path::PathBuf,
    /// The path relative to the spec directory, with `/` separators (used in generated headers).
    pub relative: String,
    /// SHA-256 of the file's bytes, in lower-case hex.
    pub sha256: String,
}

/// Every spec document, parsed but not yet checked.
#[derive(Debug)]
pub(crate) struct SpecSources {
    /// `api.yaml`.
    pub api: (SourceFile, ApiDocument),
    /// `endpoints/*.yaml`, sorted by file name.
    pub endpoints: Vec<(SourceFile, EndpointDocument)>,
}
