//! A request with a nested object declared with `#[alipayhk::object]`: the object's limits
//! are checked with its path inside the request.

use alipayhk::runtime::{ResultInfo, Validate};

/// An amount in minor units.
#[alipayhk::object]
pub struct Amount {
    /// ISO 4217 code.
    #[alipayhk(min_length = 3, max_length = 3)]
    pub currency: String,
    /// Minor units.
    #[alipayhk(minimum = 0, maximum = 100000000)]
    pub value: i64,
}

/// Records a purchase for points.
#[alipayhk::endpoint(
    path = "/api/open/alipay/v1/merchant/points/record",
    response = RecordPurchaseResponse,
    result_codes(SUCCESS(S, "Success"), PARAM_ILLEGAL(F, "Illegal parameters")),
)]
pub struct RecordPurchaseRequest {
    /// The bill.
    pub bill_no: String,
    /// What was paid.
    pub order_amount: Amount,
    /// Earlier amounts.
    pub history: Option<Vec<Amount>>,
}

/// The answer.
#[alipayhk::response]
pub struct RecordPurchaseResponse {
    /// The outcome.
    pub result: ResultInfo,
}

#[test]
fn limits_of_a_nested_object_carry_its_path() {
    let ok = RecordPurchaseRequest::new("B1", Amount::new("HKD", 1800));
    assert!(ok.validate().is_ok());
    let bad = RecordPurchaseRequest::new("B1", Amount::new("HKDX", -1))
        .history(vec![Amount::new("HKD", 1), Amount::new("H", 2)]);
    let paths: Vec<String> = bad
        .validate()
        .unwrap_err()
        .violations
        .iter()
        .map(|v| v.path.to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "orderAmount.currency",
            "orderAmount.value",
            "history[1].currency"
        ]
    );
    let json = alipayhk::runtime::serde_json::to_string(&ok).unwrap();
    assert_eq!(
        json,
        r#"{"billNo":"B1","orderAmount":{"currency":"HKD","value":1800}}"#
    );
}
