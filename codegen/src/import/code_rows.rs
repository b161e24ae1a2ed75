//! Result-code rows in the layouts pages write them: `CODE | S | Message |` (membership
//! cards), `N | CODE | S | Message |` (payments), and cells run together with nothing between
//! them (`SUCCESSSSuccess`, short pages), which the status letter between the code and the
//! message splits.

use super::ImportError;
use super::page_lines::Unmapped;
use super::page_model::CodeRow;

/// The cells of a table row written `a | b | c |`, or `None` for a line that does not end
/// its row.
pub(super) fn cells(row: &str) -> Option<Vec<String>> {
    let body = row.strip_suffix('|')?;
    Some(body.split('|').map(|c| c.trim().to_owned()).collect())
}

/// Whether `line` starts a numbered table row (`3 | name | …`), in the layouts that number
/// their rows.
pub(super) fn starts_row(line: &str) -> bool {
    line.split_once(" | ")
        .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The headings of result-code tables, which carry no code.
const HEADINGS: &[&str] = &[
    "Code | Value | Message |",
    "---|---|---|",
    "CodeValueMessage",
    "Code Value Message",
    "No. | resultCode | resultStatus | resultMessage |",
];

/// A row of a result-code table at `lines[index]`: the row, or the line as unmapped.
pub(super) fn read_code_row(
    lines: &[(usize, &str)],
    index: usize,
    earlier: &[CodeRow],
) -> Result<(Option<CodeRow>, Option<Unmapped>), ImportError> {
    let (number, line) = lines[index];
    if HEADINGS.contains(&line) {
        return Ok((None, None));
    }
    if !line.contains('|') {
        return Ok(match split_run_together(line) {
            Some((code, status, message)) => {
                let row = checked(number, &code, &status, &message, earlier)?;
                (Some(row), None)
            }
            None => (
                None,
                Some(Unmapped {
                    line: number,
                    text: line.to_owned(),
                    reason: "in the result-code section, and not a row of its table",
                }),
            ),
        });
    }
    let Some(cells) = cells(line) else {
        return Err(ImportError::new(
            number,
            "a result-code row is `CODE | S, F or U | message |`",
        ));
    };
    // The payments layout numbers its rows.
    let cells = match cells.as_slice() {
        [n, rest @ ..] if rest.len() == 3 && n.bytes().all(|b| b.is_ascii_digit()) => rest,
        all => all,
    };
    let [code, status, message] = cells else {
        return Err(ImportError::new(
            number,
            format!(
                "a result-code row has {} cells, expected 3 (Code | Value | Message)",
                cells.len()
            ),
        ));
    };
    Ok((Some(checked(number, code, status, message, earlier)?), None))
}

fn checked(
    number: usize,
    code: &str,
    status: &str,
    message: &str,
    earlier: &[CodeRow],
) -> Result<CodeRow, ImportError> {
    if code.is_empty()
        || !code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(ImportError::new(
            number,
            format!("`{code}` is not a result code (capitals, digits and `_`)"),
        ));
    }
    if !matches!(status, "S" | "F" | "U") {
        return Err(ImportError::new(
            number,
            format!("result code `{code}` has the status `{status}`, expected S, F or U"),
        ));
    }
    if let Some(first) = earlier.iter().find(|c| c.code == code) {
        return Err(ImportError::new(
            number,
            format!(
                "result code `{code}` is listed twice (first at line {})",
                first.line
            ),
        ));
    }
    Ok(CodeRow {
        code: code.to_owned(),
        status: status.to_owned(),
        message: message.to_owned(),
        line: number,
    })
}

/// `SUCCESSSSuccess` → (`SUCCESS`, `S`, `Success`): the cells of a row whose separators the
/// page's text lost. The code is capitals, digits and `_`; the message starts with a capital.
/// When the message's first word is a capital followed by lower case (`Success`, `The`), that
/// capital ends the run of capitals and the status letter is just before it. When the first
/// word is all capitals (`API failed`), the status is the last S, F or U that leaves the
/// message a word of at least two letters.
pub(super) fn split_run_together(line: &str) -> Option<(String, String, String)> {
    let run = line
        .bytes()
        .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        .count();
    let after = line.as_bytes().get(run).copied();
    let status_at = match after {
        Some(b) if b.is_ascii_lowercase() => run.checked_sub(2)?,
        _ => (1..run.saturating_sub(2))
            .rev()
            .find(|&i| matches!(line.as_bytes()[i], b'S' | b'F' | b'U'))?,
    };
    let code = &line[..status_at];
    let message = line[status_at + 1..].trim();
    let code_ok = !code.is_empty() && !code.ends_with('_') && code.len() >= 2;
    (code_ok && matches!(line.as_bytes()[status_at], b'S' | b'F' | b'U') && !message.is_empty())
        .then(|| {
            (
                code.to_owned(),
                line[status_at..=status_at].to_owned(),
                message.to_owned(),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::split_run_together;

    fn split(line: &str) -> Option<(String, String, String)> {
        split_run_together(line)
    }

    #[test]
    fn the_status_letter_splits_a_row_whose_cells_ran_together() {
        let row = |c: &str, s: &str, m: &str| Some((c.to_owned(), s.to_owned(), m.to_owned()));
        assert_eq!(split("SUCCESSSSuccess"), row("SUCCESS", "S", "Success"));
        assert_eq!(
            split("ACCESSTOKEN_VALIDATE_FAILEDFThe access token fails."),
            row(
                "ACCESSTOKEN_VALIDATE_FAILED",
                "F",
                "The access token fails."
            )
        );
        assert_eq!(
            split("UNKNOWN_EXCEPTIONUAPI failed due to unknown reason."),
            row(
                "UNKNOWN_EXCEPTION",
                "U",
                "API failed due to unknown reason."
            )
        );
        assert_eq!(
            split("USER_NOT_EXISTFThe user"),
            row("USER_NOT_EXIST", "F", "The user")
        );
        // Prose is not a row.
        assert_eq!(split("Please check the codes below."), None);
        assert_eq!(split("SUCCESS"), None);
        assert_eq!(split(""), None);
    }
}
