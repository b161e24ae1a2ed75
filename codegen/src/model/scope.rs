//! What a field's type may refer to while one object is built: the shared types, the inline
//! types declared so far, and where new inline types go.

use std::collections::BTreeMap;

use super::report::Reporter;
use super::{EnumValue, FieldDef, TypeDef, TypeHome, TypeId, TypeKind, TypeRef};
use crate::document::raw::Located;

/// What a field's type may refer to, and where inline types it declares go.
pub(super) struct Scope<'a> {
    shared_kinds: &'a BTreeMap<String, TypeKind>,
    shared_types: &'a BTreeMap<String, TypeDef>,
    home: TypeHome,
    /// The endpoint whose module receives inline types, for a [`TypeHome::Local`] scope.
    owner: Option<String>,
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
            owner: None,
            prefix: prefix.to_owned(),
            local: BTreeMap::new(),
            existing_types: false,
        }
    }

    /// Declares inline types in the module of the endpoint named `endpoint`.
    pub(super) fn owned_by(mut self, endpoint: &str) -> Self {
        self.owner = Some(endpoint.to_owned());
        self
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
        match self.get(&ty.id()?) {
            Some(TypeDef::Enum(def)) => Some(&def.values),
            _ => None,
        }
    }

    /// The fields of an object type this scope can see.
    pub(super) fn object_fields(&self, ty: &TypeRef) -> Option<&[FieldDef]> {
        match self.get(&ty.id()?) {
            Some(TypeDef::Object(def)) => Some(&def.fields),
            _ => None,
        }
    }

    /// The declaration of `id` as far as the API is built: the part of the type space this
    /// scope sees, by the same [`TypeId`] the finished [`Api::get`](super::Api::get) takes.
    /// Inline types declared in a shared scope are shared types.
    fn get(&self, id: &TypeId) -> Option<&TypeDef> {
        let local = || self.local.get(&id.name).map(|(def, _)| def);
        match &id.owner {
            None if self.home == TypeHome::Shared => self.shared_types.get(&id.name).or_else(local),
            None => self.shared_types.get(&id.name),
            Some(owner) if self.owner.as_ref() == Some(owner) => local(),
            Some(_) => None,
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
            TypeDef::Identifier(_) => TypeKind::Identifier,
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
            owner: (self.home == TypeHome::Local)
                .then(|| self.owner.clone())
                .flatten(),
        }
    }
}
