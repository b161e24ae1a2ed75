//! What a field's type may refer to while one object is built: the shared types, the inline
//! types declared so far, and where new inline types go.

use std::collections::BTreeMap;

use super::report::Reporter;
use super::{EnumValue, TypeDef, TypeHome, TypeKind, TypeRef};
use crate::document::raw::Located;

/// What a field's type may refer to, and where inline types it declares go.
pub(super) struct Scope<'a> {
    shared_kinds: &'a BTreeMap<String, TypeKind>,
    shared_types: &'a BTreeMap<String, TypeDef>,
    home: TypeHome,
    prefix: String,
    local: BTreeMap<String, (TypeDef, Located<String>)>,
    existing_types: bool,
}

impl<'a> Scope<'a> {
    pub(super) fn new(
        shared_kinds: &'a BTreeMap<String, TypeKind>,
        shared_types: &'a BTreeMap<String, TypeDef>,
        home: TypeHome,
        prefix: &str,
    ) -> Self {
        Self {
            shared_kinds,
            shared_types,
            home,
            prefix: prefix.to_owned(),
            local: BTreeMap::new(),
            existing_types: false,
        }
    }

    /// Takes a type name this scope does not declare as an existing Rust type, as the
    /// attribute front door does, instead of reporting it as unknown.
    pub(super) fn with_existing_types(mut self, allowed: bool) -> Self {
        self.existing_types = allowed;
        self
    }

    /// The kind of the shared type `name`, if the API declares one.
    pub(super) fn shared_kind(&self, name: &str) -> Option<&TypeKind> {
        self.shared_kinds.get(name)
    }

    /// The names of the API's shared types, in order.
    pub(super) fn shared_names(&self) -> impl Iterator<Item = &str> {
        self.shared_kinds.keys().map(String::as_str)
    }

    /// Whether an unknown name may be an existing Rust type (the attribute front door).
    pub(super) fn takes_existing_types(&self) -> bool {
        self.existing_types
    }

    /// What inline type names declared here start with.
    pub(super) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The inline types declared in this scope, with where each was declared.
    pub(super) fn into_local(self) -> BTreeMap<String, (TypeDef, Located<String>)> {
        self.local
    }

    /// The values of an enum this scope can see.
    pub(super) fn enum_values(&self, ty: &TypeRef) -> Option<&[EnumValue]> {
        let def = match ty.home {
            TypeHome::Shared => self
                .shared_types
                .get(&ty.name)
                .or_else(|| self.local.get(&ty.name).map(|(d, _)| d)),
            TypeHome::Local => self.local.get(&ty.name).map(|(d, _)| d),
            TypeHome::Existing => None,
        };
        match def {
            Some(TypeDef::Enum(def)) => Some(&def.values),
            _ => None,
        }
    }

    /// Declares an inline type in this scope (reporting a name already taken) and refers to it.
    pub(super) fn declare(
        &mut self,
        report: &mut Reporter<'_>,
        at: &Located<String>,
        field: &str,
        name: String,
        def: TypeDef,
    ) -> TypeRef {
        let kind = match def {
            TypeDef::Object(_) => TypeKind::Object,
            TypeDef::Enum(_) => TypeKind::Enum,
        };
        if self.shared_kinds.contains_key(&name) || self.local.contains_key(&name) {
            report.error(
                at,
                field,
                format!("type name `{name}` is already used; set a different `type_name`"),
            );
        } else {
            let mut located = at.clone();
            located.value = name.clone();
            self.local.insert(name.clone(), (def, located));
        }
        TypeRef {
            name,
            kind,
            home: self.home,
        }
    }
}
