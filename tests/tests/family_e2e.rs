//! The membership-card family's passes and tokens against the local gateway over loopback:
//! for each outbound endpoint a success, a documented failure (F) and an unknown outcome (U),
//! plus the idempotency rules the spec records. The templates are in
//! `templates_family_e2e.rs`.

use std::collections::BTreeMap;
use std::time::Duration;

use alipayhk::runtime::{Endpoint, Error, Resolved};
use alipayhk::*;
use alipayhk_gateway::{Fault, MERCHANT_ID, TEMPLATE_CODE};

mod support;

use support::{assert_unknown, failed_code, fixture, quick, unknown_once};

const USER: &str = "2160220000000002";

fn create_pass(serial: &str) -> CreatePassRequest {
    CreatePassRequest::new(
        MERCHANT_ID,
        TEMPLATE_CODE,
        serial,
        CreatePassBizSerialType::OutPlatForm,
        EpochMillis(1_640_970_061_000),
        EpochMillis(1_767_196_799_000),
        EpochMillis(1_640_970_061_000),
    )
    .user_id(USER)
    .data_info(BTreeMap::from([(
        "points".to_owned(),
        serde_json::json!("0"),
    )]))
}

#[tokio::test]
async fn create_pass_issues_a_card_and_refuses_a_duplicate() {
    let f = fixture().await;
    let client = f.client();
    let created = client.execute(&create_pass("MEMBER-1")).await.unwrap();
    let pass_id = created.pass_id.expect("a passId");
    assert_eq!(f.gateway.pass(&pass_id).unwrap().data["points"], "0");
    // The card exists: updatePass works on it.
    let update = UpdatePassRequest::new(
        MERCHANT_ID,
        &pass_id,
        UpdatePassStatus::Closed,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id(USER);
    client.execute(&update).await.unwrap();

    let duplicate = client.execute(&create_pass("MEMBER-1")).await;
    assert_eq!(failed_code(duplicate), PassResultCode::PassHasExit);
}

#[tokio::test]
async fn a_user_named_both_ways_is_a_documented_request() {
    // The pages ask for at least one of userId and openId; both together are valid, for
    // createPass and updatePass alike.
    let f = fixture().await;
    let client = f.client();
    let create = create_pass("MEMBER-BOTH").open_id("20881234567890123456789012345678");
    let pass_id = client.execute(&create).await.unwrap().pass_id.unwrap();
    let update = UpdatePassRequest::new(
        MERCHANT_ID,
        &pass_id,
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateDataInfo,
    )
    .user_id(USER)
    .open_id("20881234567890123456789012345678")
    .data_info(BTreeMap::from([(
        "points".to_owned(),
        serde_json::json!("100"),
    )]));
    client.execute(&update).await.unwrap();
    assert_eq!(f.gateway.pass(&pass_id).unwrap().data["points"], "100");
    // Neither is still refused before it is sent.
    let mut neither = create_pass("MEMBER-NONE");
    neither.user_id = None;
    assert!(matches!(
        client.execute(&neither).await,
        Err(Error::Invalid(_))
    ));
}

#[tokio::test]
async fn update_pass_takes_the_ticket_update_detail_types() {
    // The ticket update page adds six updateDetailType values; the gateway applies them as
    // content updates.
    let f = fixture().await;
    let client = f.client();
    let pass = "2020091119027102160530200000039";
    for kind in [
        UpdatePassUpdateDetailType::UpdateAirTicket,
        UpdatePassUpdateDetailType::UpdateTrainTicket,
        UpdatePassUpdateDetailType::UpdateBusTicket,
        UpdatePassUpdateDetailType::UpdateShipTicket,
        UpdatePassUpdateDetailType::UpdateMovie,
        UpdatePassUpdateDetailType::UpdatePass,
    ] {
        let update = UpdatePassRequest::new(MERCHANT_ID, pass, UpdatePassStatus::Update, kind)
            .user_id(USER)
            .biz_date(EpochMillis(1_713_766_195_000))
            .data_info(BTreeMap::from([(
                "gate".to_owned(),
                serde_json::json!(kind.as_str()),
            )]));
        client.execute(&update).await.unwrap();
        assert_eq!(
            f.gateway.pass(pass).unwrap().data["gate"],
            serde_json::json!(kind.as_str())
        );
    }
}

#[tokio::test]
async fn create_pass_fails_for_an_unknown_template() {
    let f = fixture().await;
    let mut request = create_pass("MEMBER-2");
    request.template_code = "2020000000000000000000000000099".into();
    let result = f.client().execute(&request).await;
    assert_eq!(failed_code(result), PassResultCode::PassTemplateHasNotExit);
}

#[tokio::test]
async fn create_pass_unknown_outcome_then_already_created() {
    let f = fixture().await;
    unknown_once(&f, "MEMBER-3");
    assert_unknown(f.client().execute(&create_pass("MEMBER-3")).await);
    // The U was scripted before the behaviour ran: nothing was created, so a re-send creates.
    let resolved = f
        .client()
        .execute_resolving_unknown(&create_pass("MEMBER-3"), quick())
        .await
        .unwrap();
    assert!(
        matches!(resolved, Resolved::Done(ref r) if r.pass_id.is_some()),
        "{resolved:?}"
    );

    // Now the first attempt succeeds but its answer is lost (timeout): the re-send answers
    // PASS_HAS_EXIT, which the spec says means "already created".
    f.gateway
        .gateway
        .faults()
        .script("MEMBER-4", Fault::Delay { millis: 3_000 }, Some(1));
    let client = f
        .builder()
        .timeout(Duration::from_millis(700))
        .build()
        .unwrap();
    let resolved = client
        .execute_resolving_unknown(&create_pass("MEMBER-4"), quick())
        .await
        .unwrap();
    match resolved {
        Resolved::AlreadyDone { result } => assert_eq!(result.result_code, "PASS_HAS_EXIT"),
        other => panic!("expected AlreadyDone, got {other:?}"),
    }
    assert_eq!(
        CreatePassRequest::IDEMPOTENCY.unwrap().already_done,
        ["PASS_HAS_EXIT"]
    );
}

#[tokio::test]
async fn update_pass_covers_used_and_refunded_cards() {
    let f = fixture().await;
    let client = f.client();
    let pass = "2020091119027102160530200000039";
    let used = UpdatePassRequest::new(
        MERCHANT_ID,
        pass,
        UpdatePassStatus::Used,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id(USER);
    client.execute(&used).await.unwrap();
    let again = UpdatePassRequest::new(
        MERCHANT_ID,
        pass,
        UpdatePassStatus::Refund,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id(USER);
    assert_eq!(
        failed_code(client.execute(&again).await),
        PassResultCode::PassUsedOccupied
    );
    unknown_once(&f, pass);
    assert_unknown(client.execute(&again).await);
}

#[tokio::test]
async fn apply_token_exchanges_a_code_once() {
    let f = fixture().await;
    let client = f.client();
    let code = f.gateway.issue_auth_code(USER);
    let exchange = ApplyTokenRequest::new(ApplyTokenGrantType::AuthorizationCode).auth_code(&code);
    let token = client.execute(&exchange).await.unwrap();
    assert!(token.access_token.is_some());
    // Tokens are secrets: Debug does not show them.
    let debug = format!("{token:?} {exchange:?}");
    assert!(
        !debug.contains(token.access_token.as_deref().unwrap()),
        "{debug}"
    );
    assert!(!debug.contains(&code), "{debug}");

    // A code is good for one exchange.
    assert_eq!(
        failed_code(client.execute(&exchange).await),
        ApplyTokenResultCode::InvalidAuthcode
    );
    // The refresh token renews.
    let refresh = ApplyTokenRequest::new(ApplyTokenGrantType::RefreshToken)
        .refresh_token(token.refresh_token.clone().unwrap());
    client.execute(&refresh).await.unwrap();
}

#[tokio::test]
async fn apply_token_expired_code_and_unknown_outcome() {
    let f = fixture().await;
    let client = f.client();
    let code = f.gateway.issue_auth_code(USER);
    f.gateway.expire_auth_code(&code);
    let exchange = ApplyTokenRequest::new(ApplyTokenGrantType::AuthorizationCode).auth_code(&code);
    assert_eq!(
        failed_code(client.execute(&exchange).await),
        ApplyTokenResultCode::AuthCodeExpired
    );
    let fresh = f.gateway.issue_auth_code(USER);
    unknown_once(&f, &fresh);
    let exchange = ApplyTokenRequest::new(ApplyTokenGrantType::AuthorizationCode).auth_code(&fresh);
    // Not idempotent: the helper does not re-send a one-time code.
    let result = client.execute_resolving_unknown(&exchange, quick()).await;
    assert!(matches!(result, Err(Error::Unknown { .. })), "{result:?}");
}
