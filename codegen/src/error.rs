use std::fmt;
use std::path::PathBuf;

/// What can go wrong when generating or checking the client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The spec is invalid: every mistake found, each located at its file, line and column.
    #[error("invalid spec:\n{}", lines(.0))]
    Spec(Vec<SpecError>),
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
    /// An option was given a value it cannot take, such as a crate name that is not a Rust
    /// identifier.
    #[error("invalid {option} {value:?}: {message}")]
    InvalidOption {
        /// The option, such as `crate name`.
        option: &'static str,
        /// The value given.
        value: String,
        /// What is allowed.
        message: &'static str,
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

impl std::error::Error for SpecError {}

/// Every mistake found in a spec, as the checks inside the crate collect them; outside it
/// they are [`Error::Spec`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SpecErrors(pub(crate) Vec<SpecError>);

impl From<SpecErrors> for Error {
    fn from(errors: SpecErrors) -> Self {
        Self::Spec(errors.0)
    }
}

/// The mistakes, one a line.
fn lines(errors: &[SpecError]) -> String {
    let lines: Vec<String> = errors.iter().map(SpecError::to_string).collect();
    lines.join("\n")
}
