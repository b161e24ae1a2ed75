//! The promotion layout (cashless vouchers): the function name as the title, `URL: /path`,
//! `Request parameters` and `Response parameters`, each a `Body` table
//! `No | Name | Description | Type | Length | Required | [Remarks |] Sample |` whose rows read
//! `1 | templateId | Voucher template ID | string | 64 | M | 7370… |`, and `Sample` blocks of
//! HTTP lines and JSON. A cell's bullet list is lost in the compact copies, so a row may run
//! over lines (`… Switchable status:` then `| string | 10 | M | |`). No page of the layout
//! lists result codes.
//!
//! The grammar is written down in `spec/README.md` ("Importing a page").

use super::ImportError;
use super::code_rows::{cells, starts_row};
use super::page_lines::{AtLine, Incomplete, Unmapped, text_lines};
use super::page_model::Page;
use super::params::{Marker, PageValue, Param, bare_param, is_param_name, push_new};
use super::samples::{add_sample_fields, json_samples};

/// Whether `text` is a page of this layout: a `URL:` line and a `No | Name |` table.
pub(super) fn is_promotion_page(text: &str) -> bool {
    let lines = || text.lines().map(str::trim);
    lines().any(|l| l.starts_with("URL:")) && lines().any(|l| l.starts_with("No | Name |"))
}

/// The parts of a page, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Overview,
    Request,
    Response,
}

/// Reads a page in the promotion layout.
pub(super) fn read_promotion_page(text: &str) -> Result<Page, ImportError> {
    let lines = text_lines(text)?;
    let (title_line, title) = lines[0];
    let mut page = Page::titled(title, title_line);
    let last_line = lines.last().map_or(1, |l| l.0);
    let mut part = Part::Overview;
    // Each part's table rows and sample lines.
    let mut tables: Vec<(Part, Vec<(usize, &str)>)> = Vec::new();
    let mut samples: Vec<(usize, &str)> = Vec::new();
    let mut in_sample = false;
    for &(number, line) in &lines[1..] {
        match line {
            "Request parameters" | "Response parameters" => {
                let next = if line.starts_with("Request") {
                    Part::Request
                } else {
                    Part::Response
                };
                if next <= part {
                    return Err(ImportError::new(
                        number,
                        format!("`{line}` comes out of order: requests come before responses"),
                    ));
                }
                part = next;
                in_sample = false;
                tables.push((part, Vec::new()));
                continue;
            }
            "Sample" | "copy" => {
                in_sample = true;
                continue;
            }
            "Request" | "Response" | "Body" | "Overview" | "Function logic" => continue,
            _ => {}
        }
        if let Some(path) = line.strip_prefix("URL:").map(str::trim) {
            if page.route.is_some() || !path.starts_with('/') || path.contains(' ') {
                return Err(ImportError::new(
                    number,
                    format!("`{line}`: a page names one path, such as `URL: /api/open/v1/...`"),
                ));
            }
            page.route = Some(AtLine {
                value: ("POST".to_owned(), path.to_owned()),
                line: number,
            });
            continue;
        }
        match (part, tables.last_mut()) {
            (Part::Request | Part::Response, Some((_, rows))) if !in_sample => {
                rows.push((number, line))
            }
            _ if in_sample => samples.push((number, line)),
            _ => page.unmapped.push(Unmapped {
                line: number,
                text: line.to_owned(),
                reason: "the overview's prose, which the endpoint's description holds",
            }),
        }
    }
    if page.route.is_none() {
        return Err(ImportError::new(
            title_line,
            "the page has no `URL:` line, so no path",
        ));
    }
    for (part, rows) in &tables {
        let name = match part {
            Part::Request => "Request parameters",
            _ => "Response parameters",
        };
        let params = read_table(rows, name, &mut page)?;
        match part {
            Part::Request => page.request = params,
            _ => page.response = params,
        }
    }
    if !tables.iter().any(|(p, _)| *p == Part::Response) {
        page.incomplete.push(Incomplete {
            line: last_line,
            missing: "the page ends before its `Response parameters`".to_owned(),
        });
    }
    // A sample's HTTP lines (`POST: …`, headers) come before its JSON: only JSON is read.
    let json: Vec<(usize, &str)> = samples
        .into_iter()
        .filter(|(_, l)| l.starts_with(['{', '}', '"', '[', ']']))
        .collect();
    let samples = json_samples(&json, &mut page.unmapped);
    if let Some(sample) = samples.first() {
        add_sample_fields(&mut page.request, sample);
    }
    if let Some(sample) = samples.get(1) {
        add_sample_fields(&mut page.response, sample);
    }
    page.incomplete.push(Incomplete {
        line: last_line,
        missing: "the layout lists no result codes".to_owned(),
    });
    page.unmapped.sort_by_key(|u| u.line);
    Ok(page)
}

/// The rows of one `Body` table; a row may run over lines until its closing `|`.
fn read_table(
    rows: &[(usize, &str)],
    table: &str,
    page: &mut Page,
) -> Result<Vec<Param>, ImportError> {
    let mut params: Vec<Param> = Vec::new();
    let mut index = 0;
    while index < rows.len() {
        let (number, first) = rows[index];
        index += 1;
        if first.starts_with("No | Name |") {
            continue;
        }
        let mut row = first.to_owned();
        while !row_complete(&row) && index < rows.len() && !starts_row(rows[index].1) {
            row.push(' ');
            row.push_str(rows[index].1);
            index += 1;
        }
        if !row_complete(&row) {
            page.incomplete.push(Incomplete {
                line: rows[index - 1].0,
                missing: format!("the `{table}` table stops inside the row at line {number}"),
            });
            continue;
        }
        let cells = cells(&row).unwrap_or_default();
        let Some(param) = row_param(number, &cells, table)? else {
            page.unmapped.push(Unmapped {
                line: number,
                text: first.to_owned(),
                reason: "in a parameter table, and not a numbered row",
            });
            continue;
        };
        push_new(&mut params, param, number)?;
    }
    Ok(params)
}

/// A row is whole once it has its seven (or, with `Remarks`, eight) cells.
fn row_complete(row: &str) -> bool {
    row.ends_with('|') && row.matches('|').count() >= 7
}

/// `N | name | description | type | length | M/O | [remarks |] sample`; `None` for a row that
/// is not numbered.
fn row_param(number: usize, cells: &[String], table: &str) -> Result<Option<Param>, ImportError> {
    let [no, name, description, ty, length, required, ..] = cells else {
        return Err(ImportError::new(
            number,
            format!(
                "a row of `{table}` has {} cells, expected No | Name | Description | Type | Length | Required | Sample",
                cells.len()
            ),
        ));
    };
    if no.is_empty() || !no.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    if !is_param_name(name) {
        return Err(ImportError::new(
            number,
            format!("`{name}` is not a parameter name (letters, digits and `_`)"),
        ));
    }
    let marker = match required.as_str() {
        "M" => Marker::Required,
        "O" => Marker::Optional,
        "C" => Marker::Conditional,
        other => {
            return Err(ImportError::new(
                number,
                format!("`{other}` in the Required column of `{name}`: expected M, O or C"),
            ));
        }
    };
    let ty = match ty.as_str() {
        "string" | "String" | "datetime" | "Datetime" => "string".to_owned(),
        "int" | "integer" | "Integer" | "long" | "Long" => "integer".to_owned(),
        "boolean" | "Boolean" => "boolean".to_owned(),
        "number" | "Number" => "number".to_owned(),
        t if t.starts_with("List<") || t.starts_with("Array<") || t.ends_with("[]") => {
            "array".to_owned()
        }
        t if t.starts_with(|c: char| c.is_ascii_uppercase())
            && t.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            t.to_owned()
        }
        other => {
            return Err(ImportError::new(
                number,
                format!(
                    "`{other}` is not a type (string, datetime, int, boolean, number, or a type name)"
                ),
            ));
        }
    };
    let mut param = bare_param(name, number, &ty, marker);
    let (prose, values) = bullet_values(description);
    param.description = prose;
    param.values = values
        .into_iter()
        .map(|value| PageValue {
            value,
            meaning: None,
            line: number,
        })
        .collect();
    if let Ok(max) = length.parse::<u64>() {
        param.max_length = Some(AtLine {
            value: max,
            line: number,
        });
    }
    Ok(Some(param))
}

/// A description's bullet list of values (`Switchable status: • ACTIVTED • PAUSED`, or with
/// `-`), split from its prose; a bullet that is not a value (`- if the user …`) stays prose.
fn bullet_values(description: &str) -> (String, Vec<String>) {
    let is_value = |word: &str| {
        !word.is_empty()
            && word
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    };
    let pieces: Vec<&str> = description.split(['•']).collect();
    let mut bullets: Vec<&str> = pieces[1..].iter().map(|p| p.trim()).collect();
    let mut prose = pieces[0].trim().to_owned();
    if bullets.is_empty() {
        let dashed: Vec<&str> = description.split(" - ").collect();
        if dashed.len() > 1 && dashed[1..].iter().all(|d| is_value(d.trim())) {
            prose = dashed[0].trim().to_owned();
            bullets = dashed[1..].iter().map(|d| d.trim()).collect();
        }
    }
    if bullets.iter().all(|b| is_value(b)) {
        (prose, bullets.into_iter().map(str::to_owned).collect())
    } else {
        (description.to_owned(), Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "\
alipay.intl.ipromomerchant.cashlessvoucher.template.switchStatus
Overview
URL: /api/open/v1/promotion/cashlessVoucher/template/switchStatus
Use this interface to switch a template's status.
Request
Request parameters
Body
No | Name | Description | Type | Length | Required | Sample |
1 | templateId | The template. | string | 64 | M | 7370 |
2 | status | The status to switch to. Switchable status:
• ACTIVTED
• PAUSED
• CLOSED
| string | 10 | M | |
3 | requestId | Request ID, for idempotency. | string | 64 | M | 2110 |
Sample
POST: /api/open/v1/promotion/cashlessVoucher/template/switchStatus HTTP/1.1
client-id: 5J5X
{
\"templateId\": \"7370\",
\"status\": \"CLOSED\",
\"requestId\": \"2110\"
}
Response
Response parameters
Body
No | Name | Description | Type | Length | Required | Remarks | Sample |
1 | result | Result information | Result | / | M | { \"resultStatus\": \"S\" } |
";

    #[test]
    fn a_page_of_the_layout_reads_its_route_tables_and_wrapped_rows() {
        assert!(is_promotion_page(PAGE));
        let page = read_promotion_page(PAGE).unwrap();
        let route = page.route.unwrap().value;
        assert_eq!(
            route.1,
            "/api/open/v1/promotion/cashlessVoucher/template/switchStatus"
        );
        let names: Vec<&str> = page.request.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["templateId", "status", "requestId"]);
        let status = &page.request[1];
        assert_eq!(status.ty, "string");
        assert_eq!(status.max_length.as_ref().unwrap().value, 10);
        assert!(status.description.ends_with("Switchable status:"));
        let values: Vec<&str> = status.values.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(values, ["ACTIVTED", "PAUSED", "CLOSED"]);
        assert_eq!(page.response[0].name, "result");
        assert!(
            page.incomplete
                .iter()
                .any(|i| i.missing.contains("no result codes"))
        );
    }

    #[test]
    fn a_page_cut_inside_a_row_says_where() {
        let cut = PAGE.split("3 | requestId").next().unwrap().to_owned() + "3 | requestId | Requ";
        let page = read_promotion_page(&cut).unwrap();
        assert_eq!(page.request.len(), 2);
        assert!(
            page.incomplete
                .iter()
                .any(|i| i.missing.contains("stops inside the row"))
        );
    }
}
