//! The JSON samples in the spec (taken from the docs) parse into the generated types and
//! serialize back to the same JSON.

use std::path::Path;

use alipayhk::{PassResultCode, ResultStatus, UpdatePassRequest, UpdatePassResponse};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The request and response samples of `endpoint` in `spec/`.
fn samples(endpoint: &str) -> (Option<String>, Option<String>) {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    alipayhk_codegen::__private::samples(&spec, endpoint).unwrap()
}

fn round_trip<T: DeserializeOwned + serde::Serialize>(sample: &str) -> T {
    let typed: T = serde_json::from_str(sample).unwrap();
    let original: Value = serde_json::from_str(sample).unwrap();
    assert_eq!(
        serde_json::to_value(&typed).unwrap(),
        original,
        "sample changed in a round trip"
    );
    typed
}

#[test]
fn update_pass_request_sample_round_trips() {
    let (request, _) = samples("updatePass");
    let request: UpdatePassRequest = round_trip(request.as_deref().unwrap());
    assert_eq!(request.data_info.unwrap()["lastChangePoints"], "100");
    assert_eq!(
        request.end_date,
        Some(alipayhk::EpochMillis(1_767_196_799_000))
    );
}

#[test]
fn update_pass_response_sample_parses_with_either_message_spelling() {
    let sample = samples("updatePass").1.unwrap();
    let response: UpdatePassResponse = serde_json::from_str(&sample).unwrap();
    assert_eq!(response.result_info.result_status, ResultStatus::Success);
    assert_eq!(
        response.result_info.result_message.as_deref(),
        Some("Success")
    );
    // Newer pages name the object `result` and the message `resultMessage`.
    let newer = r#"{"result":{"resultCode":"PASS_UPDATE_FAIL","resultStatus":"F","resultMessage":"closed"}}"#;
    let response: UpdatePassResponse = serde_json::from_str(newer).unwrap();
    assert_eq!(
        PassResultCode::from(response.result_info.result_code.as_str()).status(),
        Some(ResultStatus::Failure)
    );
}

#[test]
fn an_undocumented_result_code_parses_as_unknown() {
    let code: PassResultCode = serde_json::from_str(r#""REQUEST_TRAFFIC_EXCEED_LIMIT""#).unwrap();
    assert!(
        matches!(&code, PassResultCode::Unknown(value) if value == "REQUEST_TRAFFIC_EXCEED_LIMIT"),
        "{code:?}"
    );
    assert_eq!(code, PassResultCode::from("REQUEST_TRAFFIC_EXCEED_LIMIT"));
    assert_eq!(code.status(), None);
    assert_eq!(
        serde_json::to_string(&code).unwrap(),
        r#""REQUEST_TRAFFIC_EXCEED_LIMIT""#
    );
    assert_eq!(
        PassResultCode::from("USER_NOT_EXSITS"),
        PassResultCode::UserNotExsits
    );
}
