//! The value inside a generated enum's `Unknown` variant: a wire value this version of the
//! crate does not know.

use std::fmt;

/// A wire value the enum does not know, kept exactly as received.
///
/// Only parsing makes one (`From<&str>` and deserializing the enum), so an `Unknown` never
/// holds a value the enum has a variant for: `ButtonType::from("usage")` is
/// `ButtonType::Usage`, and `ButtonType::Unknown(..)` cannot be written by hand. Together with
/// `#[non_exhaustive]` on the enums that carry it, a value AlipayHK adds later (and a variant
/// a later version of this crate adds for it) breaks neither parsing nor your `match`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For generated code only, which makes one after matching every known value; not part of
    /// the API.
    #[doc(hidden)]
    pub fn __from_unmatched_wire_value(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for UnknownValue {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for UnknownValue {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}
