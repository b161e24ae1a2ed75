//! Renamed fields, aliases, enum values that are not Rust names, and a response enum that
//! keeps values this version does not know.

use alipayhk::runtime::serde_json;
use alipayhk::runtime::{ResultInfo, Validate};

/// Creates a template.
#[alipayhk::endpoint(
    path = "/api/open/alipay/v1/ipass/template/manage/createTemplate",
    response = CreateCodeTemplateResponse,
    result_codes(SUCCESS(S, "Success")),
)]
pub struct CreateCodeTemplateRequest {
    /// The code standard; some pages misspell the field, and AlipayHK reads that spelling.
    #[alipayhk(rename = "codeStandrad", alias = "codeStandard", values("CODE128", "EAN-13" = "EAN-13 barcode", QRCODE))]
    pub code_standrad: CodeStandard,
    /// The kind of object.
    #[alipayhk(values(COUPON, TICKET))]
    pub r#type: TemplateType,
}

/// The answer.
#[alipayhk::response]
pub struct CreateCodeTemplateResponse {
    /// The outcome.
    pub result: ResultInfo,
    /// The template's state.
    #[alipayhk(values(valid, paused, closed))]
    pub status: Option<TemplateStatus>,
}

#[test]
fn wire_names_and_values_round_trip() {
    let request = CreateCodeTemplateRequest::new(CodeStandard::Ean13, TemplateType::Ticket);
    assert!(request.validate().is_ok());
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"codeStandrad":"EAN-13","type":"TICKET"}"#
    );
    let back: CreateCodeTemplateRequest =
        serde_json::from_str(r#"{"codeStandard":"QRCODE","type":"COUPON"}"#).unwrap();
    assert_eq!(back.code_standrad, CodeStandard::Qrcode);

    let response: CreateCodeTemplateResponse = serde_json::from_str(
        r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"status":"frozen"}"#,
    )
    .unwrap();
    assert!(matches!(&response.status, Some(TemplateStatus::Unknown(value)) if value == "frozen"));
}
