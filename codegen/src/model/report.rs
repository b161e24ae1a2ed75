//! Where the model builder's checks put their findings: one file's errors, each with the
//! line and column the mistake was written at. A leaf every check imports.

use std::path::Path;

use crate::document::raw::{Located, Position};
use crate::error::SpecError;

/// Collects errors for one file.
pub(super) struct Reporter<'a> {
    pub(super) file: &'a Path,
    pub(super) errors: &'a mut Vec<SpecError>,
}

impl Reporter<'_> {
    /// Records `message` about `field`, at the place `at` was written.
    pub(super) fn error<T>(&mut self, at: &Located<T>, field: &str, message: impl Into<String>) {
        self.error_at(at.at, field, message);
    }

    /// Records `message` about `field`, at `location`.
    pub(super) fn error_at(&mut self, location: Position, field: &str, message: impl Into<String>) {
        self.errors.push(SpecError {
            file: self.file.to_path_buf(),
            line: location.line,
            column: location.column,
            field: field.to_owned(),
            message: message.into(),
        });
    }
}
