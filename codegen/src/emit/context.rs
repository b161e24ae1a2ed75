//! What every emitter works from: the checked model, and where the generated code finds the
//! crates it uses. Emitters name the runtime's items as [`RuntimeType`]s and serde's as
//! [`Serde`]; only the context spells their paths, so code emitted for the `alipayhk` crate,
//! for a build script or for the attribute macro differs here and nowhere else.

use super::options::EmitOptions;
use super::runtime_type::{self as rt, RuntimeType};
use super::syntax::{Code, Element, generic};
use crate::model::{Api, FieldType, TypeHome, TypeRef};

/// The model and the paths generated code uses, passed to every emitter.
pub(crate) struct Context<'a> {
    /// The checked spec.
    pub(crate) api: &'a Api,
    options: &'a EmitOptions,
}

/// Where the code being emitted lives, to spell references to named types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Site {
    /// The shared `types` module.
    Shared,
    /// An endpoint module (or a user's crate, for the attribute macro).
    Endpoint,
}

/// The serde items generated code names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Serde {
    Serialize,
    Deserialize,
    Serializer,
    Deserializer,
}

impl Serde {
    fn name(self) -> &'static str {
        match self {
            Self::Serialize => "Serialize",
            Self::Deserialize => "Deserialize",
            Self::Serializer => "Serializer",
            Self::Deserializer => "Deserializer",
        }
    }
}

impl<'a> Context<'a> {
    pub(crate) fn new(api: &'a Api, options: &'a EmitOptions) -> Self {
        Self { api, options }
    }

    /// The widest a generated line is made to be.
    pub(crate) fn width(&self) -> usize {
        self.options.line_width()
    }

    /// The runtime crate itself, as the generated crate reaches it.
    pub(crate) fn runtime_root(&self) -> Code {
        self.options.runtime_root().into()
    }

    /// The path of a runtime item: `alipayhk_runtime::Validate`.
    pub(crate) fn rt(&self, item: RuntimeType) -> Code {
        self.rt_member(item, "")
    }

    /// The path of a member of a runtime item (a variant, an associated function, a function
    /// of a module): `alipayhk_runtime::HttpMethod::Post`. An empty `member` is the item.
    pub(crate) fn rt_member(&self, item: RuntimeType, member: &str) -> Code {
        let mut path = format!("{}::{}", self.options.runtime_root(), item.path());
        if !member.is_empty() {
            path.push_str("::");
            path.push_str(member);
        }
        path.into()
    }

    /// `use` of runtime items: `use <runtime>::path;` for one, and for several their common
    /// module once, `use <runtime>::server::{Verified, axum::routing};`.
    pub(crate) fn use_rt(&self, items: &[RuntimeType]) -> Element {
        let paths: Vec<Vec<&str>> = items
            .iter()
            .map(|i| i.path().split("::").collect())
            .collect();
        let shared = match paths.as_slice() {
            [] | [_] => 0,
            [first, rest @ ..] => (0..first.len() - 1)
                .take_while(|&n| rest.iter().all(|p| p.len() > n + 1 && p[n] == first[n]))
                .count(),
        };
        let root = self.options.runtime_root();
        let text = match paths.as_slice() {
            [single] => format!("use {root}::{};", single.join("::")),
            _ => {
                let prefix = paths.first().map_or(&[][..], |p| &p[..shared]);
                let rest: Vec<String> = paths.iter().map(|p| p[shared..].join("::")).collect();
                let module: String = prefix.iter().map(|s| format!("::{s}")).collect();
                format!("use {root}{module}::{{{}}};", rest.join(", "))
            }
        };
        Element::from(Code::from(text))
    }

    /// Whether generated modules import serde's derives (`use serde::{Deserialize,
    /// Serialize};`): in the generated crate, which depends on serde, they do; code from the
    /// attribute macro lands in a user's module, which may not import serde or may import
    /// something else under those names.
    pub(crate) fn imports_serde(&self) -> bool {
        self.options.serde_root().is_none()
    }

    /// A serde item by its full path (`serde::Serializer`), for trait bounds and impls.
    pub(crate) fn serde(&self, item: Serde) -> Code {
        let root = self.options.serde_root().unwrap_or("serde");
        format!("{root}::{}", item.name()).into()
    }

    /// The serde derives as a `derive` names them: bare where the module imports them.
    pub(crate) fn serde_derives(&self) -> [Code; 2] {
        [Serde::Serialize, Serde::Deserialize].map(|item| {
            if self.imports_serde() {
                item.name().into()
            } else {
                self.serde(item)
            }
        })
    }

    /// `serde(crate = "…")`, when serde is reached through another crate.
    pub(crate) fn serde_crate_attribute(&self) -> Option<Code> {
        let root = self.options.serde_root()?;
        Some(super::syntax::call(
            "serde",
            [format!("crate = {root:?}").into()],
        ))
    }

    /// The Rust type of a field's value (without the `Option` of an optional field).
    pub(crate) fn rust_type(&self, ty: &FieldType, site: Site) -> Code {
        match ty {
            FieldType::String => "String".into(),
            FieldType::Integer => "i64".into(),
            FieldType::Number => "f64".into(),
            FieldType::Boolean => "bool".into(),
            FieldType::Timestamp => self.rt(rt::EPOCH_MILLIS),
            FieldType::Json => self.rt(rt::JSON_VALUE),
            FieldType::Result => self.rt(rt::RESULT_INFO),
            FieldType::Named(r) => named(r, site),
            FieldType::Array(inner) => generic("Vec", [self.rust_type(inner, site)]),
            FieldType::Map(inner) => generic(
                "std::collections::BTreeMap",
                ["String".into(), self.rust_type(inner, site)],
            ),
        }
    }
}

/// A named type's path from `site`.
fn named(r: &TypeRef, site: Site) -> Code {
    match (r.home, site) {
        // Relative, so a module reads the same in the checked-in crate and in a module a
        // build script writes.
        (TypeHome::Shared, Site::Endpoint) => shared_type(&r.name),
        // An existing type is a path as the user wrote it, never a single identifier.
        _ => r.name.as_str().into(),
    }
}

/// A shared type's path from an endpoint module: `super::types::Name`.
pub(crate) fn shared_type(name: &str) -> Code {
    format!("super::types::{name}").into()
}

// The spec is read for a context, and reading needs `yaml`.
#[cfg(all(test, feature = "yaml"))]
mod tests {
    use super::*;

    #[test]
    fn runtime_items_are_imported_under_their_common_module() {
        let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        let api = crate::load(&spec).expect("the spec loads");
        let options = EmitOptions::default();
        let cx = Context::new(&api, &options);
        let text = |items: &[RuntimeType]| match cx.use_rt(items).code {
            Code::Text(text) => text,
            other => panic!("{other:?}"),
        };
        assert_eq!(text(&[rt::AXUM]), "use alipayhk_runtime::server::axum;");
        assert_eq!(
            text(&[rt::SERVER_VERIFIED, rt::AXUM_STATE, rt::AXUM_ROUTING]),
            "use alipayhk_runtime::server::{Verified, axum::extract::State, axum::routing};"
        );
        assert_eq!(
            text(&[rt::ENDPOINT, rt::SERVER_HANDLE]),
            "use alipayhk_runtime::{Endpoint, server::handle};"
        );
    }
}
