//! Where generated code finds the crates it uses.

/// Where generated code finds the runtime crate and serde.
#[derive(Clone, Debug)]
pub struct EmitOptions {
    /// Path to `alipayhk-runtime`, such as `alipayhk_runtime` or `::alipayhk::runtime`; see
    /// [`runtime_path`].
    pub runtime: String,
    /// Path to `serde` when the using crate does not depend on it directly, such as
    /// `::alipayhk::runtime::serde`; `None` uses the crate's own `serde`.
    pub serde_crate: Option<String>,
    /// The widest a generated line is made to be, [`WIDTH`] by default; see the printer's
    /// rule in `syntax/printer.rs`. `usize::MAX` puts every list on one line.
    pub width: usize,
}

/// The default [`EmitOptions::width`].
pub const WIDTH: usize = 100;

impl Default for EmitOptions {
    fn default() -> Self {
        Self {
            runtime: DEFAULT_RUNTIME.to_owned(),
            serde_crate: None,
            width: WIDTH,
        }
    }
}

const DEFAULT_RUNTIME: &str = "alipayhk_runtime";

impl EmitOptions {
    /// The path generated code reaches the runtime crate by.
    pub(crate) fn runtime_root(&self) -> &str {
        &self.runtime
    }

    /// The path generated code reaches serde by, when not its own `serde`.
    pub(crate) fn serde_root(&self) -> Option<&str> {
        self.serde_crate.as_deref()
    }

    /// The widest a generated line is made to be.
    pub(crate) fn line_width(&self) -> usize {
        self.width
    }
}

/// Checks a path such as `::alipayhk::runtime` for [`EmitOptions::runtime`]: identifiers
/// joined by `::`, with an optional leading `::`. A path that is not one falls back to
/// `alipayhk_runtime`, so generated code never holds text that is not a path.
pub fn runtime_path(path: &str) -> String {
    let path = path.trim();
    let segments = path.strip_prefix("::").unwrap_or(path).split("::");
    let identifier = |segment: &str| {
        let mut chars = segment.chars();
        chars
            .next()
            .is_some_and(|first| first == '_' || first.is_ascii_alphabetic())
            && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
    };
    if segments.clone().all(identifier) {
        path.to_owned()
    } else {
        DEFAULT_RUNTIME.to_owned()
    }
}
