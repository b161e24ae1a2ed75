//! The model in prose: the Markdown that documents generated items, and the descriptions of
//! the OpenAPI export. Written once, so rustdoc and OpenAPI say the same thing.

mod crate_page;
mod example;
mod field;
mod items;
mod module_page;
mod routers;

pub(crate) use crate_page::crate_page;
pub(crate) use field::field_doc;
pub(crate) use items::{
    constructor_doc, enum_doc, identifier_doc, key_setter_doc, object_doc, other_field_setter_doc,
    other_fields_doc, result_code_doc, result_codes_doc, setter_doc, transitions_doc, wire_value,
};
pub(crate) use module_page::module_page;
pub(crate) use routers::{route_doc, router_doc, router_file_doc, router_trait_doc};

use crate::model::{Provenance, ResultCodeSet, ResultStatus};

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

/// The letter AlipayHK writes for a status.
pub(crate) fn status_letter(status: ResultStatus) -> &'static str {
    match status {
        ResultStatus::Success => "S",
        ResultStatus::Failure => "F",
        ResultStatus::Unknown => "U",
    }
}

/// The codes of `set` as a Markdown table, with each code's documented status.
pub(crate) fn result_code_table(set: Option<&ResultCodeSet>) -> String {
    let mut table = String::from("| Code | Status | Message |\n|---|---|---|");
    for code in set.map_or(&[][..], |c| &c.codes) {
        table.push_str(&format!(
            "\n| `{}` | {} | {} |",
            code.code,
            status_letter(code.status),
            code.message.replace('|', "\\|")
        ));
    }
    table
}
