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
        let reach = |object: &ObjectDef, found: &mut BTreeSet<TypeId>, objects: bool| {
            let walk = Walk {
                api,
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
    let apply = |def: &mut TypeDef, owner: Option<&str>| {
        let id = |name: &str| TypeId {
            owner: owner.map(str::to_owned),
            name: name.to_owned(),
        };
        match def {
            TypeDef::Object(o) => o.validated = validated.contains(&id(&o.name)),
            TypeDef::Enum(e) => e.open = open.contains(&id(&e.name)),
            TypeDef::Identifier(_) => {}
        }
    };
    for def in api.shared_types.values_mut() {
        apply(def, None);
    }
    for (name, endpoint) in &mut api.endpoints {
        endpoint.request.validated = true;
        for def in endpoint.types.values_mut() {
            apply(def, Some(name));
        }
    }
}

/// One walk from an endpoint's message through the types it names.
struct Walk<'a> {
    api: &'a Api,
    /// Collect the objects reached (for requests), or else the enums (for what is received).
    collect_objects: bool,
}

impl Walk<'_> {
    fn from(&self, object: &ObjectDef, found: &mut BTreeSet<TypeId>, seen: &mut BTreeSet<TypeId>) {
        for field in &object.fields {
            let Some(id) = field.ty.innermost_named().and_then(TypeRef::id) else {
                continue;
            };
            if !seen.insert(id.clone()) {
                continue;
            }
            match self.api.get(&id) {
                Some(TypeDef::Object(inner)) => {
                    if self.collect_objects {
                        found.insert(id);
                    }
                    self.from(inner, found, seen);
                }
                Some(TypeDef::Enum(_)) if !self.collect_objects => {
                    found.insert(id);
                }
                _ => {}
            }
        }
    }
}
