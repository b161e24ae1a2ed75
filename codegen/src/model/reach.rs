//! Which types each direction reaches, computed once over the whole API: objects reachable
//! from a request are validated, enums reachable from a response or notification are open.

use std::collections::BTreeSet;

use super::*;

/// Marks objects reachable from a request as validated and enums reachable from a response
/// (or a notification) as open: requests can only hold documented values, what is received
/// may carry new ones.
pub(super) fn mark_reachability(api: &mut Api) {
    let mut validated = BTreeSet::new();
    let mut open = BTreeSet::new();
    for endpoint in api.endpoints.values() {
        let lookup = |r: &TypeRef| -> Option<TypeDef> {
            match r.home {
                TypeHome::Shared => api.shared_types.get(&r.name).cloned(),
                TypeHome::Local => endpoint.types.get(&r.name).cloned(),
                TypeHome::Existing => None,
            }
        };
        walk(
            &endpoint.request,
            &lookup,
            &mut validated,
            &mut BTreeSet::new(),
            endpoint,
            true,
        );
        // A notification is received: like a response, it may carry values this version does
        // not know, while the local gateway still validates what it sends.
        if endpoint.flow == Flow::Inbound {
            walk(
                &endpoint.request,
                &lookup,
                &mut open,
                &mut BTreeSet::new(),
                endpoint,
                false,
            );
        }
        if let Some(response) = endpoint.response.declared() {
            walk(
                response,
                &lookup,
                &mut open,
                &mut BTreeSet::new(),
                endpoint,
                false,
            );
        }
    }
    let key = |home: TypeHome, module: &str, name: &str| {
        format!(
            "{}::{name}",
            if home == TypeHome::Shared {
                "types"
            } else {
                module
            }
        )
    };
    let apply = |def: &mut TypeDef, home: TypeHome, module: &str| match def {
        TypeDef::Object(o) => o.validated = validated.contains(&key(home, module, &o.name)),
        TypeDef::Enum(e) => e.open = open.contains(&key(home, module, &e.name)),
    };
    for def in api.shared_types.values_mut() {
        apply(def, TypeHome::Shared, "");
    }
    for endpoint in api.endpoints.values_mut() {
        endpoint.request.validated = true;
        let module = endpoint.module.clone();
        for def in endpoint.types.values_mut() {
            apply(def, TypeHome::Local, &module);
        }
    }
}

/// Collects, as `module::Name`, the objects (for requests) or enums (for responses) reachable
/// from `object`.
fn walk(
    object: &ObjectDef,
    lookup: &dyn Fn(&TypeRef) -> Option<TypeDef>,
    found: &mut BTreeSet<String>,
    visited: &mut BTreeSet<String>,
    endpoint: &Endpoint,
    collect_objects: bool,
) {
    for field in &object.fields {
        let mut ty = &field.ty;
        while let FieldType::Array(inner) | FieldType::Map(inner) = ty {
            ty = inner;
        }
        let FieldType::Named(r) = ty else { continue };
        let key = format!(
            "{}::{}",
            if r.home == TypeHome::Shared {
                "types"
            } else {
                &endpoint.module
            },
            r.name
        );
        if !visited.insert(key.clone()) {
            continue;
        }
        match lookup(r) {
            Some(TypeDef::Object(inner)) => {
                if collect_objects {
                    found.insert(key);
                }
                walk(&inner, lookup, found, visited, endpoint, collect_objects);
            }
            Some(TypeDef::Enum(_)) if !collect_objects => {
                found.insert(key);
            }
            _ => {}
        }
    }
}
