//! What the page readers share: a value with its line, a line that maps to nothing, where a
//! page stops short, and the headings of the parts of a page the text form does not carry.

/// A value and the 1-based line it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct AtLine<T> {
    /// The value.
    pub value: T,
    /// Its line in the page.
    pub line: usize,
}

/// A line that maps to no item of the spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmapped {
    /// Its line.
    pub line: usize,
    /// The text.
    pub text: String,
    /// Why it maps to nothing.
    pub reason: &'static str,
}

/// Headings of the interactive parts of a page (samples, the API explorer), which the text
/// form does not carry.
pub const SAMPLE_HEADINGS: &[&str] = &[
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
pub struct Incomplete {
    /// The last line the page has there.
    pub line: usize,
    /// What is missing.
    pub missing: String,
}
