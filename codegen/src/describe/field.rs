//! A field's docs, which its builder method repeats.

use super::{constraint_basis, paragraphs, provenance};
use crate::model::{FieldDef, FieldType, Provenance};

/// The field's rustdoc: its description, then its wire name and limits.
pub(crate) fn field_doc(field: &FieldDef) -> String {
    let mut facts = vec![format!("Wire name `{}`", field.wire_name)];
    if !field.aliases.is_empty() {
        let aliases: Vec<String> = field.aliases.iter().map(|a| format!("`{a}`")).collect();
        facts.push(format!("also read as {}", aliases.join(", ")));
    }
    let basis = |p: &Provenance| constraint_basis(p, &field.provenance);
    facts.push(match &field.requirement {
        Some(p) if field.required => format!("required{}", basis(p)),
        Some(p) => format!(
            "required{}, so optional here: `validate()` warns when it is unset",
            basis(p)
        ),
        None => "optional".into(),
    });
    if field.nullable {
        facts.push("may be null".into());
    }
    if field.sensitive {
        facts.push("a secret, redacted in `Debug`".into());
    }
    let c = &field.constraints;
    if let Some(max) = &c.max_length {
        let note = basis(&max.provenance);
        facts.push(format!("at most {} characters{note}", max.value));
    }
    if let Some(min) = &c.min_length {
        let note = basis(&min.provenance);
        facts.push(format!("at least {} characters{note}", min.value));
    }
    if let Some(min) = &c.minimum {
        facts.push(format!("minimum {}{}", min.value, basis(&min.provenance)));
    }
    if let Some(max) = &c.maximum {
        facts.push(format!("maximum {}{}", max.value, basis(&max.provenance)));
    }
    if matches!(field.ty, FieldType::Timestamp) {
        facts.push("milliseconds since the Unix epoch".into());
    }
    if let Some(sample) = &field.sample {
        facts.push(format!("e.g. `{sample}`"));
    }
    let description = field
        .description
        .clone()
        .unwrap_or_else(|| format!("The `{}` field.", field.wire_name));
    paragraphs([
        description,
        format!("{}.", facts.join("; ")),
        provenance(&field.provenance),
    ])
}
