//! A constraint as written, with or without its own provenance: shared by fields and by the
//! facts of a protocol.

use serde::Deserialize;

/// A constraint as written: the bare value (`max_length: 64`), which the field's provenance
/// covers, or the value with its own (`max_length: { value: 32, inferred: "..." }`).
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "a value, or `{ value: ..., source: <id> }` or `{ value: ..., inferred: \"why\" }`"
)]
pub(crate) enum Constraint<T> {
    /// Covered by the field's provenance.
    Bare(T),
    /// With its own provenance.
    Annotated(AnnotatedConstraint<T>),
}

/// `{ value, source }` or `{ value, inferred }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnnotatedConstraint<T> {
    /// The constraint's value.
    pub value: T,
    /// The id of a page in `sources:` that states it.
    #[serde(default)]
    pub source: Option<String>,
    /// Why we believe it, when no page states it.
    #[serde(default)]
    pub inferred: Option<String>,
}

impl<T> Constraint<T> {
    /// The constraint's value.
    pub(crate) fn value(&self) -> &T {
        match self {
            Self::Bare(value) | Self::Annotated(AnnotatedConstraint { value, .. }) => value,
        }
    }
}
