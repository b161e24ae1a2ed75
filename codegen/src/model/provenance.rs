//! Where each fact of the model comes from: a page, an inference, or (for the attribute
//! front door) nothing said. A leaf: `citations` builds these from the documents.

/// A documentation page the spec cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DocSource {
    /// The id items cite.
    pub id: String,
    /// The page's title.
    pub title: String,
    /// Where it is.
    pub url: String,
    /// When it was read, `YYYY-MM-DD`.
    pub read: String,
}

/// Where a fact of the spec comes from, which decides whether it is enforced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Provenance {
    /// A documentation page states it: enforced.
    Documented {
        /// The page's title.
        title: String,
        /// Where it is.
        url: String,
    },
    /// Our inference, with why: documented as such, and never rejects a request unless the
    /// caller asks for strict validation.
    Inferred(String),
    /// Nothing said. Only the attribute front door builds it (its author states their own
    /// endpoint's constraints in Rust, and they are enforced); YAML refuses it at load.
    Unstated,
}

impl Provenance {
    /// Whether a violation rejects a request by default.
    pub(crate) fn enforced(&self) -> bool {
        !matches!(self, Self::Inferred(_))
    }

    /// Why, for an inferred fact.
    pub(crate) fn inference(&self) -> Option<&str> {
        match self {
            Self::Inferred(why) => Some(why),
            _ => None,
        }
    }
}

/// A limit on a value and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Limit<T> {
    /// The limit.
    pub value: T,
    /// Where it comes from.
    pub provenance: Provenance,
}
