//! An AlipayHK API page in its text form, read into sections: the title, the `POST /path`
//! line when the page states one, the header tables, the parameter blocks and the result-code
//! table. Every item keeps the line it came from; every line that maps to nothing is kept
//! with the reason, so nothing the page says is dropped silently.
//!
//! Two layouts share this reader: the membership-card pages (header tables, `Code | Value |
//! Message` rows) and the short pages (headers by reference to the API structure page, nested
//! objects behind `Show child parameters`, result-code cells run together). The payments
//! ("amsapi") layout has a reader of its own (`amsapi_page`), which yields the same `Page`.
//!
//! The grammar is written down in `spec/README.md` ("Importing a page").

use super::ImportError;
use super::code_rows::read_code_row;
use super::page_lines::{AtLine, Incomplete, Unmapped, text_lines};
use super::page_model::{HeaderRow, Page};
use super::params::read_params;

/// The sections of a page, in the order a page gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Preamble,
    Headers,
    Request,
    Response,
    Codes,
}

const HEADER_TABLES: &[&str] = &[
    "General Headers",
    "Request-only Headers",
    "Response-only Headers",
    "Request Headers",
    "Response Headers",
];

/// Reads a page in any of the layouts. Errors name the line: a page that is not an API page,
/// has its sections out of order or holds a line that cannot be what its place says. A page
/// cut short is read as far as it goes, and `Page::incomplete` says where it stops.
pub(crate) fn read_page(text: &str) -> Result<Page, ImportError> {
    if text
        .lines()
        .any(|l| l.trim_start().starts_with("Endpoint:"))
    {
        return super::amsapi_page::read_amsapi_page(text);
    }
    if super::promotion_page::is_promotion_page(text) {
        return super::promotion_page::read_promotion_page(text);
    }
    let lines = text_lines(text)?;
    let (title_line, title) = lines[0];
    if section_of(title).is_some() || HEADER_TABLES.contains(&title) {
        return Err(ImportError::new(
            title_line,
            format!("the page starts with `{title}`, not with its title"),
        ));
    }
    let mut page = Page::titled(strip_number(title), title_line);
    let mut section = Section::Preamble;
    let mut table = String::new();
    // Indexes into `lines` where each parameter section starts and ends.
    let mut blocks: Vec<(Section, usize, usize)> = Vec::new();
    let mut index = 1;
    while index < lines.len() {
        let (number, line) = lines[index];
        let next = if HEADER_TABLES.contains(&line) {
            Some(Section::Headers)
        } else {
            section_of(line)
        };
        if let Some(next) = next {
            if next < section || (next == section && next != Section::Headers) {
                return Err(ImportError::new(
                    number,
                    format!(
                        "`{line}` comes after the {} section: the page's sections are out of order",
                        name_of(section)
                    ),
                ));
            }
            if let Some(last) = blocks.last_mut().filter(|b| b.2 == usize::MAX) {
                last.2 = index;
            }
            section = next;
            table = line.to_owned();
            if matches!(next, Section::Request | Section::Response) {
                blocks.push((next, index + 1, usize::MAX));
            }
            index += 1;
            continue;
        }
        match section {
            Section::Preamble => match route(line) {
                Some(found) if page.route.is_none() => {
                    page.route = Some(AtLine {
                        value: found,
                        line: number,
                    });
                }
                _ => page.unmapped.push(Unmapped {
                    line: number,
                    text: line.to_owned(),
                    reason: "before the first section, and not a `POST /path` line",
                }),
            },
            Section::Headers => index = read_header_row(&lines, index, &table, &mut page)?,
            Section::Request | Section::Response => {}
            Section::Codes => {
                let (row, unmapped) = read_code_row(&lines, index, &page.codes)?;
                page.codes.extend(row);
                page.unmapped.extend(unmapped);
            }
        }
        index += 1;
    }
    if let Some(last) = blocks.last_mut().filter(|b| b.2 == usize::MAX) {
        last.2 = lines.len();
    }
    let last_line = lines.last().map_or(1, |l| l.0);
    if !blocks.iter().any(|b| b.0 == Section::Request) {
        return Err(ImportError::new(
            last_line,
            "the page has no `Request parameters` section: it is not an AlipayHK API page, or it was cut before its parameters",
        ));
    }
    // A notification page (AlipayHK calls the merchant, under a path placeholder) documents
    // what AlipayHK sends, and may list no codes for the merchant's reply.
    page.inbound = page
        .route
        .as_ref()
        .is_some_and(|r| r.value.1.starts_with("/{"));
    if section < Section::Codes && !page.inbound {
        page.incomplete.push(Incomplete {
            line: last_line,
            missing: "the page ends before its `Result/Error codes` table".to_owned(),
        });
    }
    if section == Section::Codes && page.codes.is_empty() {
        page.incomplete.push(Incomplete {
            line: last_line,
            missing: "the `Result/Error codes` table has no rows".to_owned(),
        });
    }
    for (kind, start, end) in blocks {
        let params = read_params(&lines[start..end], &mut page.unmapped)?;
        if kind == Section::Request {
            page.request = params;
        } else {
            page.response = params;
        }
    }
    page.unmapped.sort_by_key(|u| u.line);
    Ok(page)
}

fn section_of(line: &str) -> Option<Section> {
    match line {
        "Request parameters" => Some(Section::Request),
        "Response parameters" => Some(Section::Response),
        "Result/Error codes" => Some(Section::Codes),
        _ => None,
    }
}

fn name_of(section: Section) -> &'static str {
    match section {
        Section::Preamble => "title",
        Section::Headers => "header",
        Section::Request => "`Request parameters`",
        Section::Response => "`Response parameters`",
        Section::Codes => "`Result/Error codes`",
    }
}

/// `3. Update AlipayHK Membership card` → `Update AlipayHK Membership card`.
fn strip_number(title: &str) -> &str {
    match title.split_once(". ") {
        Some((number, rest)) if number.bytes().all(|b| b.is_ascii_digit()) => rest.trim(),
        _ => title,
    }
}

/// `POST /api/open/...` → `("POST", "/api/open/...")`.
fn route(line: &str) -> Option<(String, String)> {
    let (method, path) = line.split_once(' ')?;
    let method_ok = matches!(method, "GET" | "POST" | "PUT" | "DELETE");
    // Only a placeholder segment (`{Merchant's tag}`) may hold a space.
    let outside_braces: String = path
        .split('{')
        .map(|part| part.split_once('}').map_or(part, |(_, after)| after))
        .collect();
    (method_ok && path.starts_with('/') && !outside_braces.contains(char::is_whitespace))
        .then(|| (method.to_owned(), path.to_owned()))
}

/// A header-table row: `Name | Description | Type | Sample |`, possibly over several lines
/// (a description with a list). Returns the index of its last line.
fn read_header_row(
    lines: &[(usize, &str)],
    start: usize,
    table: &str,
    page: &mut Page,
) -> Result<usize, ImportError> {
    let (number, first) = lines[start];
    if first == "Name | Description | Type | Sample |" {
        return Ok(start);
    }
    if first.starts_with("Please check") {
        page.unmapped.push(Unmapped {
            line: number,
            text: first.to_owned(),
            reason: "a pointer to the protocol's common headers, which api.yaml holds",
        });
        return Ok(start);
    }
    let mut row = first.to_owned();
    let mut end = start;
    while !row.ends_with('|') {
        end += 1;
        let Some(&(_, more)) = lines.get(end) else {
            // The page stops inside the row: keep what came before it.
            page.incomplete.push(Incomplete {
                line: lines[end - 1].0,
                missing: format!("the header table `{table}` stops inside a row"),
            });
            return Ok(end - 1);
        };
        if section_of(more).is_some() || HEADER_TABLES.contains(&more) {
            return Err(ImportError::new(
                number,
                "a header row that never ends with `|` before the next section",
            ));
        }
        row.push(' ');
        row.push_str(more);
    }
    let cells = super::code_rows::cells(&row).unwrap_or_default();
    if cells.len() != 4 || cells[0].is_empty() {
        return Err(ImportError::new(
            number,
            format!(
                "a header row has {} cells, expected 4 (Name | Description | Type | Sample)",
                cells.len()
            ),
        ));
    }
    page.headers.push(HeaderRow {
        table: table.to_owned(),
        name: cells[0].clone(),
        line: number,
    });
    Ok(end)
}
