//! What a rule across fields is, in the model: which fields, and for a conditional
//! requirement, the path to the deciding field and its value. `rules.rs` builds them.

use super::{Provenance, TypeRef};

/// A rule across fields of one object, and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RuleDef {
    /// What the rule says.
    pub kind: RuleKind,
    /// Where it comes from.
    pub provenance: Provenance,
}

/// What a rule says; field names are wire names.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RuleKind {
    /// Exactly one must be present.
    ExactlyOneOf(Vec<String>),
    /// At least one must be present.
    AtLeastOneOf(Vec<String>),
    /// `field` is required when `when` has a value.
    RequiredWhen {
        /// The conditionally required field.
        field: String,
        /// The deciding field: a field of this object, or of an object it holds, as a dotted
        /// wire path (`paymentResult.resultStatus`).
        when: String,
        /// The fields from this object down to the deciding one, in order.
        through: Vec<Hop>,
        /// The deciding value.
        condition: Condition,
    },
}

/// One field on the way from an object to the field a rule decides on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hop {
    /// Its Rust identifier (without `r#`).
    pub rust_name: String,
    /// Whether it is always present (not an `Option`).
    pub required: bool,
}

/// The value a deciding field must have.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Condition {
    /// An enum field equals this variant.
    Variant {
        /// The enum.
        ty: TypeRef,
        /// The variant name.
        variant: String,
        /// The wire value, for messages.
        wire: String,
    },
    /// A string field equals this value.
    Text(String),
    /// A boolean field equals this value.
    Flag(bool),
}
