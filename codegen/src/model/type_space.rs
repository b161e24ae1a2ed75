//! The model's type space: how a field names a type (`TypeRef`), what identifies a type across
//! the whole API (`TypeId`), and the one resolver from either to its declaration.

use super::{Api, FieldType, TypeDef};

impl Api {
    /// The declaration a named type refers to. The one place a `TypeRef` is resolved: the
    /// reachability pass and every emitter ask here. Two map lookups, whatever the API's size.
    pub(crate) fn resolve(&self, r: &TypeRef) -> Option<&TypeDef> {
        self.get(&r.id()?)
    }

    /// The declaration of the type `id`.
    pub(crate) fn get(&self, id: &TypeId) -> Option<&TypeDef> {
        match &id.owner {
            None => self.shared_types.get(&id.name),
            Some(endpoint) => self.endpoints.get(endpoint)?.types.get(&id.name),
        }
    }
}

impl FieldType {
    /// Whether the value is a string on the wire and in length checks: `string` or an
    /// identifier newtype.
    pub(crate) fn is_text(&self) -> bool {
        match self {
            FieldType::String => true,
            FieldType::Named(r) => r.kind == TypeKind::Identifier,
            _ => false,
        }
    }

    /// The named type this is, or holds in its arrays and maps (`Vec<BTreeMap<_, T>>` → `T`).
    pub(crate) fn innermost_named(&self) -> Option<&TypeRef> {
        match self {
            FieldType::Named(r) => Some(r),
            FieldType::Array(inner) | FieldType::Map(inner) => inner.innermost_named(),
            _ => None,
        }
    }

    /// Whether the value is an identifier newtype, built from any `Into<Self>`.
    pub(crate) fn is_identifier(&self) -> bool {
        matches!(self, FieldType::Named(r) if r.kind == TypeKind::Identifier)
    }
}

/// A reference to a named type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TypeRef {
    /// Rust name.
    pub name: String,
    /// Object, enum or identifier.
    pub kind: TypeKind,
    /// Where it is declared.
    pub home: TypeHome,
    /// For a type declared in an endpoint's module ([`TypeHome::Local`]): that endpoint's
    /// name, its key in [`Api::endpoints`].
    pub owner: Option<String>,
}

impl TypeRef {
    /// The type's identity across the API; `None` for an existing Rust type, which the model
    /// does not hold.
    pub(crate) fn id(&self) -> Option<TypeId> {
        match self.home {
            TypeHome::Shared => Some(TypeId {
                owner: None,
                name: self.name.clone(),
            }),
            TypeHome::Local => Some(TypeId {
                owner: self.owner.clone(),
                name: self.name.clone(),
            }),
            TypeHome::Existing => None,
        }
    }
}

/// A named type's identity across the whole API: the endpoint whose module declares it
/// (`None` for the shared `types` module) and its Rust name. Every pass that needs "the same
/// type" compares these, never strings assembled for the purpose.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct TypeId {
    /// The declaring endpoint's name; `None` for a shared type.
    pub owner: Option<String>,
    /// The Rust name.
    pub name: String,
}

/// What a named type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeKind {
    /// A struct.
    Object,
    /// An enum.
    Enum,
    /// A string newtype.
    Identifier,
}

/// Where a named type is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeHome {
    /// In the shared `types` module.
    Shared,
    /// In the module of the endpoint that uses it.
    Local,
    /// A Rust type the model does not declare, in scope where the code is emitted
    /// (attribute front door only).
    Existing,
}
