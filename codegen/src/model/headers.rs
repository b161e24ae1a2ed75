//! The protocol headers `api.yaml` documents (emitted as constants in `headers.rs`): names
//! that can be sent, each listed once, by where it appears.

use std::collections::BTreeSet;

use super::report::Reporter;
use super::{Header, HeaderPlacement};
use crate::document::raw::HeaderSpec;

pub(super) fn build_headers(
    report: &mut Reporter<'_>,
    spec: &crate::document::raw::HeadersSpec,
) -> Vec<Header> {
    let mut seen = BTreeSet::new();
    let groups: [(&[HeaderSpec], HeaderPlacement, &str); 3] = [
        (&spec.general, HeaderPlacement::General, "general"),
        (&spec.request, HeaderPlacement::Request, "request"),
        (&spec.response, HeaderPlacement::Response, "response"),
    ];
    let mut headers = Vec::new();
    for (list, placement, group) in groups {
        for header in list {
            let field = format!("api.headers.{group}[{}]", header.name.value);
            let name = &header.name.value;
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                report.error(
                    &header.name,
                    &field,
                    "a header name has letters, digits and `-` only",
                );
            } else if !seen.insert(name.to_ascii_lowercase()) {
                report.error(
                    &header.name,
                    &field,
                    format!("header `{name}` is listed twice"),
                );
            }
            headers.push(Header {
                name: name.clone(),
                description: header.description.clone(),
                required: header.required,
                sample: header.sample.clone(),
                placement,
            });
        }
    }
    headers
}
