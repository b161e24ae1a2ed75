//! The checks generated `validate_at` methods call: one function per kind of constraint, each
//! recording a located [`Violation`] with the constraint's [`Basis`].

use super::{Basis, FieldPath, Rule, Violation};

/// Records [`Rule::Required`] when a required string is empty.
pub fn check_not_empty(
    value: &str,
    basis: Basis,
    path: &FieldPath<'_>,
    violations: &mut Vec<Violation>,
) {
    if value.is_empty() {
        violations.push(Violation::with_basis(path, Rule::Required, basis));
    }
}

/// Records [`Rule::Required`] when a field the spec calls required (by inference, so the
/// field is an `Option`) is unset.
pub fn check_present(
    present: bool,
    basis: Basis,
    path: &FieldPath<'_>,
    violations: &mut Vec<Violation>,
) {
    if !present {
        violations.push(Violation::with_basis(path, Rule::Required, basis));
    }
}

/// Records [`Rule::MaxLength`] / [`Rule::MinLength`] for a string, counted in characters
/// as the AlipayHK documentation counts them.
pub fn check_length(
    value: &str,
    min: Option<usize>,
    max: Option<usize>,
    basis: Basis,
    path: &FieldPath<'_>,
    violations: &mut Vec<Violation>,
) {
    // A UTF-8 string has at most as many characters as bytes, so the byte length settles
    // the common short-and-valid case without counting.
    if min.is_none() && max.is_some_and(|max| value.len() <= max) {
        return;
    }
    let actual = value.chars().count();
    if let Some(max) = max.filter(|&max| actual > max) {
        violations.push(Violation::with_basis(
            path,
            Rule::MaxLength { max, actual },
            basis,
        ));
    }
    if let Some(min) = min.filter(|&min| actual < min) {
        violations.push(Violation::with_basis(
            path,
            Rule::MinLength { min, actual },
            basis,
        ));
    }
}

/// Records [`Rule::Minimum`] / [`Rule::Maximum`] for a number.
pub fn check_range(
    value: f64,
    min: Option<f64>,
    max: Option<f64>,
    basis: Basis,
    path: &FieldPath<'_>,
    violations: &mut Vec<Violation>,
) {
    if let Some(min) = min.filter(|&min| value < min) {
        violations.push(Violation::with_basis(path, Rule::Minimum { min }, basis));
    }
    if let Some(max) = max.filter(|&max| value > max) {
        violations.push(Violation::with_basis(path, Rule::Maximum { max }, basis));
    }
}

/// Records [`Rule::ExactlyOneOf`] unless exactly one of `present` is true.
pub fn check_exactly_one_of(
    fields: &'static [&'static str],
    present: &[bool],
    basis: Basis,
    path: &FieldPath<'_>,
    violations: &mut Vec<Violation>,
) {
    let count = present.iter().filter(|&&p| p).count();
    if count != 1 {
        violations.push(Violation::with_basis(
            path,
            Rule::ExactlyOneOf {
                fields,
                present: count,
            },
            basis,
        ));
    }
}

/// Records [`Rule::AtLeastOneOf`] unless one of `present` is true.
pub fn check_at_least_one_of(
    fields: &'static [&'static str],
    present: &[bool],
    basis: Basis,
    path: &FieldPath<'_>,
    violations: &mut Vec<Violation>,
) {
    if !present.contains(&true) {
        violations.push(Violation::with_basis(
            path,
            Rule::AtLeastOneOf { fields },
            basis,
        ));
    }
}
