//! The sandbox fails as AlipayHK does: with an `after` fault the operation happens and the
//! answer still says `U`, so a client must resolve a real unknown outcome. Beside it, a
//! `result` fault answers instead of the operation, which then never happened.

use std::time::Duration;

use alipayhk::runtime::{Client, EpochMillis, PrivateKey, Resolved, RetryPolicy};
use alipayhk::{
    CreatePassBizSerialType, CreatePassRequest, PassResultCode, UpdatePassRequest,
    UpdatePassStatus, UpdatePassUpdateDetailType,
};
use alipayhk_gateway::{Fault, GatewayConfig, MERCHANT_ID, RunningGateway, TEMPLATE_CODE, start};

const PASS: &str = "2020091119027102160530200000039";

async fn gateway_and_client() -> (RunningGateway, Client) {
    let config = GatewayConfig::generated("TEST_CLIENT").expect("keys");
    let merchant_key = config.merchant_key.clone().expect("generated");
    let gateway = start(config).await.expect("gateway");
    let client = Client::builder()
        .base_url(gateway.url())
        .client_id("TEST_CLIENT")
        .merchant_key(PrivateKey::merchant(&merchant_key.to_pkcs8_pem()).expect("key"))
        .platform_key(gateway.platform_public_key.clone())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    (gateway, client)
}

fn unknown(performs: bool) -> Fault {
    let (code, status, message) = ("SYSTEM_ERROR".to_owned(), "U".to_owned(), None);
    if performs {
        Fault::After {
            code,
            status,
            message,
        }
    } else {
        Fault::Result {
            code,
            status,
            message,
        }
    }
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        ..RetryPolicy::default()
    }
}

fn create(biz_serial_id: &str) -> CreatePassRequest {
    CreatePassRequest::new(
        MERCHANT_ID,
        TEMPLATE_CODE,
        biz_serial_id,
        CreatePassBizSerialType::OutPlatForm,
        EpochMillis(1_640_970_061_000),
        EpochMillis(1_767_196_799_000),
        EpochMillis(1_640_970_061_000),
    )
    .user_id("2160220000000002")
}

#[tokio::test]
async fn a_create_pass_performed_then_answered_u_resolves_to_already_done() {
    let (gateway, client) = gateway_and_client().await;
    gateway.faults().script("BIZ-1", unknown(true), Some(1));
    let before = gateway.passes().len();

    let resolved = client
        .execute_resolving_unknown(&create("BIZ-1"), policy())
        .await
        .expect("resolved");

    let Resolved::AlreadyDone { result } = resolved else {
        panic!("the re-send must say an earlier attempt succeeded: {resolved:?}");
    };
    assert_eq!(result.result_code, "PASS_HAS_EXIT");
    assert_eq!(
        gateway.passes().len(),
        before + 1,
        "one card was issued, once"
    );
    assert_eq!(gateway.requests_seen(), 2, "the U, then one re-send");
}

#[tokio::test]
async fn a_create_pass_answered_u_instead_is_created_by_the_resend() {
    let (gateway, client) = gateway_and_client().await;
    gateway.faults().script("BIZ-2", unknown(false), Some(1));
    let before = gateway.passes().len();

    let resolved = client
        .execute_resolving_unknown(&create("BIZ-2"), policy())
        .await
        .expect("resolved");

    let Resolved::Done(response) = resolved else {
        panic!("nothing happened the first time, so the re-send creates: {resolved:?}");
    };
    assert!(response.pass_id.is_some());
    assert_eq!(gateway.passes().len(), before + 1);
}

#[tokio::test]
async fn an_update_pass_performed_then_answered_u_applies_nothing_twice() {
    let (gateway, client) = gateway_and_client().await;
    gateway.faults().script(PASS, unknown(true), Some(1));
    let request = UpdatePassRequest::new(
        MERCHANT_ID,
        PASS,
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id("2160220000000002")
    .data_info_last_change_points("100");

    let resolved = client
        .execute_resolving_unknown(&request, policy())
        .await
        .expect("resolved");

    assert!(matches!(resolved, Resolved::Done(_)), "{resolved:?}");
    let pass = gateway.pass(PASS).expect("pass");
    assert_eq!(pass.data["lastChangePoints"], "100");
    assert_eq!(
        pass.updates_applied, 1,
        "performed once; the re-send got the recorded answer"
    );
    assert_eq!(gateway.requests_seen(), 2);
}

#[tokio::test]
async fn a_refused_code_after_the_operation_is_still_typed() {
    let (gateway, client) = gateway_and_client().await;
    let fault = Fault::After {
        code: "PASS_UPDATE_FAIL".into(),
        status: "F".into(),
        message: Some("scripted".into()),
    };
    gateway.faults().script(PASS, fault, Some(1));
    let request = UpdatePassRequest::new(
        MERCHANT_ID,
        PASS,
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id("2160220000000002");

    let error = client.execute(&request).await.unwrap_err();

    assert!(
        matches!(
            &error,
            alipayhk::runtime::Error::Failed {
                code: PassResultCode::PassUpdateFail,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        gateway.pass(PASS).expect("pass").updates_applied,
        1,
        "it happened anyway"
    );
}
