//! Result codes, the API's shared tables and each endpoint's own, and the idempotency rules
//! that name codes from them.

use std::collections::{BTreeMap, BTreeSet};

use super::names::variant_name;
use super::report::Reporter;
use super::*;
use crate::document::raw::{EndpointSpec, Located, ResultCodeSpec};

/// The endpoint's own codes, a shared table, or (attribute front door) an existing type.
pub(super) fn endpoint_result_codes(
    report: &mut Reporter<'_>,
    tables: &BTreeMap<String, ResultCodeSet>,
    spec: &EndpointSpec,
    existing: Option<&Located<String>>,
    prefix: &str,
) -> ResultCodes {
    let own = format!("{prefix}ResultCode");
    match (existing, &spec.result_code_table, &spec.result_codes) {
        (Some(existing), _, _) => ResultCodes::Existing(existing.value.clone()),
        (None, Some(table), Some(_)) => {
            report.error(
                table,
                "endpoint.result_code_table",
                "give either `result_codes` or `result_code_table`, not both",
            );
            ResultCodes::Shared(table.value.clone())
        }
        (None, Some(table), None) => {
            if !tables.contains_key(&table.value) {
                let known: Vec<&str> = tables.keys().map(String::as_str).collect();
                report.error(
                    table,
                    "endpoint.result_code_table",
                    format!(
                        "unknown result-code table `{}`, expected one of: {}",
                        table.value,
                        if known.is_empty() {
                            "(none declared in api.yaml)".to_owned()
                        } else {
                            known.join(", ")
                        }
                    ),
                );
            }
            ResultCodes::Shared(table.value.clone())
        }
        (None, None, Some(codes)) => ResultCodes::Declared(build_result_codes(
            report,
            "endpoint.result_codes",
            &own,
            codes,
        )),
        (None, None, None) => {
            report.error(
                &spec.name,
                "endpoint.result_codes",
                "list the result codes in `result_codes`, or name a shared table in `result_code_table`",
            );
            ResultCodes::Declared(ResultCodeSet {
                name: own,
                description: None,
                codes: Vec::new(),
            })
        }
    }
}

/// Key fields must be request fields; `already_done` codes must be among the endpoint's own.
pub(super) fn build_idempotency(
    report: &mut Reporter<'_>,
    spec: &crate::document::raw::IdempotencySpec,
    request: &ObjectDef,
    codes: &ResultCodes,
    tables: &BTreeMap<String, ResultCodeSet>,
) -> Idempotency {
    for key in &spec.key.value {
        if !request.fields.iter().any(|f| f.wire_name == key.value) {
            let fields: Vec<&str> = request
                .fields
                .iter()
                .map(|f| f.wire_name.as_str())
                .collect();
            report.error(
                key,
                "endpoint.idempotency.key",
                format!(
                    "`{}` is not a request field (fields: {})",
                    key.value,
                    fields.join(", ")
                ),
            );
        }
    }
    if let Some(known) = codes.set(tables) {
        for code in &spec.already_done {
            if !known.codes.iter().any(|c| c.code == code.value) {
                report.error(
                    code,
                    "endpoint.idempotency.already_done",
                    format!("`{}` is not one of the endpoint's result codes", code.value),
                );
            }
        }
    }
    Idempotency {
        key: spec.key.value.iter().map(|k| k.value.clone()).collect(),
        already_done: spec.already_done.iter().map(|c| c.value.clone()).collect(),
    }
}

pub(super) fn build_result_codes(
    report: &mut Reporter<'_>,
    path: &str,
    name: &str,
    spec: &Located<Vec<ResultCodeSpec>>,
) -> ResultCodeSet {
    if spec.value.is_empty() {
        report.error(spec, path, "list at least one result code, such as SUCCESS");
    }
    let mut seen_codes = BTreeSet::new();
    let mut seen_variants = BTreeSet::new();
    let mut codes = Vec::new();
    for entry in &spec.value {
        let code = &entry.code.value;
        let field = format!("{path}[{code}]");
        if code.is_empty() || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            report.error(
                &entry.code,
                &field,
                "a result code has letters, digits and `_` only",
            );
            continue;
        }
        if !seen_codes.insert(code.clone()) {
            report.error(
                &entry.code,
                &field,
                format!("result code `{code}` is listed twice"),
            );
            continue;
        }
        let status = match entry.status.value.as_str() {
            "S" => ResultStatus::Success,
            "F" => ResultStatus::Failure,
            "U" => ResultStatus::Unknown,
            other => {
                report.error(
                    &entry.status,
                    &format!("{field}.status"),
                    format!("unknown status `{other}`, expected S, F or U"),
                );
                continue;
            }
        };
        let Some(variant) = variant_name(code).filter(|v| v != "Unknown") else {
            report.error(
                &entry.code,
                &field,
                format!("result code `{code}` maps to a reserved or empty Rust name"),
            );
            continue;
        };
        if !seen_variants.insert(variant.clone()) {
            report.error(
                &entry.code,
                &field,
                format!("result code `{code}` maps to the Rust name `{variant}` of another code"),
            );
            continue;
        }
        let provenance = super::citations::resolve(
            report,
            &field,
            entry.code.at,
            (entry.source.as_ref(), entry.inferred.as_ref()),
            None,
            &format!("result code `{code}`"),
        );
        codes.push(ResultCodeDef {
            code: code.clone(),
            variant,
            status,
            message: entry.message.clone(),
            provenance,
        });
    }
    ResultCodeSet {
        name: name.to_owned(),
        description: None,
        codes,
    }
}
