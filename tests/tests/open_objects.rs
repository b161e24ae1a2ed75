//! Objects whose AlipayHK page is cut are open (issue 33 C): a response keeps the fields the
//! spec does not list, readable in `other_fields`, and a request sends the ones a merchant adds
//! with `other_field`, beside its declared fields. Objects from complete pages stay closed:
//! what they do not declare is dropped on reading.

use alipayhk::runtime::serde_json::{self, json};
use alipayhk::{PayRequest, PayResponse, UpdatePassRequest};

#[test]
fn an_open_response_keeps_fields_the_spec_does_not_list() {
    let received = json!({
        "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
        "paymentId": "2026120712345",
        "settlementQuote": {"quoteId": "Q1", "price": "1.0"},
        "riskLevel": 2
    });
    let response: PayResponse = serde_json::from_value(received).unwrap();
    assert_eq!(
        response.payment_id.as_ref().map(|id| id.as_str()),
        Some("2026120712345"),
        "declared fields still parse as themselves"
    );
    assert_eq!(
        response.other_fields["settlementQuote"],
        json!({"quoteId": "Q1", "price": "1.0"})
    );
    assert_eq!(response.other_fields["riskLevel"], json!(2));
    assert!(
        !response.other_fields.contains_key("paymentId"),
        "a declared field is not kept twice"
    );
    // Kept as received: serialized again, the unknown fields are still there.
    let again = serde_json::to_value(&response).unwrap();
    assert_eq!(again["riskLevel"], json!(2));
}

#[test]
fn an_open_request_sends_the_fields_a_merchant_adds() {
    let request: PayRequest = serde_json::from_value(json!({
        "order": {"orderDescription": "coffee"},
        "paymentRequestId": "PAY-1"
    }))
    .unwrap();
    let request = request
        .other_field("settlementStrategy", json!({"settlementCurrency": "HKD"}))
        .other_field("env", "prod");
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(sent["paymentRequestId"], json!("PAY-1"));
    assert_eq!(
        sent["settlementStrategy"]["settlementCurrency"],
        json!("HKD")
    );
    assert_eq!(sent["env"], json!("prod"));
    assert!(
        sent.get("other_fields").is_none(),
        "the map is flattened into the body, not sent under its Rust name"
    );
}

#[test]
fn a_closed_object_drops_what_it_does_not_declare() {
    let received = json!({
        "merchantId": "2160120000000001",
        "passId": "2020091119027102160530200000039",
        "status": "UPDATE",
        "updateDetailType": "UPDATE_MEMBER_CARD",
        "userId": "2160220000000002",
        "somethingNew": true
    });
    let request: UpdatePassRequest = serde_json::from_value(received).unwrap();
    let again = serde_json::to_value(&request).unwrap();
    assert!(again.get("somethingNew").is_none(), "{again}");
    assert_eq!(again["passId"], json!("2020091119027102160530200000039"));
}
