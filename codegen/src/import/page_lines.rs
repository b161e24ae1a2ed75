//! What the page readers share: a value with its line, a line that maps to nothing, where a
//! page stops short, and the headings of the parts of a page the text form does not carry.

use super::ImportError;

/// The page's lines that hold text, trimmed, with their 1-based numbers; the first is the
/// title. An error for a page with none.
pub(super) fn text_lines(text: &str) -> Result<Vec<(usize, &str)>, ImportError> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return Err(ImportError::new(1, "the page is empty"));
    }
    Ok(lines)
}

/// A value and the 1-based line it came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AtLine<T> {
    /// The value.
    pub value: T,
    /// Its line in the page.
    pub line: usize,
}

/// A line that maps to no item of the spec.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Unmapped {
    /// Its line.
    pub line: usize,
    /// The text.
    pub text: String,
    /// Why it maps to nothing.
    pub reason: &'static str,
}

/// Headings of the interactive parts of a page (samples, the API explorer), which the text
/// form does not carry.
pub(crate) const SAMPLE_HEADINGS: &[&str] = &[
    "Request",
    "Response",
    "API Explorer",
    "Request Body",
    "Response Body",
    "Show child parameters",
    "Case",
];

/// Where a page stops before its end (the stored copy was cut), and what it lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Incomplete {
    /// The last line the page has there.
    pub line: usize,
    /// What is missing.
    pub missing: String,
}
