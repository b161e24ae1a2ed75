//! Where the model builder's checks put their findings: one file's errors, each with the
//! line and column the mistake was written at. A leaf every check imports.

use std::collections::BTreeMap;
use std::path::Path;

use super::provenance::DocSource;
use crate::document::raw::{Located, Position};
use crate::error::SpecError;

/// Collects errors for one file.
pub(super) struct Reporter<'a> {
    pub(super) file: &'a Path,
    pub(super) errors: &'a mut Vec<SpecError>,
    /// The pages items may cite.
    pub(super) doc_sources: &'a BTreeMap<String, DocSource>,
    /// Items that name neither a source nor an inference; `None` where provenance is not
    /// asked for (the attribute front door).
    pub(super) unstated: Option<&'a mut Vec<SpecError>>,
}

impl<'a> Reporter<'a> {
    /// A reporter for `file` that does not ask for provenance.
    pub(super) fn without_provenance(
        file: &'a Path,
        errors: &'a mut Vec<SpecError>,
        doc_sources: &'a BTreeMap<String, DocSource>,
    ) -> Self {
        Self {
            file,
            errors,
            doc_sources,
            unstated: None,
        }
    }

    /// Records `message` about `field`, at the place `at` was written.
    pub(super) fn error<T>(&mut self, at: &Located<T>, field: &str, message: impl Into<String>) {
        self.error_at(at.at, field, message);
    }

    /// Records `message` about `field`, at `location`.
    pub(super) fn error_at(&mut self, location: Position, field: &str, message: impl Into<String>) {
        self.errors
            .push(self.finding(location, field, message.into()));
    }

    /// Records an item at `location` that says neither where it comes from nor why.
    pub(super) fn unstated_at(&mut self, location: Position, field: &str, what: &str) {
        let finding = self.finding(
            location,
            field,
            format!("{what} names neither a `source:` nor an `inferred:` reason"),
        );
        if let Some(unstated) = self.unstated.as_deref_mut() {
            unstated.push(finding);
        }
    }

    fn finding(&self, location: Position, field: &str, message: String) -> SpecError {
        SpecError {
            file: self.file.to_path_buf(),
            line: location.line,
            column: location.column,
            field: field.to_owned(),
            message,
        }
    }
}
