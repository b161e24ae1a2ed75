//! A value with the place it was written, so the model can report mistakes where they are.

use serde::{Deserialize, Deserializer};

/// Where a value was written.
///
/// From YAML, the 1-based line and column. The attribute front door
/// ([`crate::attribute`]) has no lines: it numbers the tokens it read and puts that number in
/// `line`, with `column` 0, then maps reported errors back to the tokens' spans.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Position {
    /// 1-based line, or the attribute front door's token number; 0 when unknown.
    pub line: u32,
    /// 1-based column; 0 when unknown.
    pub column: u32,
}

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub at: Position,
}

impl<T> Located<T> {
    /// A value written at `at`.
    pub(crate) fn new(value: T, at: Position) -> Self {
        Self { value, at }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    #[cfg(feature = "yaml")]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        Ok(Self {
            value: spanned.value,
            at: Position {
                line: spanned.referenced.line() as u32,
                column: spanned.referenced.column() as u32,
            },
        })
    }

    #[cfg(not(feature = "yaml"))]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(|value| Self {
            value,
            at: Position::default(),
        })
    }
}
