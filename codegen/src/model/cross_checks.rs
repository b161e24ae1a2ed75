//! The checks that need every endpoint read first: a resolution names its inquiry and its
//! cancel, a notification the call it settles. Each runs on the endpoint files that declare its
//! part, reports at that file, and what it accepts is stored on the endpoint.

use std::collections::BTreeMap;

use super::report::Reporter;
use super::{DocSource, EndpointDef};
use crate::document::SpecSources;
use crate::document::raw::{EndpointDocument, Located};
use crate::error::SpecError;

/// What every cross-endpoint check reports to.
pub(super) struct CrossChecks<'a> {
    pub(super) errors: &'a mut Vec<SpecError>,
    pub(super) doc_sources: &'a BTreeMap<String, DocSource>,
    /// Items that name neither a source nor an inference.
    pub(super) unstated: &'a mut Vec<SpecError>,
    pub(super) sources: &'a SpecSources,
}

impl<'a> CrossChecks<'a> {
    /// Runs `check` on `part` of each endpoint file that declares it (against every endpoint
    /// read), and hands what it accepts to `store` with the endpoint to keep it on.
    pub(super) fn each<T: 'a, D>(
        &mut self,
        endpoints: &mut BTreeMap<String, EndpointDef>,
        part: impl Fn(&'a EndpointDocument) -> Option<&'a Located<T>>,
        mut check: impl FnMut(
            &mut Reporter<'_>,
            &Located<T>,
            &EndpointDef,
            &BTreeMap<String, EndpointDef>,
        ) -> Option<D>,
        store: impl Fn(&mut EndpointDef, D),
    ) {
        for (source, doc) in &self.sources.endpoints {
            let Some(spec) = part(doc) else {
                continue;
            };
            let name = &doc.endpoint.name.value;
            let Some(endpoint) = endpoints.get(name) else {
                continue;
            };
            let mut report = Reporter {
                file: &source.path,
                errors: self.errors,
                doc_sources: self.doc_sources,
                unstated: Some(self.unstated),
            };
            if let Some(def) = check(&mut report, spec, endpoint, endpoints)
                && let Some(endpoint) = endpoints.get_mut(name)
            {
                store(endpoint, def);
            }
        }
    }
}
