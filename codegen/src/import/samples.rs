//! The JSON samples a page shows: the fields of their top level that the page's tables do not
//! list become parameters read from the sample (`Param::from_sample`), with a type told by the
//! value. A sample states that a field exists, and nothing about whether it is required.

use super::page_lines::Unmapped;
use super::params::{Marker, Param, bare_param};

/// A JSON sample: its top-level fields, and the line of each.
pub(super) struct Sample {
    fields: serde_json::Map<String, serde_json::Value>,
    lines: Vec<(String, usize)>,
}

/// The JSON objects among `lines` (a sample spreads one over many lines). A sample that is not
/// JSON (cut, or prose with braces) is reported unmapped.
pub(super) fn json_samples(lines: &[(usize, &str)], unmapped: &mut Vec<Unmapped>) -> Vec<Sample> {
    let mut samples = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let (start, line) = lines[index];
        if !line.starts_with('{') {
            unmapped.push(Unmapped {
                line: start,
                text: line.to_owned(),
                reason: "a caption of the page's samples",
            });
            index += 1;
            continue;
        }
        let mut text = String::new();
        let mut depth = 0i32;
        let mut end = index;
        let mut key_lines = Vec::new();
        while end < lines.len() {
            let (number, part) = lines[end];
            if depth == 1
                && let Some(key) = part.strip_prefix('"').and_then(|p| p.split_once('"'))
            {
                key_lines.push((key.0.to_owned(), number));
            }
            depth += brace_balance(part);
            text.push_str(part);
            text.push('\n');
            end += 1;
            if depth <= 0 {
                break;
            }
        }
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(fields)) => samples.push(Sample {
                fields,
                lines: key_lines,
            }),
            _ => unmapped.push(Unmapped {
                line: start,
                text: line.to_owned(),
                reason: "a sample that is not a JSON object (cut short?)",
            }),
        }
        index = end;
    }
    samples
}

/// `{` minus `}` outside strings.
fn brace_balance(line: &str) -> i32 {
    let mut balance = 0;
    let mut in_string = false;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '{' if !in_string => balance += 1,
            '}' if !in_string => balance -= 1,
            _ => {}
        }
    }
    balance
}

/// Adds to `params` each top-level field of `sample` they do not list, read from the sample.
pub(super) fn add_sample_fields(params: &mut Vec<Param>, sample: &Sample) {
    for (name, value) in &sample.fields {
        if params.iter().any(|p| &p.name == name) {
            continue;
        }
        let line = sample
            .lines
            .iter()
            .find(|(key, _)| key == name)
            .map_or(0, |(_, line)| *line);
        let mut param = bare_param(name, line, &sample_type(name, value), Marker::Optional);
        param.from_sample = true;
        // A nested object other than an amount or a result: its fields are the sample's
        // only, so the type is one to declare by hand.
        if matches!(value, serde_json::Value::Object(_))
            && !matches!(param.ty.as_str(), "Amount" | "Result")
        {
            param.hidden_children = Some(line);
        }
        params.push(param);
    }
}

/// The page type a sample value shows: `{currency, value}` is an `Amount`, `result` the
/// result object, another object a type named for its field.
fn sample_type(name: &str, value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::String(_) | Value::Null => "string".to_owned(),
        Value::Bool(_) => "boolean".to_owned(),
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer".to_owned(),
        Value::Number(_) => "number".to_owned(),
        Value::Array(_) => "array".to_owned(),
        Value::Object(fields) => {
            let mut keys: Vec<&str> = fields.keys().map(String::as_str).collect();
            keys.sort_unstable();
            if keys == ["currency", "value"] {
                "Amount".to_owned()
            } else if keys.contains(&"resultStatus") {
                "Result".to_owned()
            } else {
                heck::ToPascalCase::to_pascal_case(name)
            }
        }
    }
}
