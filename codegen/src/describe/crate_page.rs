//! The generated crate's front page: what it is, how a call looks, its endpoint groups and
//! the pages the spec was written from.

use super::paragraphs;
use crate::model::Api;

/// The crate root's docs.
pub(crate) fn crate_page(api: &Api) -> String {
    // The example first: what a reader of the index wants is how a call looks.
    let mut text = paragraphs([
        format!("Typed client for the {}.", api.name),
        api.description.clone().unwrap_or_default(),
    ]);
    if let Some(example) = &api.example {
        text.push_str(&format!(
            "\n\n# Example\n\n```\n{}\n```",
            example.trim_end()
        ));
    }
    text.push_str("\n\n");
    text.push_str(&paragraphs([
        "Generated from `spec/` by `alipayhk-codegen`; every type below mirrors the spec, and the runtime items are re-exported so this crate is the only dependency you need.".to_owned(),
        "Modules: one per endpoint, named after it; `types` for types several endpoints share; `headers` for the protocol's header names. With the `server` feature, `platform` is the AlipayHK side of the API (an `Api` trait and a router, for the local gateway and tests) and `webhooks` the notifications AlipayHK sends to you; \"server\" itself names only the runtime's serving side.".to_owned(),
    ]));
    text.push_str(&groups_table(api));
    if !api.doc_sources.is_empty() {
        text.push_str(
            "\n\n# Sources\n\nThe AlipayHK pages the spec was written from. Every field, value, constraint, rule and result code cites one of them, \
             or says why it is inferred; `validate()` enforces only what a page \
             states unless validation is strict.\n\n| page | read |\n|---|---|",
        );
        for source in api.doc_sources.values() {
            text.push_str(&format!(
                "\n| [{}]({}) | {} |",
                source.title, source.url, source.read
            ));
        }
    }
    text
}

/// The crate docs' table of endpoint groups: which feature compiles which endpoints.
fn groups_table(api: &Api) -> String {
    if api.groups.is_empty() {
        return String::new();
    }
    let opt_in: Vec<String> = api
        .groups
        .keys()
        .filter(|g| api.is_opt_in(g))
        .map(|g| format!("`{g}`"))
        .collect();
    // An opt-in group is not in the default build, so its modules are named, not linked: a
    // link would not resolve in `cargo doc` with the default features.
    let but = if opt_in.is_empty() {
        String::new()
    } else {
        format!(
            ", but {}, which signs SHA1withRSA and so is turned on by name",
            opt_in.join(", ")
        )
    };
    let mut text = format!(
        "\n\n# Endpoint groups\n\nEach group of endpoints compiles behind a cargo feature of its name, and `{}` (a default feature) turns them all on{but}. An application that calls only some can leave the rest out: `default-features = false, features = [\"client\", \"aws-lc\", \"<group>\"]`. Shared types compile in every build.\n\n| feature | endpoints | |\n|---|---|---|",
        crate::model::ALL_ENDPOINTS
    );
    for group in api.groups.values() {
        let linked = !api.is_opt_in(&group.name);
        let names: Vec<String> = api
            .endpoints_in(&group.name)
            .map(|e| {
                if linked {
                    format!("[`{}`]({}::{})", e.name, e.module, e.request.name)
                } else {
                    format!("`{}` (`{}`)", e.name, e.module)
                }
            })
            .collect();
        text.push_str(&format!(
            "\n| `{}` | {} | {} |",
            group.name,
            names.join(", "),
            group.description.replace('\n', " ")
        ));
    }
    text
}
