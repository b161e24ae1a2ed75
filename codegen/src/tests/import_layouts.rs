//! The importer reads AlipayHK's three page layouts: the short layout (headers by reference,
//! `Show child parameters`, result-code cells run together) and the payments layout
//! (`Endpoint:` URL, numbered tables with the type and length in the description, JSON
//! samples, numbered code rows), beside the membership-card layout the other tests cover. A
//! page cut short is read as far as it goes and says where it stops.

use std::fs;
use std::path::Path;

use crate::import::params::Marker;
use crate::import::{self, ImportOptions};

fn page(name: &str) -> String {
    fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/pages/{name}.txt")),
    )
    .unwrap()
}

fn imported(name: &str) -> import::Imported {
    let options = ImportOptions {
        source_id: "page".to_owned(),
        ..ImportOptions::default()
    };
    import::import(&page(name), &options).unwrap()
}

#[test]
fn the_short_layout_splits_run_together_codes_and_reports_hidden_children() {
    let read = import::read_page(&page("user_promo_benefit_query")).unwrap();

    let codes: Vec<(&str, &str)> = read
        .codes
        .iter()
        .map(|c| (c.code.as_str(), c.status.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("SUCCESS", "S"),
            ("ACCESSTOKEN_VALIDATE_FAILED", "F"),
            ("PARAMETER_ILLEGAL", "F"),
            ("UNKNOWN_EXCEPTION", "U"),
            ("USER_NOT_EXIST", "F"),
        ]
    );
    assert_eq!(
        read.codes[3].message,
        "API failed due to unknown reason, please check with support."
    );
    assert!(read.incomplete.is_empty(), "{:?}", read.incomplete);
    // The headers by reference, and the hidden children, are reported, not dropped.
    let model = read
        .response
        .iter()
        .find(|p| p.name == "accountBenefitModel")
        .unwrap();
    assert_eq!(model.hidden_children, Some(17));
    assert!(read.unmapped.iter().any(|u| u.line == 17
        && u.text.contains("AccountBenefitModel")
        && u.reason.contains("declare it")));
    assert!(
        read.unmapped
            .iter()
            .any(|u| u.line == 5 && u.text.starts_with("Please check"))
    );
    let yaml = imported("user_promo_benefit_query").yaml;
    assert!(
        yaml.contains("type: map  # the page's `AccountBenefitModel`"),
        "{yaml}"
    );
}

#[test]
fn the_payments_layout_reads_the_endpoint_url_tables_and_codes() {
    let read = import::read_page(&page("code_consult")).unwrap();

    let route = read.route.as_ref().unwrap();
    assert_eq!(route.value.1, "/aps/hk/payments/codeConsult");
    assert!(!read.inbound);
    // `RequiredString (512)`: the marker run into the type, the length in brackets.
    let code = &read.request[0];
    assert_eq!(
        (code.name.as_str(), code.ty.as_str(), code.marker),
        ("codeValue", "string", Marker::Required)
    );
    assert_eq!(code.max_length.as_ref().map(|m| m.value), Some(512));
    assert_eq!(
        read.response[1].max_length.as_ref().map(|m| m.value),
        Some(64)
    );
    assert_eq!(read.codes.len(), 16);
    assert_eq!(
        (read.codes[9].code.as_str(), read.codes[9].status.as_str()),
        ("REQUEST_TRAFFIC_EXCEED_LIMIT", "U")
    );
    assert!(read.incomplete.is_empty(), "{:?}", read.incomplete);
}

#[test]
fn a_path_alone_is_a_notification_and_optional_is_not_required() {
    let read = import::read_page(&page("notify_payment")).unwrap();
    assert!(read.inbound);
    assert_eq!(
        read.route.as_ref().unwrap().value.1,
        "/v1/payments/notifyPayment"
    );
    let payment_id = read.request.iter().find(|p| p.name == "paymentId").unwrap();
    assert_eq!(payment_id.marker, Marker::Optional);
    assert!(
        imported("notify_payment")
            .yaml
            .contains("direction: inbound")
    );
}

#[test]
fn a_cut_page_says_where_it_stops_and_keeps_what_it_has() {
    let text = page("pay");
    let last = text.lines().count();
    let read = import::read_page(&text).unwrap();

    let missing: Vec<(usize, &str)> = read
        .incomplete
        .iter()
        .map(|i| (i.line, i.missing.as_str()))
        .collect();
    assert_eq!(
        missing,
        [
            (
                last,
                "the `3.1 Request` table stops inside the row at line 71"
            ),
            (last, "the page ends before its `3.2 Response` table"),
            (last, "the page ends before its `4. Result code` table"),
        ]
    );
    // The row the page stops inside is read as far as it goes.
    let order = read.request.iter().find(|p| p.name == "order").unwrap();
    assert_eq!(
        (order.ty.as_str(), order.marker),
        ("Order", Marker::Required)
    );
    let yaml = imported("pay").yaml;
    assert!(
        yaml.contains("# The page is cut short at line 71"),
        "{yaml}"
    );
    assert!(yaml.contains("code: SUCCESS, status: S"), "{yaml}");

    // A table with no rows is reported at its heading.
    let cancel = import::read_page(&page("cancel_payment")).unwrap();
    assert_eq!(cancel.incomplete.len(), 1);
    assert_eq!(cancel.incomplete[0].line, 26);
    assert!(
        cancel.incomplete[0]
            .missing
            .contains("`3.2 Response` table has no rows")
    );
}

#[test]
fn facts_only_a_sample_shows_are_inferred_from_it() {
    let read = import::read_page(&page("pay")).unwrap();
    let from_sample: Vec<&str> = read
        .request
        .iter()
        .filter(|p| p.from_sample)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        from_sample,
        [
            "paymentFactor",
            "paymentMethod",
            "paymentNotifyUrl",
            "paymentRequestId",
            "paymetAmount",
            "productCode"
        ]
    );
    // Each at the line the sample names it; a `{currency, value}` object is an Amount.
    let amount = read
        .request
        .iter()
        .find(|p| p.name == "paymetAmount")
        .unwrap();
    assert_eq!((amount.ty.as_str(), amount.line), ("Amount", 32));
    let yaml = imported("pay").yaml;
    let notify_url = yaml
        .split("- name: ")
        .find(|f| f.starts_with("paymentNotifyUrl"))
        .unwrap();
    assert!(
        notify_url.contains("inferred: \"from the page's sample\""),
        "{notify_url}"
    );
    assert!(!notify_url.contains("source:"), "{notify_url}");
    let refund = import::read_page(&page("refund")).unwrap();
    let refund_id = refund
        .response
        .iter()
        .find(|p| p.name == "refundId")
        .unwrap();
    assert!(refund_id.from_sample);
}

#[test]
fn a_damaged_payments_page_gives_located_errors() {
    let text = page("code_consult");
    let error =
        import::read_page(&text.replace("RequiredString (512)", "Maybe String (512)")).unwrap_err();
    assert_eq!(error.line, 22);
    assert!(
        error.message.contains("does not start with MANDATORY"),
        "{error}"
    );
    let error =
        import::read_page(&text.replace("3 | INVALID_CODE | F |", "3 | INVALID_CODE | X |"))
            .unwrap_err();
    assert_eq!(error.line, 31);
    assert!(error.message.contains("status `X`"), "{error}");
    let error = import::read_page(&text.replace("3.1 Request", "3.2 Response")).unwrap_err();
    assert!(error.message.contains("out of order"), "{error}");
}
