//! Request validation: every violation with its field path, not just the first.
//!
//! Generated `validate()` methods call the small `check_*` functions here, so the rules
//! live in one place and generated code stays short.

use std::fmt;

mod checks;

pub use checks::{
    check_at_least_one_of, check_exactly_one_of, check_length, check_not_empty, check_present,
    check_range,
};

/// Where a value sits in a request, such as `dataInfo.billNo` or `items[2]`.
///
/// Built on the stack as validation descends; it becomes a string only when a violation
/// is recorded, so validating a valid request allocates nothing.
#[derive(Clone, Copy)]
pub struct FieldPath<'a> {
    parent: Option<&'a FieldPath<'a>>,
    segment: Segment<'a>,
}

#[derive(Clone, Copy)]
enum Segment<'a> {
    Root,
    Field(&'a str),
    Index(usize),
}

impl<'a> FieldPath<'a> {
    /// The request body itself.
    pub const fn root() -> Self {
        Self {
            parent: None,
            segment: Segment::Root,
        }
    }

    /// The field `name` of the object at this path.
    pub fn field(&'a self, name: &'a str) -> FieldPath<'a> {
        FieldPath {
            parent: Some(self),
            segment: Segment::Field(name),
        }
    }

    /// The element `index` of the array at this path.
    pub fn index(&'a self, index: usize) -> FieldPath<'a> {
        FieldPath {
            parent: Some(self),
            segment: Segment::Index(index),
        }
    }

    fn write_to(&self, out: &mut String) {
        if let Some(parent) = self.parent {
            parent.write_to(out);
        }
        match self.segment {
            Segment::Root => {}
            Segment::Field(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Segment::Index(index) => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write_to(&mut out);
        f.write_str(&out)
    }
}

impl fmt::Debug for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FieldPath({self})")
    }
}

/// The rule a value broke.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// A required value is missing or empty.
    Required,
    /// A string is longer than allowed, counted in characters.
    MaxLength {
        /// The limit.
        max: usize,
        /// The length found.
        actual: usize,
    },
    /// A string is shorter than allowed, counted in characters.
    MinLength {
        /// The limit.
        min: usize,
        /// The length found.
        actual: usize,
    },
    /// A number is below its minimum.
    Minimum {
        /// The limit.
        min: f64,
    },
    /// A number is above its maximum.
    Maximum {
        /// The limit.
        max: f64,
    },
    /// Exactly one of these sibling fields must be present.
    ExactlyOneOf {
        /// The group, as wire names.
        fields: &'static [&'static str],
        /// How many were present.
        present: usize,
    },
    /// At least one of these sibling fields must be present.
    AtLeastOneOf {
        /// The group, as wire names.
        fields: &'static [&'static str],
    },
    /// This field is required because a sibling has a given value.
    RequiredWhen {
        /// The sibling's wire name.
        field: &'static str,
        /// The value that makes this field required.
        equals: &'static str,
    },
    /// A value outside the documented set: an `Unknown` enum variant cannot be sent.
    UnknownValue {
        /// The value found.
        value: String,
    },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Required => f.write_str("is required"),
            Self::MaxLength { max, actual } => {
                write!(f, "must be at most {max} characters (found {actual})")
            }
            Self::MinLength { min, actual } => {
                write!(f, "must be at least {min} characters (found {actual})")
            }
            Self::Minimum { min } => write!(f, "must be at least {min}"),
            Self::Maximum { max } => write!(f, "must be at most {max}"),
            Self::ExactlyOneOf { fields, present } => write!(
                f,
                "exactly one of {} must be given (found {present})",
                fields.join(", ")
            ),
            Self::AtLeastOneOf { fields } => {
                write!(f, "at least one of {} must be given", fields.join(", "))
            }
            Self::RequiredWhen { field, equals } => {
                write!(f, "is required when {field} is {equals}")
            }
            Self::UnknownValue { value } => {
                write!(
                    f,
                    "has the undocumented value {value:?}, which cannot be sent"
                )
            }
        }
    }
}

/// Where a constraint comes from, which decides whether breaking it stops a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// An AlipayHK page states it: a request that breaks it is not sent.
    Documented,
    /// The spec infers it (the text says why): breaking it is a warning unless validation is
    /// [`Strictness::Strict`].
    Inferred(&'static str),
}

/// Which constraints stop a request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Strictness {
    /// Documented constraints stop a request; inferred ones are returned as warnings.
    #[default]
    Documented,
    /// Every constraint stops a request, inferred ones too.
    Strict,
}

/// One broken rule at one place in a request.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Violation {
    /// The field's path in wire names, such as `dataInfo.billNo`; empty for the body itself.
    pub path: String,
    /// The rule it broke.
    pub rule: Rule,
    /// Where the rule comes from.
    pub basis: Basis,
}

impl Violation {
    /// A violation of the documented `rule` at `path`.
    pub fn new(path: &FieldPath<'_>, rule: Rule) -> Self {
        Self::with_basis(path, rule, Basis::Documented)
    }

    /// A violation of `rule` at `path`, which comes from `basis`.
    pub fn with_basis(path: &FieldPath<'_>, rule: Rule, basis: Basis) -> Self {
        Self {
            path: path.to_string(),
            rule,
            basis,
        }
    }

    /// Whether the violation stops a request under `strictness`.
    pub fn stops(&self, strictness: Strictness) -> bool {
        strictness == Strictness::Strict || self.basis == Basis::Documented
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "request {}", self.rule)?;
        } else {
            write!(f, "{} {}", self.path, self.rule)?;
        }
        match self.basis {
            Basis::Documented => Ok(()),
            Basis::Inferred(why) => write!(f, " (inferred: {why})"),
        }
    }
}

/// A request broke one or more constraints that stop it; it was not sent.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid request: {}", join(.violations))]
pub struct ValidationError {
    /// Every violation found, in field order.
    pub violations: Vec<Violation>,
}

fn join(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(Violation::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A value whose documented constraints can be checked before it is sent.
pub trait Validate {
    /// Appends every violation found in `self`, located under `path`.
    fn validate_at(&self, path: &FieldPath<'_>, violations: &mut Vec<Violation>);

    /// Checks every documented constraint and returns all violations, not just the first.
    /// Inferred constraints do not fail it: [`validate_with`](Self::validate_with) returns
    /// them as warnings.
    fn validate(&self) -> Result<(), ValidationError> {
        self.validate_with(Strictness::Documented).map(drop)
    }

    /// Checks every constraint, inferred ones too.
    fn validate_strict(&self) -> Result<(), ValidationError> {
        self.validate_with(Strictness::Strict).map(drop)
    }

    /// Checks every constraint: the violations that stop the request under `strictness` are
    /// the error; the others (inferred constraints, by default) come back as warnings.
    fn validate_with(&self, strictness: Strictness) -> Result<Vec<Violation>, ValidationError> {
        let mut violations = Vec::new();
        self.validate_at(&FieldPath::root(), &mut violations);
        let (stopping, warnings): (Vec<_>, Vec<_>) =
            violations.into_iter().partition(|v| v.stops(strictness));
        if stopping.is_empty() {
            Ok(warnings)
        } else {
            Err(ValidationError {
                violations: stopping,
            })
        }
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_at(&self, path: &FieldPath<'_>, violations: &mut Vec<Violation>) {
        if let Some(value) = self {
            value.validate_at(path, violations);
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_at(&self, path: &FieldPath<'_>, violations: &mut Vec<Violation>) {
        for (index, item) in self.iter().enumerate() {
            item.validate_at(&path.index(index), violations);
        }
    }
}

impl<T: Validate> Validate for std::collections::BTreeMap<String, T> {
    fn validate_at(&self, path: &FieldPath<'_>, violations: &mut Vec<Violation>) {
        for (key, value) in self {
            value.validate_at(&path.field(key), violations);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_fields_and_indexes() {
        let root = FieldPath::root();
        let data = root.field("dataInfo");
        let items = data.field("items");
        let second = items.index(2);
        assert_eq!(second.field("name").to_string(), "dataInfo.items[2].name");
        assert_eq!(root.to_string(), "");
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let root = FieldPath::root();
        let mut violations = Vec::new();
        check_length(
            "會員卡",
            None,
            Some(3),
            Basis::Documented,
            &root.field("name"),
            &mut violations,
        );
        assert!(violations.is_empty());
        check_length(
            "會員卡號",
            None,
            Some(3),
            Basis::Documented,
            &root.field("name"),
            &mut violations,
        );
        assert_eq!(violations[0].rule, Rule::MaxLength { max: 3, actual: 4 });
        assert_eq!(
            violations[0].to_string(),
            "name must be at most 3 characters (found 4)"
        );
    }

    #[test]
    fn groups_count_presence() {
        let root = FieldPath::root();
        let mut violations = Vec::new();
        check_exactly_one_of(
            &["userId", "openId"],
            &[true, true],
            Basis::Documented,
            &root,
            &mut violations,
        );
        check_exactly_one_of(
            &["userId", "openId"],
            &[false, true],
            Basis::Documented,
            &root,
            &mut violations,
        );
        check_at_least_one_of(
            &["a", "b"],
            &[false, false],
            Basis::Inferred("a test"),
            &root,
            &mut violations,
        );
        assert_eq!(violations.len(), 2);
        assert_eq!(
            violations[0].to_string(),
            "request exactly one of userId, openId must be given (found 2)"
        );
        assert_eq!(
            violations[1].to_string(),
            "request at least one of a, b must be given (inferred: a test)"
        );
    }

    struct Inferred;

    impl Validate for Inferred {
        fn validate_at(&self, path: &FieldPath<'_>, violations: &mut Vec<Violation>) {
            check_length(
                "abcd",
                None,
                Some(3),
                Basis::Inferred("a guess"),
                path,
                violations,
            );
            check_length("ab", Some(3), None, Basis::Documented, path, violations);
        }
    }

    #[test]
    fn inferred_constraints_warn_unless_strict() {
        let error = Inferred.validate().unwrap_err();
        assert_eq!(
            error.violations.len(),
            1,
            "only the documented one stops it"
        );
        assert_eq!(
            error.violations[0].rule,
            Rule::MinLength { min: 3, actual: 2 }
        );
        let error = Inferred.validate_strict().unwrap_err();
        assert_eq!(error.violations.len(), 2);
        struct OnlyInferred;
        impl Validate for OnlyInferred {
            fn validate_at(&self, path: &FieldPath<'_>, violations: &mut Vec<Violation>) {
                check_present(false, Basis::Inferred("a guess"), path, violations);
            }
        }
        assert!(OnlyInferred.validate().is_ok());
        let warnings = OnlyInferred.validate_with(Strictness::Documented).unwrap();
        assert_eq!(
            warnings[0].to_string(),
            "request is required (inferred: a guess)"
        );
        assert!(OnlyInferred.validate_with(Strictness::Strict).is_err());
    }
}
