//! Endpoint groups: the generated crate compiles each group's endpoints behind a cargo feature
//! of the group's name, so a merchant who calls only passes does not compile templates.
//!
//! Group names become feature names next to the crate's own features, so they are checked
//! against those; and an endpoint that resolves another's unknown outcome must be in its
//! group, or turning one feature off would leave a dangling reference.

use std::collections::{BTreeMap, BTreeSet};

use super::report::Reporter;
use super::{Api, EndpointDef, ObjectDef, ResultCodes, TypeDef, TypeRef, provenance::DocSource};
use crate::document::SpecSources;
use crate::document::raw::{ApiSpec, Located};
use crate::error::SpecError;

/// The features the generated crate declares by hand (see `generated/Cargo.toml`), plus the
/// one that turns every group on; a group cannot take these names.
const RESERVED: &[&str] = &[
    "default",
    "client",
    "aws-lc",
    "rust-crypto",
    "server",
    "webhooks",
    "sqlite",
    "macros",
    ALL_ENDPOINTS,
];

/// The feature that turns every group on (and is in the crate's default features).
pub(crate) const ALL_ENDPOINTS: &str = "all-endpoints";

/// One endpoint group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Group {
    /// Its name, which is also its cargo feature's, such as `passes`.
    pub name: String,
    /// What its endpoints do: the feature's docs.
    pub description: String,
}

impl Api {
    /// The endpoints in `group`, by name.
    pub(crate) fn endpoints_in<'a>(
        &'a self,
        group: &'a str,
    ) -> impl Iterator<Item = &'a EndpointDef> {
        self.endpoints
            .values()
            .filter(move |e| e.group.as_deref() == Some(group))
    }

    /// Whether `group` is left out of the default set (`all-endpoints`) and turned on by name:
    /// one of its endpoints signs SHA1withRSA, which pulls the `rsa` crate into the runtime.
    pub(crate) fn is_opt_in(&self, group: &str) -> bool {
        self.endpoints_in(group).any(|e| e.protocol.needs_sha1())
    }

    /// The groups whose endpoints use each shared type or result-code table, directly or
    /// through other types, so it compiles only with one of their features. A name that is
    /// absent is used by an endpoint in no group, or by none: it is always compiled.
    pub(crate) fn shared_item_groups(&self) -> BTreeMap<&str, BTreeSet<&str>> {
        let mut groups: BTreeMap<&str, Option<BTreeSet<&str>>> = BTreeMap::new();
        for endpoint in self.endpoints.values() {
            let mut reached = BTreeSet::new();
            let mut messages = vec![&endpoint.request];
            messages.extend(endpoint.response.declared());
            messages.extend(endpoint.types.values().filter_map(|def| match def {
                TypeDef::Object(object) => Some(object),
                _ => None,
            }));
            for message in messages {
                self.shared_names(message, &mut reached);
            }
            if let ResultCodes::Shared(table) = &endpoint.result_codes {
                reached.insert(table.as_str());
            }
            for name in reached {
                let entry = groups.entry(name).or_insert_with(|| Some(BTreeSet::new()));
                match (&endpoint.group, entry.as_mut()) {
                    (Some(group), Some(set)) => {
                        set.insert(group.as_str());
                    }
                    // An endpoint in no group is always compiled, and so is what it uses.
                    _ => *entry = None,
                }
            }
        }
        groups
            .into_iter()
            .filter_map(|(name, set)| Some((name, set?)))
            .collect()
    }

    /// Adds the shared types `object`'s fields name, and those they name in turn.
    fn shared_names<'a>(&'a self, object: &'a ObjectDef, found: &mut BTreeSet<&'a str>) {
        for field in &object.fields {
            let Some(id) = field.ty.innermost_named().and_then(TypeRef::id) else {
                continue;
            };
            if id.owner.is_some() {
                continue;
            }
            let Some((name, def)) = self.shared_types.get_key_value(&id.name) else {
                continue;
            };
            if found.insert(name.as_str())
                && let TypeDef::Object(inner) = def
            {
                self.shared_names(inner, found);
            }
        }
    }
}

/// `api.default_group`, once checked.
pub(super) enum DefaultGroup {
    /// Not given.
    Absent,
    /// A declared group.
    Known(String),
    /// Given, but no declared group (already reported).
    Unknown,
}

/// Checks `api.groups` and `api.default_group`; returns the groups by name and the default.
pub(super) fn build_groups(
    report: &mut Reporter,
    api: &ApiSpec,
) -> (BTreeMap<String, Group>, DefaultGroup) {
    let mut groups = BTreeMap::new();
    for (index, spec) in api.groups.iter().enumerate() {
        let name = &spec.name.value;
        let field = format!("api.groups[{index}].name");
        if !is_feature_name(name) {
            report.error(
                &spec.name,
                &field,
                "a group name is a cargo feature name: lowercase letters, digits and `-`, starting with a letter, such as `passes`",
            );
        } else if RESERVED.contains(&name.as_str()) {
            report.error(
                &spec.name,
                &field,
                format!("`{name}` is one of the crate's own features; name the group after its endpoints"),
            );
        } else if groups.contains_key(name) {
            report.error(
                &spec.name,
                &field,
                format!("group `{name}` is declared twice"),
            );
        } else {
            groups.insert(
                name.clone(),
                Group {
                    name: name.clone(),
                    description: spec.description.trim().to_owned(),
                },
            );
        }
    }
    let default = match &api.default_group {
        None => DefaultGroup::Absent,
        Some(name) if known(report, &groups, name, "api.default_group") => {
            DefaultGroup::Known(name.value.clone())
        }
        Some(_) => DefaultGroup::Unknown,
    };
    (groups, default)
}

/// Puts every endpoint in its group, reporting an unknown group, an endpoint without one when
/// the API has groups but no default, and a `resolve_unknown_with` across groups.
pub(super) fn assign_groups(
    errors: &mut Vec<SpecError>,
    doc_sources: &BTreeMap<String, DocSource>,
    sources: &SpecSources,
    groups: &BTreeMap<String, Group>,
    default: &DefaultGroup,
    endpoints: &mut BTreeMap<String, EndpointDef>,
) {
    if groups.is_empty() && matches!(default, DefaultGroup::Absent) {
        for (source, doc) in &sources.endpoints {
            if let Some(group) = &doc.endpoint.group {
                let mut report = Reporter::without_provenance(&source.path, errors, doc_sources);
                report.error(
                    group,
                    "endpoint.group",
                    "the API declares no groups (`api.groups` in api.yaml)",
                );
            }
        }
        return;
    }
    for (source, doc) in &sources.endpoints {
        let mut report = Reporter::without_provenance(&source.path, errors, doc_sources);
        let spec = &doc.endpoint;
        let group = match &spec.group {
            Some(group) => {
                known(&mut report, groups, group, "endpoint.group").then(|| group.value.clone())
            }
            None => match default {
                DefaultGroup::Known(group) => Some(group.clone()),
                // Its mistake is reported once, at `api.default_group`.
                DefaultGroup::Unknown => None,
                DefaultGroup::Absent => {
                    report.error(
                        &spec.name,
                        "endpoint.group",
                        "the API has groups and no `api.default_group`: name this endpoint's `group`",
                    );
                    None
                }
            },
        };
        if let Some(endpoint) = endpoints.get_mut(&spec.name.value) {
            endpoint.group = group;
        }
    }
    for (source, doc) in &sources.endpoints {
        let spec = &doc.endpoint;
        let (Some(endpoint), Some(query)) =
            (endpoints.get(&spec.name.value), &spec.resolve_unknown_with)
        else {
            continue;
        };
        let Some(resolver) = endpoints.get(&query.value) else {
            continue;
        };
        if endpoint.group.is_some() && resolver.group.is_some() && endpoint.group != resolver.group
        {
            let mut report = Reporter::without_provenance(&source.path, errors, doc_sources);
            report.error(
                query,
                "endpoint.resolve_unknown_with",
                format!(
                    "`{}` is in group `{}` and this endpoint in `{}`: an endpoint and the one that resolves its unknown outcomes share a group, so one feature turns on both",
                    resolver.name,
                    resolver.group.as_deref().unwrap_or_default(),
                    endpoint.group.as_deref().unwrap_or_default(),
                ),
            );
        }
    }
}

/// Whether `name` names a declared group; reports it when not.
fn known(
    report: &mut Reporter,
    groups: &BTreeMap<String, Group>,
    name: &Located<String>,
    field: &str,
) -> bool {
    if groups.contains_key(&name.value) {
        return true;
    }
    let declared: Vec<&str> = groups.keys().map(String::as_str).collect();
    let expected = if declared.is_empty() {
        "the API declares no groups (`api.groups`)".to_owned()
    } else {
        format!("expected one of: {}", declared.join(", "))
    };
    report.error(
        name,
        field,
        format!("unknown group `{}`, {expected}", name.value),
    );
    false
}

/// A name cargo accepts as a feature and reads well in `features = [...]`.
fn is_feature_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-')
}
