//! A page as read, in whichever layout: what the readers (`page`, `amsapi_page`) produce and
//! `endpoint_yaml` and `diff` consume.

use super::page_lines::{AtLine, Incomplete, Unmapped};
use super::params::Param;

/// One page, as read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Page {
    /// The title, without its number (`3. `).
    pub title: AtLine<String>,
    /// `(method, path)` from a `POST /api/...` line.
    pub route: Option<AtLine<(String, String)>>,
    /// The rows of the header tables, by table.
    pub headers: Vec<HeaderRow>,
    /// The request parameters.
    pub request: Vec<Param>,
    /// The response parameters.
    pub response: Vec<Param>,
    /// The `Code | Value | Message` rows.
    pub codes: Vec<CodeRow>,
    /// Lines that map to no item, with why.
    pub unmapped: Vec<Unmapped>,
    /// Where the page stops before its end, and what it lacks: what it has is still read.
    pub incomplete: Vec<Incomplete>,
    /// The page documents a call AlipayHK makes to the merchant (a notification).
    pub inbound: bool,
}

/// A row of a header table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HeaderRow {
    /// The table: `General Headers`, `Request-only Headers`, ...
    pub table: String,
    /// The header's name.
    pub name: String,
    /// The row's first line.
    pub line: usize,
}

/// A row of the result-code table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CodeRow {
    /// The code, such as `PARAM_ILLEGAL`.
    pub code: String,
    /// `S`, `F` or `U`.
    pub status: String,
    /// The message.
    pub message: String,
    /// Its line.
    pub line: usize,
}

impl Page {
    /// A page with its title and nothing read yet.
    pub(super) fn titled(title: &str, line: usize) -> Self {
        Self {
            title: AtLine {
                value: title.to_owned(),
                line,
            },
            route: None,
            headers: Vec::new(),
            request: Vec::new(),
            response: Vec::new(),
            codes: Vec::new(),
            unmapped: Vec::new(),
            incomplete: Vec::new(),
            inbound: false,
        }
    }
}
