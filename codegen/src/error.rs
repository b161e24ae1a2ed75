use std::fmt;
use std::path::PathBuf;

/// A mistake in the spec, located at a file, line and column, with the field path inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file, as given to the loader.
    pub file: PathBuf,
    /// 1-based line, or 0 when the mistake concerns the whole file.
    pub line: u32,
    /// 1-based column, or 0 when unknown.
    pub column: u32,
    /// Where in the document, such as `endpoint.request.fields[status].type`.
    pub field: String,
    /// What is wrong, and what is allowed.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)?;
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every mistake found in a spec; loading reports them all at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

/// What can go wrong when generating or checking the client.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// The spec is invalid.
    #[error("invalid spec:\n{0}")]
    Spec(#[from] SpecErrors),
    /// A file could not be read or written.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The generated crate's manifest cannot take the group features.
    #[error("{path}: {message}")]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong, and what to add.
        message: String,
    },
    /// Emitted tokens did not form valid Rust: a bug in the generator, not in the spec.
    #[error("internal error: generated {file} is not valid Rust: {message}")]
    InvalidOutput {
        /// The generated file.
        file: String,
        /// The parser's message.
        message: String,
    },
}
