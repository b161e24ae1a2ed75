//! The README's testing recipe ("Testing your integration"), runnable:
//! `cargo test -p alipayhk-gateway --test integration_recipe`.
//!
//! A merchant's service depends on `alipayhk`; its tests add `alipayhk-gateway` as a
//! dev-dependency and run their own code against it, in process, on 127.0.0.1, with real keys
//! and signatures, and with the faults AlipayHK can produce scripted per pass.

use std::collections::BTreeMap;
use std::time::Duration;

use alipayhk::runtime::{Client, Error, PrivateKey, RetryPolicy};
use alipayhk::{PassResultCode, UpdatePassRequest, UpdatePassStatus, UpdatePassUpdateDetailType};
use alipayhk_gateway::{Fault, GatewayConfig, MERCHANT_ID, RunningGateway, start};

// ---- The code under test: what would live in the merchant's `src/`. ----

/// What awarding points came to, in the merchant's own terms.
#[derive(Debug, PartialEq)]
enum Award {
    Credited,
    /// AlipayHK refused for good (closed card, unknown pass, …): do not retry, tell support.
    Refused(PassResultCode),
}

/// Awards points for a bill. An unknown outcome is resolved by re-sending the same request,
/// which the spec says updatePass tolerates.
async fn award_points(
    client: &Client,
    pass_id: &str,
    points: i64,
    bill_no: &str,
) -> Result<Award, Error<PassResultCode>> {
    let data = BTreeMap::from([
        ("billNo".to_owned(), serde_json::json!(bill_no)),
        (
            "lastChangePoints".to_owned(),
            serde_json::json!(points.to_string()),
        ),
        ("pointsProvider".to_owned(), serde_json::json!("ALIPAYHK")),
    ]);
    let request = UpdatePassRequest::new(
        MERCHANT_ID,
        pass_id,
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id("2160220000000002")
    .data_info(data);
    let policy = RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    match client.execute_resolving_unknown(&request, policy).await {
        Ok(_) => Ok(Award::Credited),
        Err(Error::Failed { code, .. }) => Ok(Award::Refused(code)),
        Err(other) => Err(other),
    }
}

// ---- The tests: the gateway as a dev-dependency. ----

const PASS: &str = "2020091119027102160530200000039";

/// A gateway with fresh keys on a free port, and a client configured for it as production
/// would be, but with the gateway's URL and keys.
async fn gateway_and_client() -> (RunningGateway, Client) {
    let config = GatewayConfig::generated("TEST_CLIENT").expect("keys");
    let merchant_key = config.merchant_key.clone().expect("generated");
    let gateway = start(config).await.expect("gateway starts on 127.0.0.1");
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

#[tokio::test]
async fn points_are_credited_once_even_after_an_unknown_outcome() {
    let (gateway, client) = gateway_and_client().await;
    // AlipayHK credits the points and then answers `U`: the service must neither give up nor
    // credit twice.
    gateway.faults().script(
        PASS,
        Fault::After {
            code: "SYSTEM_ERROR".into(),
            status: "U".into(),
            message: None,
        },
        Some(1),
    );

    let award = award_points(&client, PASS, 100, "BILL-1")
        .await
        .expect("resolved");

    assert_eq!(award, Award::Credited);
    let pass = gateway.pass(PASS).expect("the pass exists");
    assert_eq!(pass.data["lastChangePoints"], "100");
    assert_eq!(pass.updates_applied, 1, "the re-send applied nothing again");
    assert_eq!(gateway.requests_seen(), 2, "the U, then one re-send");
}

#[tokio::test]
async fn an_unknown_pass_is_a_definitive_refusal() {
    let (_gateway, client) = gateway_and_client().await;

    let award = award_points(&client, "2020091119027102160530299999999", 5, "BILL-2")
        .await
        .expect("answered");

    assert_eq!(award, Award::Refused(PassResultCode::PassHasNotExist));
}

#[tokio::test]
async fn a_gateway_that_never_answers_is_an_error_not_a_credit() {
    let (gateway, client) = gateway_and_client().await;
    gateway.faults().script(PASS, Fault::Drop, None);

    let error = award_points(&client, PASS, 7, "BILL-3").await.unwrap_err();

    assert!(matches!(error, Error::Unknown { .. }), "{error:?}");
}
