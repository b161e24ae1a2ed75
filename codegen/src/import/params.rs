//! The parameter blocks of a page: `name type [REQUIRED|CONDITIONAL]`, then the lines that
//! describe it, from which the length, the valid values, `Can be NULL`, an "either A or B"
//! sentence and a `REQUIRED when A == B` condition are read.

use super::ImportError;
use super::page_lines::{AtLine, SAMPLE_HEADINGS, Unmapped};

/// One parameter, as the page states it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Param {
    /// The wire name.
    pub name: String,
    /// The line of its `name type` heading.
    pub line: usize,
    /// The type as written: `string`, `number`, `object`, a type name, ...
    pub ty: String,
    /// `REQUIRED`, `CONDITIONAL`, or neither.
    pub marker: Marker,
    /// The prose, in one paragraph.
    pub description: String,
    /// `Maximum length: N characters`.
    pub max_length: Option<AtLine<u64>>,
    /// The line saying `Can be NULL`.
    pub nullable: Option<usize>,
    /// The valid values, with their meanings.
    pub values: Vec<PageValue>,
    /// "either A or B", where this parameter is A or B.
    pub either: Option<AtLine<(String, String)>>,
    /// `REQUIRED when A == B`.
    pub required_when: Option<AtLine<(String, String)>>,
    /// The line of a `Show child parameters` under it: the page hides the fields of its type.
    pub hidden_children: Option<usize>,
    /// Read only from the page's JSON sample, which states that the field exists and nothing
    /// more: the spec infers it.
    pub from_sample: bool,
}

/// The requirement a parameter heading states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    /// `REQUIRED`.
    Required,
    /// `CONDITIONAL`: required in some cases, which the description gives.
    Conditional,
    /// Nothing: optional.
    Optional,
}

/// A valid value and its meaning.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PageValue {
    /// The value.
    pub value: String,
    /// What it means.
    pub meaning: Option<String>,
    /// Its line.
    pub line: usize,
}

const TYPES: &[&str] = &["string", "number", "integer", "boolean", "object", "array"];

/// The parameters of one section.
pub(super) fn read_params(
    lines: &[(usize, &str)],
    unmapped: &mut Vec<Unmapped>,
) -> Result<Vec<Param>, ImportError> {
    let mut params: Vec<Param> = Vec::new();
    // The owned lines of the block being read, so a value glued to the meaning before it
    // (`: terminate cardUPDATE`) can be split in two.
    let mut block: Vec<(usize, String)> = Vec::new();
    for &(number, line) in lines {
        if let Some(param) = heading(number, line)? {
            if let Some(last) = params.last_mut() {
                describe(last, std::mem::take(&mut block), unmapped);
            }
            push_new(&mut params, param, number)?;
        } else if params.is_empty() {
            unmapped.push(Unmapped {
                line: number,
                text: line.to_owned(),
                reason: if SAMPLE_HEADINGS.contains(&line) {
                    "a heading of the page's samples, which the text form does not hold"
                } else {
                    "before the first parameter"
                },
            });
        } else {
            block.push((number, line.to_owned()));
        }
    }
    if let Some(last) = params.last_mut() {
        describe(last, block, unmapped);
    }
    Ok(params)
}

/// Adds `param`, read at line `number`, to `params`; an error when a parameter of that name
/// was read already (every layout lists a parameter once).
pub(super) fn push_new(
    params: &mut Vec<Param>,
    param: Param,
    number: usize,
) -> Result<(), ImportError> {
    if let Some(first) = params.iter().find(|p| p.name == param.name) {
        return Err(ImportError::new(
            number,
            format!(
                "parameter `{}` is listed twice (first at line {})",
                param.name, first.line
            ),
        ));
    }
    params.push(param);
    Ok(())
}

/// A parameter with only its name, line, type and marker known.
pub(super) fn bare_param(name: &str, line: usize, ty: &str, marker: Marker) -> Param {
    Param {
        name: name.to_owned(),
        line,
        ty: ty.to_owned(),
        marker,
        description: String::new(),
        max_length: None,
        nullable: None,
        values: Vec::new(),
        either: None,
        required_when: None,
        hidden_children: None,
        from_sample: false,
    }
}

/// A wire name as pages write them: letters, digits and `_`, not starting with a digit.
pub(super) fn is_param_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A `name type [REQUIRED|CONDITIONAL]` heading; an error for one whose type is unreadable.
fn heading(number: usize, line: &str) -> Result<Option<Param>, ImportError> {
    if SAMPLE_HEADINGS.contains(&line) {
        return Ok(None);
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let (name, ty, marker) = match words.as_slice() {
        [name, ty] => (*name, *ty, Marker::Optional),
        [name, ty, "REQUIRED"] => (*name, *ty, Marker::Required),
        [name, ty, "CONDITIONAL"] => (*name, *ty, Marker::Conditional),
        _ => return Ok(None),
    };
    // Parameters are lowerCamel on every page: two capitalised words (`Merchant Name`) with no
    // marker are prose.
    if marker == Marker::Optional && name.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Ok(None);
    }
    let name_ok = is_param_name(name);
    let type_ok = TYPES.contains(&ty)
        || (ty.starts_with(|c: char| c.is_ascii_uppercase())
            && ty.chars().all(|c| c.is_ascii_alphanumeric())
            && ty.chars().any(|c| c.is_ascii_lowercase()));
    match (name_ok, type_ok, marker) {
        (true, true, _) => Ok(Some(bare_param(name, number, ty, marker))),
        // A page that repeats the name in its type column (`saveWayType saveWayType REQUIRED`):
        // read as a string, saying so, for the reader to settle.
        (true, false, Marker::Required | Marker::Conditional) if ty == name => {
            let mut param = bare_param(name, number, "string", marker);
            param.description = format!("(The page's type column says `{ty}`.)");
            Ok(Some(param))
        }
        // A word pair that is not a heading is prose; a requirement marker says it was meant
        // as one.
        (_, _, Marker::Optional) => Ok(None),
        (false, _, _) => Err(ImportError::new(
            number,
            format!("`{name}` is not a parameter name (letters, digits and `_`)"),
        )),
        (true, false, _) => Err(ImportError::new(
            number,
            format!(
                "`{ty}` is not a parameter type ({}, or a type name such as `Amount`)",
                TYPES.join(", ")
            ),
        )),
    }
}

/// Reads the lines under a heading into the parameter.
fn describe(param: &mut Param, mut lines: Vec<(usize, String)>, unmapped: &mut Vec<Unmapped>) {
    split_glued_values(&mut lines);
    let mut prose: Vec<String> = Vec::new();
    let mut in_values = false;
    let mut index = 0;
    while index < lines.len() {
        let (number, line) = (lines[index].0, lines[index].1.as_str());
        let next = lines.get(index + 1).map(|l| l.1.as_str());
        let after = lines.get(index + 2).map(|l| l.1.as_str());
        index += 1;
        if line == "Show child parameters" {
            param.hidden_children = Some(number);
            unmapped.push(Unmapped {
                line: number,
                text: format!("{line} (of `{}`, typed `{}`)", param.name, param.ty),
                reason: if matches!(param.ty.as_str(), "Result" | "ResultInfo") {
                    "the result object's fields, which the runtime holds"
                } else {
                    "a nested type whose fields the page hides: declare it in api.yaml's `types:`"
                },
            });
            continue;
        }
        if SAMPLE_HEADINGS.contains(&line) {
            unmapped.push(Unmapped {
                line: number,
                text: line.to_owned(),
                reason: "a heading of the page's samples, which the text form does not hold",
            });
            continue;
        }
        if line == "Valid values:" {
            in_values = true;
            continue;
        }
        if line == "More information:" {
            continue;
        }
        // `-` / VALUE / `: meaning`, or VALUE / `: meaning`.
        if line == "-"
            && let (Some(value), Some(meaning)) = (next, after)
            && is_value(value, true)
            && meaning.starts_with(':')
        {
            param.values.push(value_at(lines[index].0, value, meaning));
            index += 2;
            continue;
        }
        // `-` / VALUE with no meaning after it, in a list of valid values.
        if in_values
            && line == "-"
            && let Some(value) = next
            && is_value(value, true)
            && !after.is_some_and(|m| m.starts_with(':'))
        {
            param.values.push(PageValue {
                value: value.to_owned(),
                meaning: None,
                line: lines[index].0,
            });
            index += 1;
            continue;
        }
        if is_value(line, in_values) && next.is_some_and(|m| m.starts_with(':')) {
            param
                .values
                .push(value_at(number, line, next.unwrap_or_default()));
            index += 1;
            continue;
        }
        if in_values
            && let Some(entry) = line.strip_prefix("- ").or_else(|| line.strip_prefix("• "))
            && let Some((value, meaning)) = entry.split_once(':')
            && is_value(value.trim(), true)
        {
            param.values.push(PageValue {
                value: value.trim().to_owned(),
                meaning: Some(meaning.trim().to_owned()).filter(|m| !m.is_empty()),
                line: number,
            });
            continue;
        }
        // `- VALUE` alone (in a list of valid values, or as the whole list, `- SKU`): a value
        // the page gives no meaning.
        if let Some(entry) = line.strip_prefix("- ").or_else(|| line.strip_prefix("• "))
            && is_value(entry.trim(), in_values)
            && !next.is_some_and(|m| m.starts_with(':'))
        {
            param.values.push(PageValue {
                value: entry.trim().to_owned(),
                meaning: None,
                line: number,
            });
            continue;
        }
        if let Some(length) = line
            .strip_prefix("- Maximum length:")
            .and_then(|rest| rest.trim().strip_suffix("characters"))
            .and_then(|n| n.trim().parse::<u64>().ok())
        {
            param.max_length = Some(AtLine {
                value: length,
                line: number,
            });
            continue;
        }
        if line == "- Can be NULL" {
            param.nullable = Some(number);
            continue;
        }
        if line == "- Can be" && next == Some("NULL") {
            param.nullable = Some(number);
            index += 1;
            continue;
        }
        if let Some((field, value)) = line
            .strip_prefix("REQUIRED when ")
            .and_then(|rest| rest.split_once("=="))
        {
            param.required_when = Some(AtLine {
                value: (field.trim().to_owned(), value.trim().to_owned()),
                line: number,
            });
            continue;
        }
        in_values = false;
        prose.push(line.strip_prefix("- ").unwrap_or(line).to_owned());
        if param.either.is_none()
            && let Some(pair) = either(&lines[index - 1..])
        {
            param.either = Some(AtLine {
                value: pair,
                line: number,
            });
        }
    }
    // A note the heading left (a type the page miswrote) stays, after the page's prose.
    let note = std::mem::take(&mut param.description);
    param.description = tidy(&prose.join(" "));
    if !note.is_empty() {
        param.description = format!("{} {note}", param.description).trim().to_owned();
    }
}

/// A value token: capitals, digits and `_` (or, inside a `Valid values:` list, any word such
/// as `barcode` or `EAN-13`).
fn is_value(text: &str, in_values: bool) -> bool {
    let word = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let capitals = text.len() >= 2
        && text.starts_with(|c: char| c.is_ascii_uppercase())
        && text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    word && (capitals || in_values)
}

fn value_at(line: usize, value: &str, meaning: &str) -> PageValue {
    let meaning = meaning.trim_start_matches(':').trim();
    PageValue {
        value: value.to_owned(),
        meaning: Some(meaning.to_owned()).filter(|m| !m.is_empty()),
        line,
    }
}

/// The page's text form runs a value into the meaning before it (`: terminate cardUPDATE`,
/// then `: update card content`): split the value off onto its own line.
fn split_glued_values(lines: &mut Vec<(usize, String)>) {
    let mut index = 0;
    while index + 1 < lines.len() {
        let (number, line) = (lines[index].0, lines[index].1.clone());
        if line.starts_with(':') && lines[index + 1].1.starts_with(':') {
            let tail_start = line
                .char_indices()
                .rev()
                .take_while(|(_, c)| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                .last()
                .map(|(i, _)| i);
            if let Some(start) = tail_start.filter(|&s| line.len() - s >= 2 && s > 1) {
                let before = line[..start].chars().last();
                if before.is_some_and(|c| c.is_ascii_lowercase() || c == '.' || c == ')') {
                    let value = line[start..].to_owned();
                    lines[index].1 = line[..start].to_owned();
                    lines.insert(index + 1, (number, value));
                }
            }
        }
        index += 1;
    }
}

/// "either A or B" in the prose starting at `lines[0]`, which the text form may spread over
/// lines and run together (`oropenId`).
fn either(lines: &[(usize, String)]) -> Option<(String, String)> {
    let text: Vec<&str> = lines
        .iter()
        .take(6)
        .flat_map(|l| l.1.split_whitespace())
        .collect();
    let at = text.iter().position(|w| w.eq_ignore_ascii_case("either"))?;
    let first = identifier(text.get(at + 1)?)?;
    let second = match *text.get(at + 2)? {
        "or" => identifier(text.get(at + 3)?)?,
        glued => identifier(glued.strip_prefix("or")?)?,
    };
    Some((first, second))
}

fn identifier(word: &str) -> Option<String> {
    let word = word.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_');
    (word.starts_with(|c: char| c.is_ascii_alphabetic())
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then(|| word.to_owned())
}

/// One paragraph: no space before `.` or `,`.
fn tidy(text: &str) -> String {
    text.replace(" .", ".").replace(" ,", ",").trim().to_owned()
}
