//! Doc comments from spec text.

use crate::model::Provenance;

/// The doc comment lines of `text`, as they follow `///`: each non-blank line after a
/// space, trailing space trimmed, so rustdoc keeps the spec's paragraphs.
pub(crate) fn lines(text: &str) -> Vec<String> {
    text.trim_end()
        .lines()
        .map(|line| {
            if line.trim().is_empty() {
                String::new()
            } else {
                format!(" {}", line.trim_end())
            }
        })
        .collect()
}

/// Joins non-empty paragraphs with a blank line.
pub(crate) fn paragraphs<I: IntoIterator<Item = String>>(parts: I) -> String {
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().to_owned())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Where an item comes from, as a closing sentence: `Source: [title](url).` or
/// `Inferred: why.`; nothing for an item the attribute's author declared.
pub(crate) fn provenance(provenance: &Provenance) -> String {
    match provenance {
        Provenance::Documented { title, url } => format!("Source: [{title}]({url})."),
        Provenance::Inferred(why) => format!("Inferred: {}.", why.trim_end_matches('.')),
        Provenance::Unstated => String::new(),
    }
}

/// What follows a constraint in a field's facts: `(inferred: why)` for an inferred one, the
/// page for a documented one from another page than the field's, else nothing.
pub(crate) fn constraint_basis(constraint: &Provenance, field: &Provenance) -> String {
    match constraint {
        Provenance::Inferred(why) => format!(" (inferred: {})", why.trim_end_matches('.')),
        Provenance::Documented { title, url } if constraint != field => {
            format!(" (source: [{title}]({url}))")
        }
        _ => String::new(),
    }
}
