//! The generated surface can grow without breaking users: a known wire value always parses as
//! its variant (never as `Unknown`), unknown ones keep their text, and the wire format of
//! requests and responses is byte for byte what it was (golden JSON).

use alipayhk::{
    ButtonType, PassResultCode, TemplateStatus, UpdatePassRequest, UpdatePassStatus,
    UpdatePassUpdateDetailType,
};

#[test]
fn a_known_value_parses_as_its_variant_and_an_unknown_one_keeps_its_text() {
    assert_eq!(ButtonType::from("usage"), ButtonType::Usage);
    let parsed: ButtonType = serde_json::from_str(r#""usage""#).unwrap();
    assert_eq!(parsed, ButtonType::Usage);
    let tap: ButtonType = serde_json::from_str(r#""tap""#).unwrap();
    assert!(matches!(&tap, ButtonType::Unknown(value) if value.as_str() == "tap"));
    assert_eq!(serde_json::to_string(&tap).unwrap(), r#""tap""#);
    assert_eq!(tap.to_string(), "tap");
    for (wire, code) in [
        ("SUCCESS", PassResultCode::Success),
        ("PASS_HAS_EXIT", PassResultCode::PassHasExit),
        ("USER_NOT_EXSITS", PassResultCode::UserNotExsits),
    ] {
        assert_eq!(PassResultCode::from(wire), code);
        assert_eq!(code.as_str(), wire);
    }
    assert_eq!(TemplateStatus::from("frozen"), TemplateStatus::Frozen);
}

#[test]
fn the_wire_format_is_unchanged() {
    let request = UpdatePassRequest::new(
        "2160120000000001",
        "2020091119027102160530200000039",
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id("2160220000000002")
    .data_info_bill_no("2021070611121300000000000123456")
    .code_info_codemsg("Show at the till");
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        concat!(
            r#"{"merchantId":"2160120000000001","userId":"2160220000000002","#,
            r#""passId":"2020091119027102160530200000039","status":"UPDATE","#,
            r#""updateDetailType":"UPDATE_MEMBER_CARD","#,
            r#""dataInfo":{"billNo":"2021070611121300000000000123456"},"#,
            r#""codeInfo":{"$codemsg$":"Show at the till"}}"#
        )
    );
    let detail: alipayhk::TemplateDetailResponse = serde_json::from_str(
        r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"status":"paused","codeType":"qrcode","button":{"btnType":"usage"}}"#,
    )
    .unwrap();
    assert_eq!(detail.status, Some(TemplateStatus::Paused));
    assert_eq!(
        serde_json::to_value(&detail).unwrap()["button"],
        serde_json::json!({"btnType": "usage"})
    );
}

#[test]
fn template_detail_reads_the_query_pages_price_names() {
    // The query page names the prices `currentAmount`/`originalAmount` and types them Object
    // (its sample is plain cents): they are read as JSON under those names, and the
    // `...Cent` names createTemplate sends are read too.
    let page: alipayhk::TemplateDetailResponse = serde_json::from_str(
        r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"currentAmount":1000,"originalAmount":{"value":1500}}"#,
    )
    .unwrap();
    assert_eq!(page.current_amount, Some(serde_json::json!(1000)));
    assert_eq!(
        page.original_amount,
        Some(serde_json::json!({"value": 1500}))
    );
    let sent = serde_json::to_value(&page).unwrap();
    assert_eq!(sent["currentAmount"], 1000);
    assert!(sent.get("currentAmountCent").is_none(), "{sent}");
    let older: alipayhk::TemplateDetailResponse = serde_json::from_str(
        r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"currentAmountCent":1000}"#,
    )
    .unwrap();
    assert_eq!(older.current_amount, Some(serde_json::json!(1000)));
}

#[test]
fn identifiers_are_bare_strings_on_the_wire_and_flow_from_response_to_request() {
    use alipayhk::{CreatePassResponse, MerchantId, PassId};

    let merchant = MerchantId::from("2160120000000001");
    assert_eq!(
        serde_json::to_string(&merchant).unwrap(),
        r#""2160120000000001""#
    );
    assert_eq!(merchant, "2160120000000001");
    assert!(merchant.starts_with("2160"), "reads as &str");
    assert_eq!(merchant.to_string(), "2160120000000001");

    // The pass ID createPass answers is the type updatePass takes.
    let answer =
        r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMsg":"ok"},"passId":"P-1"}"#;
    let created: CreatePassResponse = serde_json::from_str(answer).unwrap();
    let pass_id: &PassId = created.pass_id.as_ref().unwrap();
    let request = UpdatePassRequest::new(
        &merchant,
        pass_id,
        UpdatePassStatus::Closed,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    );
    assert_eq!(request.pass_id.as_str(), "P-1");
    let mut ids = std::collections::BTreeSet::new();
    ids.insert(request.pass_id.clone());
    assert!(ids.contains("P-1"), "looked up by &str");
}
