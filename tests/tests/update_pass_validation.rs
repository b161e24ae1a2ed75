//! The generated `updatePass` validator reports every violation with its field path.

use alipayhk::{Rule, UpdatePassRequest, UpdatePassStatus, UpdatePassUpdateDetailType, Validate};

const MERCHANT: &str = "2160120000000001";
const PASS: &str = "2020091119027102160530200000039";

fn valid() -> UpdatePassRequest {
    UpdatePassRequest::new(
        MERCHANT,
        PASS,
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id("2160220000000002")
}

fn violations(request: &UpdatePassRequest) -> Vec<(String, Rule)> {
    match request.validate() {
        Ok(()) => Vec::new(),
        Err(error) => error
            .violations
            .into_iter()
            .map(|v| (v.path, v.rule))
            .collect(),
    }
}

#[test]
fn a_complete_request_is_valid() {
    assert_eq!(violations(&valid()), vec![]);
    let closing = UpdatePassRequest::new(
        MERCHANT,
        PASS,
        UpdatePassStatus::Closed,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .open_id("oid-1");
    assert_eq!(
        violations(&closing),
        vec![],
        "closing needs no updateDetailType"
    );
}

#[test]
fn both_user_id_and_open_id_missing_is_reported() {
    let request = UpdatePassRequest::new(
        MERCHANT,
        PASS,
        UpdatePassStatus::Closed,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    );
    assert_eq!(
        violations(&request),
        vec![(
            String::new(),
            Rule::AtLeastOneOf {
                fields: &["userId", "openId"],
            }
        )]
    );
}

/// The pages say at least one of the two IDs ("either" on the seed page does not forbid
/// both): a request naming the user both ways is valid.
#[test]
fn both_user_id_and_open_id_given_is_valid() {
    let request = valid().open_id("oid-1");
    assert_eq!(violations(&request), vec![]);
    assert!(request.validate_strict().is_ok());
    let json = serde_json::to_value(&request).unwrap();
    assert_eq!(
        (json["userId"].as_str(), json["openId"].as_str()),
        (Some("2160220000000002"), Some("oid-1"))
    );
}

#[test]
fn merchant_id_over_64_characters_is_reported_with_its_length() {
    let mut request = valid();
    request.merchant_id = "9".repeat(65).into();
    assert_eq!(
        violations(&request),
        vec![(
            "merchantId".into(),
            Rule::MaxLength {
                max: 64,
                actual: 65
            }
        )]
    );
    request.merchant_id = "會".repeat(64).into();
    assert_eq!(
        violations(&request),
        vec![],
        "64 multi-byte characters are within the limit"
    );
}

/// The page marks `updateDetailType` REQUIRED: every request carries it, a closing one too,
/// and a body without it is not an updatePass request.
#[test]
fn update_detail_type_is_required_on_every_request_as_the_page_says() {
    let closing = UpdatePassRequest::new(
        MERCHANT,
        PASS,
        UpdatePassStatus::Closed,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id("u");
    let json = serde_json::to_string(&closing).unwrap();
    assert!(
        json.contains(r#""status":"CLOSED","updateDetailType":"UPDATE_MEMBER_CARD""#),
        "{json}"
    );
    let without = r#"{"merchantId":"m","userId":"u","passId":"p","status":"CLOSED"}"#;
    let error = serde_json::from_str::<UpdatePassRequest>(without)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("missing field `updateDetailType`"),
        "{error}"
    );
}

#[test]
fn every_violation_is_reported_not_just_the_first() {
    let mut request = UpdatePassRequest::new(
        "",
        "p".repeat(33),
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .end_date(alipayhk::EpochMillis(-1));
    request.merchant_id = "".into();
    // By default, only what the pages document: merchantId, the passId length (the table
    // layout gives 32) and the userId/openId rule.
    assert_eq!(
        violations(&request),
        vec![
            ("merchantId".into(), Rule::Required),
            (
                "passId".into(),
                Rule::MaxLength {
                    max: 32,
                    actual: 33
                }
            ),
            (
                String::new(),
                Rule::AtLeastOneOf {
                    fields: &["userId", "openId"],
                }
            ),
        ]
    );
    // Strict: the inferred endDate minimum too, in field order.
    let found: Vec<(String, Rule)> = request
        .validate_strict()
        .unwrap_err()
        .violations
        .into_iter()
        .map(|v| (v.path, v.rule))
        .collect();
    assert_eq!(
        found,
        vec![
            ("merchantId".into(), Rule::Required),
            (
                "passId".into(),
                Rule::MaxLength {
                    max: 32,
                    actual: 33
                }
            ),
            ("endDate".into(), Rule::Minimum { min: 0.0 }),
            (
                String::new(),
                Rule::AtLeastOneOf {
                    fields: &["userId", "openId"],
                }
            ),
        ]
    );
    let message = request.validate_strict().unwrap_err().to_string();
    assert!(
        message.contains("passId must be at most 32 characters (found 33); "),
        "{message}"
    );
    assert!(
        message.contains("endDate must be at least 0 (inferred: "),
        "{message}"
    );
}

#[test]
fn an_unknown_enum_value_on_input_is_rejected_with_the_value() {
    let json = r#"{"merchantId":"m","userId":"u","passId":"p","status":"DELETE"}"#;
    let error = serde_json::from_str::<UpdatePassRequest>(json)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(
            "unknown variant `DELETE`, expected one of `CLOSED`, `UPDATE`, `USED`, `REFUND`"
        ),
        "{error}"
    );
}

#[test]
fn requests_serialize_with_exact_wire_names_and_omit_unset_fields() {
    let json = serde_json::to_string(&valid()).unwrap();
    assert_eq!(
        json,
        r#"{"merchantId":"2160120000000001","userId":"2160220000000002","passId":"2020091119027102160530200000039","status":"UPDATE","updateDetailType":"UPDATE_MEMBER_CARD"}"#
    );
}
