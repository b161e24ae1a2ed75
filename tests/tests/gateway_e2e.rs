//! The generated client against the local gateway over real HTTP on 127.0.0.1: every outcome
//! the protocol has, every scripted fault, encryption, and concurrency.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use alipayhk::runtime::{
    Error, KeyRole, PrivateKey, Protocol, ProtocolError, SignedRequest, UnknownReason,
};
use alipayhk::{PassResultCode, UpdatePassRequest, UpdatePassStatus, UpdatePassUpdateDetailType};
use alipayhk_gateway::{Fault, PassState};

mod support;

use support::{CLIENT_ID, Fixture, fixture, quick};

const PASS: &str = "2020091119027102160530200000039";

fn script(f: &Fixture, fault: Fault, times: Option<u32>) {
    f.gateway.faults().script(PASS, fault, times);
}

fn update(pass: &str) -> UpdatePassRequest {
    UpdatePassRequest::new(
        "2160120000000001",
        pass,
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id("2160220000000002")
    .data_info(BTreeMap::from([(
        "points".to_owned(),
        serde_json::json!("1100"),
    )]))
}

fn close() -> UpdatePassRequest {
    UpdatePassRequest::new(
        "2160120000000001",
        PASS,
        UpdatePassStatus::Closed,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id("2160220000000002")
}

fn result_fault(code: &str, status: &str) -> Fault {
    Fault::Result {
        code: code.into(),
        status: status.into(),
        message: Some(format!("scripted {code}")),
    }
}

#[tokio::test]
async fn success_updates_the_pass() {
    let f = fixture().await;
    let response = f.client().execute(&update(PASS)).await.unwrap();
    assert_eq!(response.result_info.result_code, "SUCCESS");
    assert_eq!(f.gateway.pass(PASS).unwrap().data["points"], "1100");
}

#[tokio::test]
async fn each_failure_code_arrives_typed() {
    let f = fixture().await;
    let client = f.client();
    let code = |result: Result<_, Error<PassResultCode>>| match result {
        Err(Error::Failed { code, .. }) => code,
        other => panic!("expected a failure, got {other:?}"),
    };
    assert_eq!(
        code(client.execute(&update("NO_SUCH_PASS")).await),
        PassResultCode::PassHasNotExist
    );
    script(&f, result_fault("USER_NOT_EXSITS", "F"), Some(1));
    assert_eq!(
        code(client.execute(&update(PASS)).await),
        PassResultCode::UserNotExsits
    );
    client.execute(&close()).await.unwrap();
    assert_eq!(f.gateway.pass(PASS).unwrap().state, PassState::Closed);
    assert_eq!(
        code(client.execute(&update(PASS)).await),
        PassResultCode::PassUpdateFail
    );
}

#[tokio::test]
async fn the_gateway_validates_what_a_client_skipped_validating() {
    let f = fixture().await;
    let client = f.client();
    // A body the client's own validation would refuse, signed by hand.
    let body = br#"{"merchantId":"m","passId":"p","status":"UPDATE","updateDetailType":"UPDATE_MEMBER_CARD"}"#.to_vec();
    let headers = vec![
        ("Content-Type", "application/json; charset=UTF-8".to_owned()),
        ("Client-Id", CLIENT_ID.to_owned()),
    ];
    let unsigned = SignedRequest {
        method: "POST",
        path: "/api/open/alipay/v1/ipass/pass/manage/updatePass",
        headers,
        body,
        protocol: Protocol::Headers,
    };
    match client
        .send::<UpdatePassRequest>(&client.resign(&unsigned))
        .await
    {
        Err(Error::Failed {
            code: PassResultCode::ParamIllegal,
            result,
        }) => {
            let message = result.result_message.unwrap();
            assert!(
                message.contains("at least one of userId, openId"),
                "{message}"
            );
        }
        other => panic!("expected PARAM_ILLEGAL, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_path_gets_a_signed_answer_naming_it() {
    let f = fixture().await;
    let client = f.client();
    let headers = vec![
        ("Content-Type", "application/json; charset=UTF-8".to_owned()),
        ("Client-Id", CLIENT_ID.to_owned()),
    ];
    let unsigned = SignedRequest {
        method: "POST",
        path: "/api/open/v1/nothing/here",
        headers,
        body: b"{}".to_vec(),
        protocol: Protocol::Headers,
    };
    let raw = reqwest::Client::new()
        .post(format!("{}/api/open/v1/nothing/here", f.gateway.url()))
        .headers(
            client
                .resign(&unsigned)
                .headers
                .iter()
                .map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap()))
                .collect(),
        )
        .body(b"{}".to_vec())
        .send()
        .await
        .unwrap();
    assert!(raw.headers().contains_key("signature"));
    let body: serde_json::Value = serde_json::from_slice(&raw.bytes().await.unwrap()).unwrap();
    assert_eq!(body["result"]["resultCode"], "NO_INTERFACE_DEF");
    assert_eq!(
        body["result"]["resultMessage"],
        "no endpoint at POST /api/open/v1/nothing/here"
    );
}

#[tokio::test]
async fn unknown_status_then_retry_reaches_a_definitive_answer() {
    let f = fixture().await;
    script(&f, result_fault("SYSTEM_ERROR", "U"), Some(2));
    let client = f.client();
    let error = client.execute(&update(PASS)).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Unknown {
                reason: UnknownReason::StatusUnknown,
                ..
            }
        ),
        "{error:?}"
    );
    client
        .execute_resolving_unknown(&update(PASS), quick())
        .await
        .unwrap();
    assert_eq!(f.gateway.requests_seen(), 3);
}

#[tokio::test]
async fn a_timeout_is_unknown_and_the_resend_is_answered_idempotently() {
    let f = fixture().await;
    script(&f, Fault::Delay { millis: 3_000 }, Some(1));
    let client = f
        .builder()
        .timeout(Duration::from_millis(700))
        .build()
        .unwrap();
    let error = client.execute(&update(PASS)).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Unknown {
                reason: UnknownReason::Timeout,
                result: None,
                ..
            }
        ),
        "{error:?}"
    );
    // The first request was performed; re-sending it changes nothing and answers S.
    assert_eq!(f.gateway.pass(PASS).unwrap().data["points"], "1100");
    client
        .execute_resolving_unknown(&update(PASS), quick())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_dropped_connection_is_an_unknown_outcome() {
    let f = fixture().await;
    script(&f, Fault::Drop, Some(1));
    let error = f.client().execute(&update(PASS)).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Unknown {
                reason: UnknownReason::ConnectionLost,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn tampered_truncated_and_unsigned_responses_are_rejected() {
    let f = fixture().await;
    let client = f.client();
    for fault in [Fault::CorruptSignature, Fault::Truncate] {
        script(&f, fault.clone(), Some(1));
        let error = client.execute(&update(PASS)).await.unwrap_err();
        assert!(
            matches!(error, Error::Protocol(ProtocolError::SignatureInvalid(_))),
            "{fault:?}: {error:?}"
        );
    }
    script(&f, Fault::OmitSignature, Some(1));
    let error = client.execute(&update(PASS)).await.unwrap_err();
    assert!(
        matches!(error, Error::Protocol(ProtocolError::SignatureMissing)),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_unsigned_failure_is_accepted() {
    let f = fixture().await;
    script(&f, result_fault("PASS_UPDATE_FAIL", "F"), Some(1));
    script(&f, Fault::OmitSignature, Some(1));
    let error = f.client().execute(&update(PASS)).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Failed {
                code: PassResultCode::PassUpdateFail,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_wrong_platform_key_is_caught() {
    let f = fixture().await;
    let stranger = PrivateKey::generate(KeyRole::PlatformPrivate)
        .unwrap()
        .public_key();
    let error = f
        .builder()
        .platform_key(stranger)
        .build()
        .unwrap()
        .execute(&update(PASS))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Protocol(ProtocolError::SignatureInvalid(_))),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_request_signed_with_the_wrong_merchant_key_is_refused_unsigned() {
    let f = fixture().await;
    let stranger = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
    let error = f
        .builder()
        .merchant_key(stranger)
        .build()
        .unwrap()
        .execute(&update(PASS))
        .await
        .unwrap_err();
    match error {
        Error::Failed {
            code: PassResultCode::Unknown(code),
            ..
        } => assert_eq!(code, "INVALID_SIGNATURE"),
        other => panic!("expected an unsigned INVALID_SIGNATURE failure, got {other:?}"),
    }
    assert!(
        f.gateway.pass(PASS).unwrap().data.is_empty(),
        "nothing was applied"
    );
}

#[tokio::test]
async fn encrypted_requests_get_encrypted_answers() {
    let f = fixture().await;
    let response = f
        .builder()
        .encrypt_requests(true)
        .build()
        .unwrap()
        .execute(&update(PASS))
        .await
        .unwrap();
    assert_eq!(response.result_info.result_code, "SUCCESS");
    assert_eq!(
        f.gateway.pass(PASS).unwrap().data["points"],
        "1100",
        "the gateway decrypted the body"
    );
}

#[tokio::test]
async fn an_invalid_request_never_reaches_the_gateway() {
    let f = fixture().await;
    let invalid = UpdatePassRequest::new(
        "2160120000000001",
        PASS,
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    );
    assert!(matches!(
        f.client().execute(&invalid).await,
        Err(Error::Invalid(_))
    ));
    assert_eq!(f.gateway.requests_seen(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_requests_all_verify_and_none_is_lost() {
    let f = fixture().await;
    let passes: Vec<String> = (0..200).map(|i| format!("PASS{i:04}")).collect();
    for pass in &passes {
        f.gateway.add_pass(pass);
    }
    let client = Arc::new(
        f.builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap(),
    );
    let tasks: Vec<_> = passes
        .iter()
        .map(|pass| {
            let (client, request) = (client.clone(), update(pass));
            tokio::spawn(async move { client.execute(&request).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(f.gateway.requests_seen(), 200);
    assert!(
        passes
            .iter()
            .all(|p| f.gateway.pass(p).unwrap().data["points"] == "1100")
    );
}

/// No page gives a pass date a lower bound; the spec infers 0 (epoch milliseconds). A
/// negative endDate is sent by default (the gateway, not our guess, decides) and refused
/// before sending in strict mode. A documented limit (passId's 32, from the page's table
/// layout) is refused before sending either way.
#[tokio::test]
async fn an_inferred_limit_warns_by_default_and_refuses_when_strict() {
    let f = fixture().await;
    let request = update(PASS).end_date(alipayhk::EpochMillis(-1));
    let strict = f
        .builder()
        .validation(alipayhk::runtime::Strictness::Strict)
        .build()
        .unwrap();
    let error = strict.execute(&request).await.unwrap_err();
    let Error::Invalid(invalid) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(invalid.violations.len(), 1);
    assert!(
        invalid.violations[0]
            .to_string()
            .contains("endDate must be at least 0 (inferred: "),
        "{error}"
    );
    assert_eq!(f.gateway.requests_seen(), 0, "nothing was sent");

    // By default it is sent, and the gateway answers for that pass.
    let answer = f.client().execute(&request).await;
    assert!(!matches!(answer, Err(Error::Invalid(_))), "{answer:?}");
    assert_eq!(f.gateway.requests_seen(), 1);

    let long_pass = update(&"2".repeat(33));
    let error = f.client().execute(&long_pass).await.unwrap_err();
    assert!(
        matches!(&error, Error::Invalid(invalid)
            if invalid.to_string().contains("passId must be at most 32 characters (found 33)")),
        "{error:?}"
    );
    assert_eq!(
        f.gateway.requests_seen(),
        1,
        "the documented limit stops it"
    );
}
