//! `alipayhk-codegen openapi`: the document parses as OpenAPI 3.1 with a maintained parser
//! (`oas3`), covers every endpoint, and every `$ref` in it resolves.

use std::path::Path;

use serde_json::Value;

fn document() -> Value {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    alipayhk_codegen::__private::openapi(&spec).unwrap()
}

#[test]
fn the_document_is_openapi_3_1() {
    let text = serde_json::to_string(&document()).unwrap();
    let parsed = oas3::from_json(&text).expect("a valid OpenAPI 3.1 document");
    assert_eq!(parsed.openapi, "3.1.0");
    let paths = parsed.paths.expect("paths");
    for path in [
        "/api/open/alipay/v1/ipass/pass/manage/createPass",
        "/api/open/alipay/v1/ipass/pass/manage/updatePass",
        "/api/open/alipay/v1/ipass/template/manage/createTemplate",
        "/api/open/alipay/v1/ipass/template/manage/updateTemplate",
        "/api/open/alipay/v1/ipass/template/manage/switchStatus",
        "/api/open/alipay/v1/ipass/template/manage/detail",
        "/api/open/v1/alipayhk/merchant/applyToken",
        "/api/open/v1/alipayhk/promotion/benefit/userPromoBenefitQuery",
        "/api/open/alipay/v1/promotion/benefit/issue",
        "/api/open/alipay/intl/promotion/benefit/benefitRedeem",
        "/aps/api/intl/wallet/v1/payments/pay",
        "/aps/api/intl/wallet/v1/payments/inquiryPayment",
        "/aps/api/intl/wallet/v1/payments/cancelPayment",
        "/aps/api/intl/wallet/v1/payments/refund",
        "/aps/hk/payments/codeConsult",
        "/api/open/v1/promotion/cashlessVoucher/template/create",
        "/api/open/v1/promotion/cashlessVoucher/template/switchStatus",
        "/api/open/alipay/v1/merchant/order/sync",
        "/api/open/alipay/v1/content/synchronize",
        "/api/open/alipay/intl/promotion/order/contractCardSync",
        "/api/open/alipayhk/businessdistrict/bill/query",
    ] {
        let item = paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} is missing"));
        assert!(item.post.is_some(), "{path} has no POST");
    }
    assert_eq!(paths.len(), 32);
    let webhooks: Vec<&String> = parsed.webhooks.keys().collect();
    assert_eq!(
        webhooks,
        [
            "accountBinding",
            "accountUnbinding",
            "membercardCreate",
            "notifyPayment",
            "pointsBillNotify",
            "pointsRefundNotify"
        ]
    );
}

#[test]
fn operations_carry_headers_result_codes_and_idempotency() {
    let doc = document();
    let create = &doc["paths"]["/api/open/alipay/v1/ipass/pass/manage/createPass"]["post"];
    let headers: Vec<&str> = create["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for header in ["Client-Id", "Signature", "Request-Time"] {
        assert!(headers.contains(&header), "{headers:?}");
    }
    let codes = create["x-result-codes"].as_array().unwrap();
    assert!(
        codes
            .iter()
            .any(|c| c["code"] == "PASS_HAS_EXIT" && c["status"] == "F")
    );
    assert!(
        codes
            .iter()
            .any(|c| c["code"] == "UNKNOWN_EXCEPTION" && c["status"] == "U")
    );
    assert_eq!(create["x-idempotency"]["alreadyDone"][0], "PASS_HAS_EXIT");
    assert!(
        create["responses"]["200"]["description"]
            .as_str()
            .unwrap()
            .contains("| `PASS_HAS_EXIT` | F |")
    );
    let switch = &doc["paths"]["/api/open/alipay/v1/ipass/template/manage/switchStatus"]["post"];
    assert_eq!(switch["x-resolve-unknown-with"], "templateDetail");
    // switchStatus names the merchant by merchantAccountId (merchantId is deprecated) and
    // moves a template to one of three statuses.
    let schemas = &doc["components"]["schemas"];
    let required = schemas["SwitchStatusRequest"]["required"]
        .as_array()
        .unwrap();
    assert!(
        required.iter().any(|f| f == "merchantAccountId"),
        "{required:?}"
    );
    assert!(!required.iter().any(|f| f == "merchantId"), "{required:?}");
    assert_eq!(
        schemas["TemplateTargetStatus"]["enum"],
        serde_json::json!(["valid", "closed", "paused"])
    );
    // Rules become JSON Schema: updatePass needs at least one of userId / openId (both is a
    // documented request).
    let update = &schemas["UpdatePassRequest"];
    assert_eq!(
        update["allOf"][0]["anyOf"],
        serde_json::json!([{ "required": ["userId"] }, { "required": ["openId"] }])
    );
    assert!(update["allOf"][0].get("oneOf").is_none(), "{update}");
}

#[test]
fn endpoint_groups_are_tags() {
    let doc = document();
    let tags: Vec<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        tags,
        [
            "auto-debit",
            "auto-earn",
            "bills",
            "notifications",
            "orders",
            "passes",
            "payments",
            "performance",
            "points",
            "templates",
            "tokens",
            "vouchers"
        ]
    );
    // A v1 operation says how it travels: its schemas are the envelope's `body`.
    let v1 = &doc["paths"]["/api/alipay/intl/oauth/auth/prepareForRedirect.htm"]["post"];
    assert_eq!(v1["x-alipayhk-protocol"]["envelope"], "head_body");
    assert_eq!(
        v1["x-alipayhk-protocol"]["function"],
        "alipay.intl.oauth.auth.prepareForRedirect"
    );
    assert_eq!(v1["x-alipayhk-protocol"]["signed"], "value");
    let auto_debit = &doc["paths"]["/api/alipay/intl/acquiring/common/refund.htm"]["post"];
    assert_eq!(
        auto_debit["x-alipayhk-protocol"]["algorithm"],
        "SHA1withRSA"
    );
    // An object whose page is cut says so, and why; one from a whole page does not.
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["PayRequest"]["x-open"].is_string());
    assert!(schemas["UpdatePassRequest"].get("x-open").is_none());
    let refund = &doc["paths"]["/aps/api/intl/wallet/v1/payments/refund"]["post"];
    assert_eq!(refund["tags"], serde_json::json!(["payments"]));
    // A nested payments type: amounts are strings of minor units, and the facts only the
    // page's sample shows are inferred, never schema keywords.
    let amount = &doc["components"]["schemas"]["PaymentAmount"];
    assert_eq!(amount["properties"]["value"]["type"], "string");
    // updatePass names no group: it is in the API's default, `passes`.
    let update = &doc["paths"]["/api/open/alipay/v1/ipass/pass/manage/updatePass"]["post"];
    assert_eq!(update["tags"], serde_json::json!(["passes"]));
    let detail = &doc["paths"]["/api/open/alipay/v1/ipass/template/manage/detail"]["post"];
    assert_eq!(detail["tags"], serde_json::json!(["templates"]));
    assert_eq!(
        doc["webhooks"]["pointsBillNotify"]["post"]["tags"],
        serde_json::json!(["notifications"])
    );
}

#[test]
fn every_reference_resolves() {
    let doc = document();
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(refs.len() > 20, "{} refs", refs.len());
    for reference in refs {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected $ref {reference}"));
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{reference} does not resolve"
        );
    }
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => out.push(target.clone()),
                    _ => collect_refs(inner, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// A documented limit is a schema keyword a validator enforces; an inferred one is listed
/// under `x-alipayhk-inferred` with why, and never as a keyword.
#[test]
fn inferred_constraints_are_not_schema_keywords() {
    let document = document();
    let schemas = &document["components"]["schemas"];
    let request = &schemas["UpdatePassRequest"]["properties"];
    assert_eq!(request["merchantId"]["maxLength"], 64);
    // passId's 32 is documented now (the table layout of the page gives it).
    assert_eq!(request["passId"]["maxLength"], 32);
    assert!(request["passId"].get("x-alipayhk-inferred").is_none());
    assert!(
        request["endDate"].get("minimum").is_none(),
        "{}",
        request["endDate"]
    );
    assert_eq!(
        request["endDate"]["x-alipayhk-inferred"]["minimum"]["value"],
        0.0
    );
    assert!(
        request["endDate"]["x-alipayhk-inferred"]["minimum"]["why"]
            .as_str()
            .unwrap()
            .contains("never negative")
    );
    // createTemplate's merchantLogo: no create page reaches it, so its requirement and length
    // are inferred from the update page, never keywords.
    let create = &schemas["CreateTemplateRequest"];
    let logo = &create["properties"]["merchantLogo"];
    assert!(logo.get("maxLength").is_none(), "{logo}");
    assert_eq!(logo["x-alipayhk-inferred"]["maxLength"]["value"], 256);
    assert_eq!(logo["x-alipayhk-inferred"]["required"]["value"], true);
    assert!(
        !create["required"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "merchantLogo")
    );
    let required = schemas["UpdatePassRequest"]["required"].as_array().unwrap();
    assert!(
        required.iter().any(|f| f == "updateDetailType"),
        "the page requires it"
    );
    let locale = &schemas["LocaleInfo"];
    assert!(
        locale.get("required").is_none(),
        "name is required only by inference: {locale}"
    );
    assert_eq!(
        locale["properties"]["name"]["x-alipayhk-inferred"]["required"]["value"],
        true
    );
}
