//! Writes a read page as an endpoint file in the spec's format: every item cites the page
//! (`source: <id>`) and ends with a `# line N` comment naming where the page says it.

use std::fmt::Write as _;

use super::page_model::Page;
use super::params::{Marker, Param};
use super::{ImportError, ImportOptions, Unmapped};
use crate::model::is_lower_camel;

/// Where the endpoint is served, and what it is called.
struct Route {
    name: String,
    method: String,
    path: String,
    inbound: bool,
}

/// The endpoint file for `page`.
pub(super) fn endpoint_yaml(
    page: &Page,
    options: &ImportOptions,
    unmapped: &mut Vec<Unmapped>,
) -> Result<String, ImportError> {
    let route = route(page, options)?;
    let source = &options.source_id;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Imported by `alipayhk-codegen import` from the page \"{}\".",
        page.title.value
    );
    let _ = writeln!(
        out,
        "# Cite it in api.yaml's `sources:` (its id is what every item below names):"
    );
    let _ = writeln!(out, "#   - id: {source}");
    let _ = writeln!(out, "#     title: {}", page.title.value);
    let _ = writeln!(
        out,
        "#     url: {}",
        options.url.as_deref().unwrap_or("<the page's address>")
    );
    let _ = writeln!(out, "#     read: <today, YYYY-MM-DD>");
    if !page.headers.is_empty() {
        let names: Vec<String> = page
            .headers
            .iter()
            .map(|h| format!("{} (line {})", h.name, h.line))
            .collect();
        let _ = writeln!(
            out,
            "# The page's headers, which api.yaml holds for the whole API: {}.",
            names.join(", ")
        );
    }
    for gap in &page.incomplete {
        let _ = writeln!(
            out,
            "# The page is cut short at line {}: {}. Complete what follows by hand, `inferred:`.",
            gap.line, gap.missing
        );
    }
    let _ = writeln!(out, "endpoint:");
    let _ = writeln!(out, "  name: {}", route.name);
    if route.inbound {
        let _ = writeln!(out, "  direction: inbound");
    }
    let _ = writeln!(out, "  method: {}", route.method);
    let _ = writeln!(out, "  path: {}", route.path);
    if let Some(group) = &options.group {
        let _ = writeln!(out, "  group: {group}");
    }
    let _ = writeln!(
        out,
        "  summary: {}  # line {}",
        quote(&page.title.value),
        page.title.line
    );
    if let Some(url) = &options.url {
        let _ = writeln!(out, "  docs_url: {url}");
    }
    for (section, params) in [("request", &page.request), ("response", &page.response)] {
        let _ = writeln!(out, "  {section}:");
        let no_result = section == "response" && !params.iter().any(|p| spec_type(p) == "result");
        if params.is_empty() && !no_result {
            let _ = writeln!(out, "    fields: []");
        } else {
            let _ = writeln!(out, "    fields:");
        }
        if no_result {
            // Every AlipayHK answer carries the result object, whether or not the page shows it.
            let _ = writeln!(out, "      - name: result");
            let _ = writeln!(
                out,
                "        inferred: \"the page shows no result object; every AlipayHK answer carries one\""
            );
            let _ = writeln!(out, "        type: result\n        required: true");
        }
        for param in params {
            // A response enum named like a request enum needs a name of its own.
            let clash = section == "response"
                && !param.values.is_empty()
                && page
                    .request
                    .iter()
                    .any(|r| r.name == param.name && !r.values.is_empty());
            let type_name = clash.then(|| {
                format!(
                    "{}Response{}",
                    heck::ToPascalCase::to_pascal_case(route.name.as_str()),
                    heck::ToPascalCase::to_pascal_case(param.name.as_str())
                )
            });
            field(&mut out, param, source, type_name.as_deref());
        }
        rules(&mut out, params, source, unmapped);
    }
    if page.codes.is_empty() && !page.incomplete.is_empty() {
        // A page cut before its codes still has a success answer: every AlipayHK API has one.
        let _ = writeln!(
            out,
            "  # The page lists no result codes: add the rest, each `inferred:`."
        );
        let _ = writeln!(out, "  result_codes:");
        let _ = writeln!(
            out,
            "    - {{ code: SUCCESS, status: S, message: Success, inferred: \"the page was cut before its codes; SUCCESS is every AlipayHK API's\" }}"
        );
    } else if page.codes.is_empty() {
        let _ = writeln!(
            out,
            "  # The page lists no result codes for the reply: add them, each `inferred:`."
        );
        let _ = writeln!(out, "  result_codes: []");
    } else {
        let _ = writeln!(out, "  result_codes:");
    }
    for code in &page.codes {
        let _ = writeln!(
            out,
            "    - {{ code: {}, status: {}, message: {}, source: {source} }}  # line {}",
            code.code,
            code.status,
            quote(&code.message),
            code.line
        );
    }
    Ok(out)
}

fn route(page: &Page, options: &ImportOptions) -> Result<Route, ImportError> {
    let stated = page.route.as_ref();
    let title_line = page.title.line;
    let (method, path, line) = match (stated, &options.path) {
        (Some(r), Some(flag)) if &r.value.1 != flag => {
            return Err(ImportError::new(
                r.line,
                format!(
                    "the page says `{} {}`, and --path says `{flag}`",
                    r.value.0, r.value.1
                ),
            ));
        }
        (Some(r), _) => (r.value.0.clone(), r.value.1.clone(), r.line),
        (None, Some(flag)) => ("POST".to_owned(), flag.clone(), title_line),
        (None, None) => {
            return Err(ImportError::new(
                title_line,
                "the page states no `POST /path` line: give --path (and --name)",
            ));
        }
    };
    // AlipayHK calls a notification endpoint under the merchant's own prefix, written as a
    // placeholder segment (`/{Merchant's tag}/points/bill/notify`); the spec keeps the rest.
    let (placeholder, path) = match path.find('}') {
        Some(end) if path.starts_with("/{") => (true, path[end + 1..].to_owned()),
        _ => (false, path),
    };
    let inbound = placeholder || page.inbound;
    let name = match &options.name {
        Some(name) => name.clone(),
        None => {
            let last = path.rsplit('/').next().unwrap_or_default();
            if placeholder || !is_lower_camel(last) {
                return Err(ImportError::new(
                    line,
                    format!("the path `{path}` does not name the endpoint: give --name"),
                ));
            }
            last.to_owned()
        }
    };
    Ok(Route {
        name,
        method,
        path,
        inbound,
    })
}

fn field(out: &mut String, param: &Param, source: &str, type_name: Option<&str>) {
    let _ = writeln!(out, "      - name: {}  # line {}", param.name, param.line);
    if param.from_sample {
        let _ = writeln!(out, "        inferred: \"from the page's sample\"");
    } else {
        let _ = writeln!(out, "        source: {source}");
    }
    let ty = spec_type(param);
    if ty == "map" && (param.ty != "object" || param.hidden_children.is_some()) {
        // A nested type the page names (or hides) and the spec does not yet declare: an open
        // map loads, and the comment says what to write instead.
        let _ = writeln!(
            out,
            "        type: map  # the page's `{}`: declare it in api.yaml's `types:` and name it here",
            param.ty
        );
    } else {
        let _ = writeln!(out, "        type: {ty}");
    }
    if let Some(type_name) = type_name {
        let _ = writeln!(out, "        type_name: {type_name}");
    }
    if matches!(param.ty.as_str(), "array") {
        let _ = writeln!(out, "        items: json");
    }
    if param.marker == Marker::Required || ty == "result" {
        let _ = writeln!(out, "        required: true");
    }
    if let Some(line) = param.nullable {
        let _ = writeln!(out, "        nullable: true  # line {line}");
    }
    // An enum takes no length (its values bound it): the page's is left as a comment.
    if let Some(max) = param
        .max_length
        .as_ref()
        .filter(|_| !param.values.is_empty())
    {
        let _ = writeln!(
            out,
            "        # the page gives at most {} characters (line {}); its values bound it",
            max.value, max.line
        );
    } else if let Some(max) = &param.max_length {
        let _ = writeln!(
            out,
            "        max_length: {}  # line {}",
            max.value, max.line
        );
    }
    if !param.description.is_empty() {
        let _ = writeln!(out, "        description: {}", quote(&param.description));
    }
    if !param.values.is_empty() {
        let _ = writeln!(out, "        values:");
        for value in &param.values {
            let _ = writeln!(
                out,
                "          - value: {}  # line {}",
                quote(&value.value),
                value.line
            );
            if let Some(meaning) = &value.meaning {
                let _ = writeln!(out, "            description: {}", quote(meaning));
            }
        }
    }
}

/// The spec type for a page type: `object` is an open map, a timestamp is a `number` the
/// page calls one, and the result object is `result`.
pub(super) fn spec_type(param: &Param) -> String {
    let described = param.description.to_ascii_lowercase();
    match param.ty.as_str() {
        _ if !param.values.is_empty() => "enum".to_owned(),
        "number" if described.contains("timestamp") || described.contains("millisecond") => {
            "timestamp".to_owned()
        }
        "object" => "map".to_owned(),
        // The call's result object; a second one (a payment's result) is a nested type.
        "Result" | "ResultInfo" if matches!(param.name.as_str(), "result" | "resultInfo") => {
            "result".to_owned()
        }
        // The spec's own types: an amount, and the primitives. Any other name is a nested type
        // the spec declares in `types:` by hand.
        "Amount" | "string" | "number" | "integer" | "boolean" | "array" => param.ty.clone(),
        _ => "map".to_owned(),
    }
}

fn rules(out: &mut String, params: &[Param], source: &str, unmapped: &mut Vec<Unmapped>) {
    let mut written: Vec<(String, String)> = Vec::new();
    let mut lines = Vec::new();
    for param in params {
        if let Some(either) = &param.either {
            let (a, b) = &either.value;
            let pair = if a <= b {
                (a.clone(), b.clone())
            } else {
                (b.clone(), a.clone())
            };
            if written.contains(&pair) {
                continue;
            }
            if !params.iter().any(|p| &p.name == a) || !params.iter().any(|p| &p.name == b) {
                unmapped.push(Unmapped {
                    line: either.line,
                    text: format!("either {a} or {b}"),
                    reason: "an \"either\" sentence naming a parameter the page does not list",
                });
                continue;
            }
            written.push(pair);
            lines.push(format!(
                "      - exactly_one_of: [{a}, {b}]  # line {}\n        source: {source}",
                either.line
            ));
        }
        if let Some(when) = &param.required_when {
            let (field, equals) = &when.value;
            // A rule through an object needs that object's type declared, which an import
            // leaves to the reader: written as a comment until then.
            let comment = if field.contains('.') { "# " } else { "" };
            lines.push(format!(
                "      {comment}- required_when: {{ field: {}, when: {field}, equals: {} }}  # line {}\n        {comment}source: {source}",
                param.name,
                quote(equals),
                when.line
            ));
        }
    }
    if !lines.is_empty() {
        // Only commented rules: the key is a comment too, or it would hold nothing.
        let all_comments = lines.iter().all(|l| l.trim_start().starts_with('#'));
        let key = if all_comments {
            "    # rules:"
        } else {
            "    rules:"
        };
        let _ = writeln!(out, "{key}");
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
    }
}

/// A YAML scalar: plain when it is a plain word, else double-quoted (JSON escapes are YAML's).
fn quote(text: &str) -> String {
    let plain = !text.is_empty()
        && !text.chars().all(|c| c.is_ascii_digit() || c == '.')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ' ' || c == '.')
        && !text.starts_with(['-', ' ', '.'])
        && !text.ends_with(' ')
        && !matches!(
            text,
            "true" | "false" | "null" | "yes" | "no" | "on" | "off"
        );
    if plain {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}
