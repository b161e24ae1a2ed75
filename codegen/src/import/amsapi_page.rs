//! The payments ("amsapi") layout: `Endpoint:` with the full URL (or, for a call AlipayHK makes
//! to the merchant, a path alone), JSON samples, numbered `No. | Field | Description |`
//! tables whose description starts with `MANDATORY String (64)`, and result codes as
//! `No. | resultCode | resultStatus | resultMessage |`.
//!
//! The grammar is written down in `spec/README.md` ("Importing a page").

use super::ImportError;
use super::code_rows::{cells, read_code_row, starts_row};
use super::page_lines::{AtLine, Incomplete, Unmapped, text_lines};
use super::page_model::Page;
use super::params::{Marker, Param, bare_param, is_param_name, push_new};
use super::samples::{add_sample_fields, json_samples};

/// The numbered sections of the layout, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Title,
    Overview,
    Sample,
    Structure,
    Request,
    Response,
    Codes,
}

fn part_of(line: &str) -> Option<Part> {
    let heading = line.trim_end_matches('s');
    match heading {
        "1. Overview" => Some(Part::Overview),
        "2. Sample" => Some(Part::Sample),
        "3. Structure" => Some(Part::Structure),
        "3.1 Request" => Some(Part::Request),
        "3.2 Response" => Some(Part::Response),
        "4. Result code" | "4. Result/Error code" => Some(Part::Codes),
        _ => None,
    }
}

/// Reads a page in the payments layout.
pub(super) fn read_amsapi_page(text: &str) -> Result<Page, ImportError> {
    let lines = text_lines(text)?;
    let (title_line, title) = lines[0];
    let mut page = Page::titled(title, title_line);
    let mut part = Part::Title;
    let mut spans: Vec<(Part, usize, usize)> = Vec::new();
    for (index, &(number, line)) in lines.iter().enumerate().skip(1) {
        if let Some(next) = part_of(line) {
            if next <= part {
                return Err(ImportError::new(
                    number,
                    format!("`{line}` comes out of order: the page's sections are numbered 1 to 4"),
                ));
            }
            if let Some(last) = spans.last_mut() {
                last.2 = index;
            }
            spans.push((next, index, lines.len()));
            part = next;
        } else if part == Part::Title {
            page.unmapped.push(Unmapped {
                line: number,
                text: line.to_owned(),
                reason: "before the first section",
            });
        }
    }
    let last_line = lines.last().map_or(1, |l| l.0);
    // Each part's lines, its heading first.
    let span = |wanted: Part| {
        spans
            .iter()
            .find(|s| s.0 == wanted)
            .map(|s| &lines[s.1..s.2])
    };
    let body = |wanted: Part| span(wanted).map(|lines| &lines[1..]);
    for &(number, line) in body(Part::Overview).unwrap_or_default() {
        match line.strip_prefix("Endpoint:").map(str::trim) {
            Some(endpoint) if page.route.is_none() => {
                let path = endpoint_path(endpoint).ok_or_else(|| {
                    ImportError::new(number, format!("`{endpoint}` is not a URL or a path"))
                })?;
                page.inbound = !endpoint.starts_with("https://");
                page.route = Some(AtLine {
                    value: ("POST".to_owned(), path),
                    line: number,
                });
            }
            _ => page.unmapped.push(Unmapped {
                line: number,
                text: line.to_owned(),
                reason: "the overview's prose, which the endpoint's description holds",
            }),
        }
    }
    let Some(request) = span(Part::Request) else {
        return Err(ImportError::new(
            last_line,
            "the page has no `3.1 Request` table: it is not an AlipayHK payments page, or it was cut before its structure",
        ));
    };
    page.request = read_table(request, "3.1 Request", &mut page)?;
    match span(Part::Response) {
        Some(rows) => page.response = read_table(rows, "3.2 Response", &mut page)?,
        None => page.incomplete.push(Incomplete {
            line: last_line,
            missing: "the page ends before its `3.2 Response` table".to_owned(),
        }),
    }
    let samples = json_samples(body(Part::Sample).unwrap_or_default(), &mut page.unmapped);
    if let Some(sample) = samples.first() {
        add_sample_fields(&mut page.request, sample);
    }
    if let Some(sample) = samples.get(1) {
        add_sample_fields(&mut page.response, sample);
    }
    match body(Part::Codes) {
        Some(rows) => {
            for index in 0..rows.len() {
                let (row, unmapped) = read_code_row(rows, index, &page.codes)?;
                page.codes.extend(row);
                page.unmapped.extend(unmapped);
            }
            if page.codes.is_empty() {
                page.incomplete.push(Incomplete {
                    line: last_line,
                    missing: "the `4. Result code` table has no rows".to_owned(),
                });
            }
        }
        None if !page.inbound => page.incomplete.push(Incomplete {
            line: last_line,
            missing: "the page ends before its `4. Result code` table".to_owned(),
        }),
        None => {}
    }
    page.unmapped.sort_by_key(|u| u.line);
    Ok(page)
}

/// `https://open.alipay.hk/aps/api/...` → `/aps/api/...`; a bare `/v1/...` stays.
fn endpoint_path(endpoint: &str) -> Option<String> {
    let path = match endpoint.strip_prefix("https://") {
        Some(rest) => &rest[rest.find('/')?..],
        None => endpoint,
    };
    (path.starts_with('/') && !path.contains(char::is_whitespace) && !path.contains('?'))
        .then(|| path.to_owned())
}

/// A numbered table under its heading (`rows[0]`): `No. | Field | Description |`, then
/// `N | name | MANDATORY Type (len) prose |`. A row may run over lines; one the page stops
/// inside is read as far as it goes.
fn read_table(
    rows: &[(usize, &str)],
    table: &str,
    page: &mut Page,
) -> Result<Vec<Param>, ImportError> {
    let mut params: Vec<Param> = Vec::new();
    let mut index = 1;
    while index < rows.len() {
        let (number, first) = rows[index];
        index += 1;
        if first == "No. | Field | Description |" {
            continue;
        }
        let mut row = first.to_owned();
        while !row.ends_with('|') && index < rows.len() && !starts_row(rows[index].1) {
            row.push(' ');
            row.push_str(rows[index].1);
            index += 1;
        }
        let complete = row.ends_with('|');
        if !complete {
            if index < rows.len() {
                return Err(ImportError::new(
                    number,
                    format!("a row of `{table}` that never ends with `|`"),
                ));
            }
            page.incomplete.push(Incomplete {
                line: rows[index - 1].0,
                missing: format!("the `{table}` table stops inside the row at line {number}"),
            });
            row.push('|');
        }
        let cells = cells(&row).unwrap_or_default();
        if !complete && cells.len() < 3 {
            // Cut before its description: nothing to read but a fragment of a name.
            continue;
        }
        let [no, name, description] = cells.as_slice() else {
            return Err(ImportError::new(
                number,
                format!(
                    "a row of `{table}` has {} cells, expected 3 (No. | Field | Description)",
                    cells.len()
                ),
            ));
        };
        if !no.bytes().all(|b| b.is_ascii_digit()) || no.is_empty() {
            page.unmapped.push(Unmapped {
                line: number,
                text: first.to_owned(),
                reason: "in a parameter table, and not a numbered row",
            });
            continue;
        }
        let param = row_param(number, name, description)?;
        push_new(&mut params, param, number)?;
    }
    if params.is_empty() && page.incomplete.iter().all(|i| !i.missing.contains(table)) {
        page.incomplete.push(Incomplete {
            line: rows.last().map_or(1, |r| r.0),
            missing: format!("the `{table}` table has no rows"),
        });
    }
    Ok(params)
}

/// `MANDATORY String (64) The unique ID...` (also `Required`, `Optional`, `CONDITIONAL`, and
/// the marker run into the type: `RequiredString (512)`).
fn row_param(number: usize, name: &str, description: &str) -> Result<Param, ImportError> {
    if !is_param_name(name) {
        return Err(ImportError::new(
            number,
            format!("`{name}` is not a parameter name (letters, digits and `_`)"),
        ));
    }
    let upper = description.to_ascii_uppercase();
    let (marker, rest) = [
        ("MANDATORY", Marker::Required),
        ("REQUIRED", Marker::Required),
        ("OPTIONAL", Marker::Optional),
        ("CONDITIONAL", Marker::Conditional),
    ]
    .into_iter()
    .find(|(word, _)| upper.starts_with(word))
    .map(|(word, marker)| (marker, description[word.len()..].trim_start()))
    .ok_or_else(|| {
        ImportError::new(
            number,
            format!(
                "the description of `{name}` does not start with MANDATORY, OPTIONAL or CONDITIONAL"
            ),
        )
    })?;
    let (ty, rest) = rest.split_once(' ').unwrap_or((rest, ""));
    let ty = match ty {
        "String" | "string" => "string".to_owned(),
        "Integer" | "Long" => "integer".to_owned(),
        "Boolean" => "boolean".to_owned(),
        "Number" => "number".to_owned(),
        _ if ty.starts_with("Array<") || ty.starts_with("List<") => "array".to_owned(),
        _ if ty.starts_with(|c: char| c.is_ascii_uppercase())
            && ty.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            ty.to_owned()
        }
        _ => {
            return Err(ImportError::new(
                number,
                format!(
                    "`{ty}` is not a type (String, Integer, Boolean, Number, or a type name such as `Amount`)"
                ),
            ));
        }
    };
    let mut param = bare_param(name, number, &ty, marker);
    let mut prose = rest.trim();
    if let Some(length) = prose
        .strip_prefix('(')
        .and_then(|r| r.split_once(')'))
        .and_then(|(n, after)| Some((n.trim().parse::<u64>().ok()?, after)))
    {
        param.max_length = Some(AtLine {
            value: length.0,
            line: number,
        });
        prose = length.1.trim();
    }
    param.description = prose.to_owned();
    param.required_when = required_when(prose).map(|value| AtLine {
        value,
        line: number,
    });
    Ok(param)
}

/// `Required when paymentResult.resultStatus is S.` in a description: the field it depends on
/// (a dotted path into an object) and the value.
fn required_when(prose: &str) -> Option<(String, String)> {
    let (_, rest) = prose.split_once("Required when ")?;
    let (field, rest) = rest.split_once(" is ")?;
    let value = rest
        .split_whitespace()
        .next()?
        .trim_end_matches(['.', ',', ';']);
    let field_ok = field
        .split('.')
        .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()));
    (field_ok && !value.is_empty()).then(|| (field.to_owned(), value.to_owned()))
}
