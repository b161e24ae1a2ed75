//! Which types each direction reaches, computed once over the whole API: objects reachable
//! from a request are validated, enums reachable from a response or notification are open.

use std::collections::BTreeSet;

use super::*;

/// A named type's identity across the API: its module (`None` for the shared `types`
/// module) and its name.
type TypeKey = (Option<String>, String);

fn key(r: &TypeRef, module: &str) -> TypeKey {
    let module = (r.home == TypeHome::Local).then(|| module.to_owned());
    (module, r.name.clone())
}

/// Marks objects reachable from a request as validated and enums reachable from a response
/// (or a notification) as open: requests can only hold documented values, what is received
/// may carry new ones.
pub(super) fn mark_reachability(api: &mut Api) {
    let mut validated = BTreeSet::new();
    let mut open = BTreeSet::new();
    for endpoint in api.endpoints.values() {
        let reach = |object: &ObjectDef, found: &mut BTreeSet<TypeKey>, objects: bool| {
            let walk = Walk {
                api,
                module: &endpoint.module,
                collect_objects: objects,
            };
            walk.from(object, found, &mut BTreeSet::new());
        };
        reach(&endpoint.request, &mut validated, true);
        // A notification is received: like a response, it may carry values this version does
        // not know, while the local gateway still validates what it sends.
        if endpoint.flow == Flow::Inbound {
            reach(&endpoint.request, &mut open, false);
        }
        if let Some(response) = endpoint.response.declared() {
            reach(response, &mut open, false);
        }
    }
    let apply = |def: &mut TypeDef, module: Option<&str>| {
        let key = |name: &str| (module.map(str::to_owned), name.to_owned());
        match def {
            TypeDef::Object(o) => o.validated = validated.contains(&key(&o.name)),
            TypeDef::Enum(e) => e.open = open.contains(&key(&e.name)),
        }
    };
    for def in api.shared_types.values_mut() {
        apply(def, None);
    }
    for endpoint in api.endpoints.values_mut() {
        endpoint.request.validated = true;
        let module = endpoint.module.clone();
        for def in endpoint.types.values_mut() {
            apply(def, Some(&module));
        }
    }
}

/// One walk from an endpoint's message through the types it names.
struct Walk<'a> {
    api: &'a Api,
    module: &'a str,
    /// Collect the objects reached (for requests), or else the enums (for what is received).
    collect_objects: bool,
}

impl Walk<'_> {
    fn from(
        &self,
        object: &ObjectDef,
        found: &mut BTreeSet<TypeKey>,
        seen: &mut BTreeSet<TypeKey>,
    ) {
        for field in &object.fields {
            let mut ty = &field.ty;
            while let FieldType::Array(inner) | FieldType::Map(inner) = ty {
                ty = inner;
            }
            let FieldType::Named(r) = ty else { continue };
            let key = key(r, self.module);
            if !seen.insert(key.clone()) {
                continue;
            }
            match self.api.resolve(r, Some(self.module)) {
                Some(TypeDef::Object(inner)) => {
                    if self.collect_objects {
                        found.insert(key);
                    }
                    self.from(inner, found, seen);
                }
                Some(TypeDef::Enum(_)) if !self.collect_objects => {
                    found.insert(key);
                }
                _ => {}
            }
        }
    }
}
