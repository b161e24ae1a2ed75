//! Reads provenance from the documents: the pages `api.yaml` lists under `sources:`, and the
//! `source:` or `inferred:` each field, value, key, constraint, rule and result code carries.
//! A field's provenance covers its constraints, values and keys unless they carry their own;
//! nothing else inherits, so every rule and result code says where it comes from.

use std::collections::BTreeMap;

use super::provenance::{DocSource, Limit, Provenance};
use super::report::Reporter;
use crate::document::raw::{Constraint, DocSourceSpec, Located, Position};

/// Checks the `sources:` list: ids unique, URLs absolute `https`, dates `YYYY-MM-DD`.
pub(super) fn build_doc_sources(
    report: &mut Reporter<'_>,
    specs: &[DocSourceSpec],
) -> BTreeMap<String, DocSource> {
    let mut sources = BTreeMap::new();
    for spec in specs {
        let id = &spec.id.value;
        let path = format!("sources[{id}]");
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            report.error(&spec.id, &path, "a source id is letters, digits and `_`");
            continue;
        }
        if !spec.url.value.starts_with("https://") || spec.url.value.contains(char::is_whitespace) {
            report.error(
                &spec.url,
                &format!("{path}.url"),
                "a source's URL is an absolute `https://` address",
            );
        }
        if !is_date(&spec.read.value) {
            report.error(
                &spec.read,
                &format!("{path}.read"),
                "the date the page was read, as YYYY-MM-DD",
            );
        }
        let source = DocSource {
            id: id.clone(),
            title: spec.title.value.trim().to_owned(),
            url: spec.url.value.clone(),
            read: spec.read.value.clone(),
        };
        if sources.insert(id.clone(), source).is_some() {
            report.error(&spec.id, &path, format!("source `{id}` is listed twice"));
        }
    }
    sources
}

fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    matches!(parts.as_slice(), [y, m, d]
        if y.len() == 4 && m.len() == 2 && d.len() == 2
            && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
            && (1..=12).contains(&m.parse::<u8>().unwrap_or(0))
            && (1..=31).contains(&d.parse::<u8>().unwrap_or(0)))
}

/// The provenance an item gives (`source` or `inferred`), else `inherited`; an item with
/// neither is reported at `at` as unstated.
pub(super) fn resolve(
    report: &mut Reporter<'_>,
    path: &str,
    at: Position,
    (source, inferred): (Option<&Located<String>>, Option<&Located<String>>),
    inherited: Option<&Provenance>,
    what: &str,
) -> Provenance {
    let source = source.map(|s| (s.value.as_str(), s.at));
    let inferred = inferred.map(|i| (i.value.as_str(), i.at));
    resolve_at(report, path, at, source, inferred, inherited, what)
}

/// A constraint's value and provenance: its own, when written `{ value, source }` or
/// `{ value, inferred }`, else the field's.
pub(super) fn limit<T: Clone>(
    report: &mut Reporter<'_>,
    path: &str,
    constraint: &Located<Constraint<T>>,
    field: &Provenance,
) -> Limit<T> {
    let provenance = match &constraint.value {
        Constraint::Bare(_) => field.clone(),
        Constraint::Annotated(annotated) => resolve_at(
            report,
            path,
            constraint.at,
            annotated.source.as_deref().map(|s| (s, constraint.at)),
            annotated.inferred.as_deref().map(|i| (i, constraint.at)),
            Some(field),
            "the constraint",
        ),
    };
    Limit {
        value: constraint.value.value().clone(),
        provenance,
    }
}

fn resolve_at(
    report: &mut Reporter<'_>,
    path: &str,
    at: Position,
    source: Option<(&str, Position)>,
    inferred: Option<(&str, Position)>,
    inherited: Option<&Provenance>,
    what: &str,
) -> Provenance {
    match (source, inferred) {
        (Some(_), Some((_, inferred_at))) => {
            report.error_at(inferred_at, path, "give `source` or `inferred`, not both");
            Provenance::Unstated
        }
        (Some((id, source_at)), None) => match report.doc_sources.get(id) {
            Some(page) => Provenance::Documented {
                title: page.title.clone(),
                url: page.url.clone(),
            },
            None => {
                let known: Vec<&str> = report.doc_sources.keys().map(String::as_str).collect();
                let known = if known.is_empty() {
                    "api.yaml lists no `sources:`".to_owned()
                } else {
                    format!("sources: {}", known.join(", "))
                };
                report.error_at(source_at, path, format!("unknown source `{id}` ({known})"));
                Provenance::Unstated
            }
        },
        (None, Some((why, inferred_at))) => {
            if why.trim().is_empty() {
                report.error_at(inferred_at, path, "`inferred:` says why, in words");
            }
            Provenance::Inferred(why.trim().to_owned())
        }
        (None, None) => inherited.cloned().unwrap_or_else(|| {
            report.unstated_at(at, path, what);
            Provenance::Unstated
        }),
    }
}
