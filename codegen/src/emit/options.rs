//! Where generated code finds the crates it uses, and how wide its lines are.

use crate::error::Error;

/// Where generated code finds the runtime crate and `serde`, and how wide its lines are made.
///
/// ```
/// use alipayhk_codegen::EmitOptions;
///
/// // A crate that depends on `alipayhk-runtime` and `serde` itself.
/// let direct = EmitOptions::runtime_crate();
/// // A crate that depends on `alipayhk` alone: what `Builder` uses unless told otherwise.
/// let through = EmitOptions::through_crate("alipayhk")?.width(120);
/// // A name that is not a Rust identifier is refused, not replaced.
/// assert!(EmitOptions::through_crate("alipay-hk").is_err());
/// # let _ = (direct, through);
/// # Ok::<(), alipayhk_codegen::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct EmitOptions {
    /// Path to `alipayhk-runtime`, such as `alipayhk_runtime` or `::alipayhk::runtime`.
    runtime: String,
    /// Path to `serde` when the using crate does not depend on it directly, such as
    /// `::alipayhk::runtime::serde`; `None` uses the crate's own `serde`.
    serde_crate: Option<String>,
    /// The widest a generated line is made to be; see the printer's rule in
    /// `syntax/printer.rs`. `usize::MAX` puts every list on one line.
    width: usize,
}

/// The default line width.
const WIDTH: usize = 100;

impl Default for EmitOptions {
    /// [`EmitOptions::runtime_crate`].
    fn default() -> Self {
        Self::runtime_crate()
    }
}

impl EmitOptions {
    /// Generated code names the runtime crate directly, as `alipayhk_runtime`, and derives
    /// with the crate's own `serde`: for a crate that depends on both, as the `alipayhk`
    /// crate does. Lines are at most 100 columns where a break can make them so.
    pub fn runtime_crate() -> Self {
        Self {
            runtime: "alipayhk_runtime".to_owned(),
            serde_crate: None,
            width: WIDTH,
        }
    }

    /// Generated code reaches the runtime through the crate `name`, as `::name::runtime`, and
    /// `serde` as `::name::runtime::serde`: for a crate that depends on `alipayhk` (or a crate
    /// re-exporting it as `runtime`) and nothing else. An error when `name` is not a Rust
    /// identifier, such as a package name with a `-` (write it with `_`).
    pub fn through_crate(name: &str) -> Result<Self, Error> {
        let identifier = {
            let mut chars = name.chars();
            chars
                .next()
                .is_some_and(|first| first == '_' || first.is_ascii_alphabetic())
                && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        };
        let keyword = matches!(name, "_" | "crate" | "self" | "super" | "Self");
        if identifier && !keyword {
            Ok(Self::through(name))
        } else {
            Err(Error::InvalidOption {
                option: "crate name",
                value: name.to_owned(),
                message: "expected a crate name as Rust spells it, such as `alipayhk`",
            })
        }
    }

    /// Lines are made at most `width` columns wide where a break can make them so.
    pub fn width(mut self, width: usize) -> Self {
        self.width = width;
        self
    }

    /// The options of code in a merchant's crate, which depends on `alipayhk` alone: the
    /// attribute macro's expansions and [`Builder`](crate::Builder)'s module.
    pub(crate) fn alipayhk() -> Self {
        Self::through("alipayhk")
    }

    /// [`through_crate`](Self::through_crate), for a name known to be an identifier.
    fn through(name: &str) -> Self {
        Self {
            runtime: format!("::{name}::runtime"),
            serde_crate: Some(format!("::{name}::runtime::serde")),
            width: WIDTH,
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_name_gives_the_paths_through_it() {
        let options = EmitOptions::through_crate("alipayhk").unwrap();
        assert_eq!(options.runtime_root(), "::alipayhk::runtime");
        assert_eq!(options.serde_root(), Some("::alipayhk::runtime::serde"));
        assert_eq!(options.line_width(), 100);
        let direct = EmitOptions::default();
        assert_eq!(direct.runtime_root(), "alipayhk_runtime");
        assert_eq!(direct.serde_root(), None);
        assert_eq!(direct.width(usize::MAX).line_width(), usize::MAX);
    }

    #[test]
    fn a_name_that_is_not_an_identifier_is_an_error_naming_it() {
        for bad in [
            "",
            "alipay-hk",
            "::alipayhk",
            "alipayhk::runtime",
            "1st",
            "crate",
            " a",
        ] {
            let error = EmitOptions::through_crate(bad).unwrap_err();
            assert!(
                matches!(&error, Error::InvalidOption { value, .. } if value == bad),
                "{bad:?}: {error}"
            );
            assert!(error.to_string().contains(&format!("{bad:?}")), "{error}");
        }
    }
}
