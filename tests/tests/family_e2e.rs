//! The membership-card family against the local gateway over loopback: for each outbound
//! endpoint a success, a documented failure (F) and an unknown outcome (U), plus the
//! idempotency rules the spec records.

use std::collections::BTreeMap;
use std::time::Duration;

use alipayhk::runtime::{Endpoint, Error, Resolved, UnknownReason};
use alipayhk::*;
use alipayhk_gateway::{Fault, MERCHANT_ID, TEMPLATE_CODE};

mod support;

use support::{Fixture, fixture, quick};

const USER: &str = "2160220000000002";

/// One `U` answer for requests keyed `key`.
fn unknown_once(f: &Fixture, key: &str) {
    f.gateway.faults().script(
        key,
        Fault::Result {
            code: "SYSTEM_ERROR".into(),
            status: "U".into(),
            message: None,
        },
        Some(1),
    );
}

fn failed_code<C: std::fmt::Debug + Clone, R: std::fmt::Debug>(result: Result<R, Error<C>>) -> C {
    match result {
        Err(Error::Failed { code, .. }) => code,
        other => panic!("expected F, got {other:?}"),
    }
}

fn assert_unknown<C: std::fmt::Debug, R: std::fmt::Debug>(result: Result<R, Error<C>>) {
    assert!(
        matches!(
            result,
            Err(Error::Unknown {
                reason: UnknownReason::StatusUnknown,
                ..
            })
        ),
        "expected U, got {result:?}"
    );
}

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

fn create_template(request_id: &str) -> CreateTemplateRequest {
    CreateTemplateRequest::new(
        request_id,
        MERCHANT_ID,
        EpochMillis(1_640_970_061_000),
        EpochMillis(1_767_196_799_000),
        TemplateType::Coupon,
        PassProduct::GiftCard,
        CodeType::Qrcode,
        CodeStandard::Qrcode,
        "https://example.com/card.png",
        Button::new()
            .btn_type(ButtonType::Usage)
            .btn_url("alipayhk://platformapi/startapp?appId=1"),
        BTreeMap::from([
            ("en_US".to_owned(), LocaleInfo::new().name("Gold card")),
            ("zh_HK".to_owned(), LocaleInfo::new().name("金卡")),
        ]),
    )
    .merchant_logo("https://example.com/logo.png")
    .current_amount_cent(1000)
    .original_amount_cent(1500)
    .currency_code("HKD")
}

fn detail(code: &str) -> TemplateDetailRequest {
    TemplateDetailRequest::new(MERCHANT_ID, code)
}

#[tokio::test]
async fn create_template_then_read_it_back() {
    let f = fixture().await;
    let client = f.client();
    let created = client.execute(&create_template("REQ-1")).await.unwrap();
    let code = created.template_code.expect("a templateCode");
    // Idempotent on requestId: the same request again answers the same template.
    let again = client.execute(&create_template("REQ-1")).await.unwrap();
    assert_eq!(again.template_code.as_deref(), Some(code.as_str()));

    let detail = client.execute(&detail(code.as_str())).await.unwrap();
    assert_eq!(detail.status, Some(TemplateStatus::Valid));
    assert_eq!(
        detail.locale_info.unwrap()["zh_HK"].name.as_deref(),
        Some("金卡")
    );
    assert_eq!(detail.code_standard, Some(CodeStandard::Qrcode));
    assert_eq!(
        detail.merchant_logo.as_deref(),
        Some("https://example.com/logo.png")
    );
    // createTemplate sends `...AmountCent`; the query page answers `currentAmount` and
    // `originalAmount` (typed Object, plain cents in its sample), read as JSON.
    assert_eq!(detail.current_amount, Some(serde_json::json!(1000)));
    assert_eq!(detail.original_amount, Some(serde_json::json!(1500)));
    assert_eq!(detail.currency_code.as_deref(), Some("HKD"));
}

#[tokio::test]
async fn create_template_failures_and_unknown_outcome() {
    let f = fixture().await;
    let client = f.client();
    let mut insecure = create_template("REQ-2");
    insecure.image_url = "http://example.com/card.png".into();
    assert_eq!(
        failed_code(client.execute(&insecure).await),
        TemplateResultCode::PassTemplateImageInvalid
    );
    unknown_once(&f, "REQ-3");
    assert_unknown(client.execute(&create_template("REQ-3")).await);
}

/// An update of the template as it is now (read with templateDetail, as the update page's flow
/// has it), showing `image_url`: updateTemplate replaces the template whole.
async fn whole_update(f: &Fixture, code: &str, image_url: &str) -> UpdateTemplateRequest {
    let now = f.client().execute(&detail(code)).await.unwrap();
    UpdateTemplateRequest::new(
        code,
        MERCHANT_ID,
        now.start_date.unwrap(),
        now.end_date.unwrap(),
        image_url,
        now.button.unwrap(),
        now.locale_info.unwrap(),
        now.merchant_logo.unwrap(),
    )
}

#[tokio::test]
async fn update_template_success_failure_and_unknown() {
    let f = fixture().await;
    let client = f.client();
    let update = whole_update(&f, TEMPLATE_CODE, "https://example.com/new.png")
        .await
        .current_amount_cent(2000)
        .currency_code("HKD");
    client.execute(&update).await.unwrap();
    let template = f.gateway.template(TEMPLATE_CODE).unwrap();
    assert_eq!(template.image_url, "https://example.com/new.png");
    assert_eq!(template.current_amount_cent, Some(2000));
    // A full replacement, not a patch: an optional field the next update leaves out is gone.
    let without_prices = whole_update(&f, TEMPLATE_CODE, "https://example.com/new.png").await;
    client.execute(&without_prices).await.unwrap();
    let template = f.gateway.template(TEMPLATE_CODE).unwrap();
    assert_eq!(
        (template.current_amount_cent, template.currency_code),
        (None, None)
    );
    assert_eq!(template.image_url, "https://example.com/new.png");

    let mut missing = update.clone();
    missing.template_code = "2020000000000000000000000000099".into();
    assert_eq!(
        failed_code(client.execute(&missing).await),
        TemplateResultCode::PassTemplateHasNotExit
    );
    let mut insecure = update.clone();
    insecure.image_url = "http://example.com/new.png".into();
    assert_eq!(
        failed_code(client.execute(&insecure).await),
        TemplateResultCode::PassTemplateImageInvalid
    );
    unknown_once(&f, TEMPLATE_CODE);
    assert_unknown(client.execute(&update).await);
}

#[tokio::test]
async fn update_template_requires_what_the_page_requires() {
    // The update page requires the display fields on every update: the constructor takes
    // them, and an empty one is refused before it is sent.
    let f = fixture().await;
    let mut update = whole_update(&f, TEMPLATE_CODE, "https://example.com/new.png").await;
    update.merchant_logo = String::new();
    let error = f.client().execute(&update).await.unwrap_err();
    assert!(
        matches!(&error, Error::Invalid(invalid) if invalid.to_string().contains("merchantLogo")),
        "{error:?}"
    );
    assert_eq!(
        f.gateway.requests_seen(),
        1,
        "only the templateDetail went out"
    );
}

#[tokio::test]
async fn a_closed_template_cannot_be_updated() {
    let f = fixture().await;
    let client = f.client();
    let update = whole_update(&f, TEMPLATE_CODE, "https://example.com/new.png").await;
    client
        .execute(&SwitchStatusRequest::new(
            TEMPLATE_CODE,
            TemplateTargetStatus::Closed,
            MERCHANT_ID,
        ))
        .await
        .unwrap();
    assert_eq!(
        failed_code(client.execute(&update).await),
        TemplateResultCode::StateMachineIllegal
    );
    assert_eq!(
        f.gateway.template(TEMPLATE_CODE).unwrap().image_url,
        "https://example.com/card.png"
    );
}

/// switchStatus with `status` as the wire value, signed by hand: the typed request can only
/// name the three documented targets.
async fn switch_raw(
    f: &Fixture,
    status: &str,
) -> Result<SwitchStatusResponse, Error<TemplateResultCode>> {
    let client = f.client();
    let request = SwitchStatusRequest::new(TEMPLATE_CODE, TemplateTargetStatus::Valid, MERCHANT_ID);
    let mut signed = client.prepare(&request).unwrap();
    let mut body: serde_json::Value = serde_json::from_slice(&signed.body).unwrap();
    body["status"] = status.into();
    signed.body = serde_json::to_vec(&body).unwrap();
    client
        .send::<SwitchStatusRequest>(&client.resign(&signed))
        .await
}

#[tokio::test]
async fn switch_status_follows_the_documented_transitions() {
    let f = fixture().await;
    let client = f.client();
    let switch = |status| SwitchStatusRequest::new(TEMPLATE_CODE, status, MERCHANT_ID);

    let paused = client
        .execute(&switch(TemplateTargetStatus::Paused))
        .await
        .unwrap();
    assert_eq!(paused.status, Some(TemplateStatus::Paused));
    // paused → paused is not a documented transition.
    assert_eq!(
        failed_code(client.execute(&switch(TemplateTargetStatus::Paused)).await),
        TemplateResultCode::StateMachineIllegal
    );
    client
        .execute(&switch(TemplateTargetStatus::Closed))
        .await
        .unwrap();
    // Nothing leaves closed.
    for next in [TemplateTargetStatus::Valid, TemplateTargetStatus::Paused] {
        assert_eq!(
            failed_code(client.execute(&switch(next)).await),
            TemplateResultCode::StateMachineIllegal
        );
    }
    unknown_once(&f, TEMPLATE_CODE);
    assert_unknown(client.execute(&switch(TemplateTargetStatus::Valid)).await);
}

#[tokio::test]
async fn switch_status_targets_only_valid_closed_and_paused() {
    let f = fixture().await;
    // The ticket status page lists three targets; the others are template statuses a
    // template reaches otherwise (frozen by AlipayHK, expired past its end date), and a value
    // outside the list is refused with the code for an illegal status value.
    assert_eq!(
        [
            TemplateTargetStatus::Valid,
            TemplateTargetStatus::Closed,
            TemplateTargetStatus::Paused
        ]
        .map(TemplateTargetStatus::as_str),
        ["valid", "closed", "paused"]
    );
    for status in ["frozen", "expired", "deleted"] {
        assert_eq!(
            failed_code(switch_raw(&f, status).await),
            TemplateResultCode::PassTemplateStatusIllegal,
            "{status}"
        );
    }
    assert_eq!(
        f.gateway.template(TEMPLATE_CODE).unwrap().status,
        TemplateStatus::Valid
    );
    // The same request with a listed target goes through.
    let paused = switch_raw(&f, "paused").await.unwrap();
    assert_eq!(paused.status, Some(TemplateStatus::Paused));
}

#[tokio::test]
async fn switch_status_names_the_merchant_by_merchant_account_id() {
    let f = fixture().await;
    let client = f.client();
    let request =
        SwitchStatusRequest::new(TEMPLATE_CODE, TemplateTargetStatus::Paused, MERCHANT_ID);
    // The newest page requires merchantAccountId; merchantId is deprecated and optional.
    let wire = serde_json::to_value(&request).unwrap();
    assert_eq!(wire["merchantAccountId"], MERCHANT_ID);
    assert!(wire.get("merchantId").is_none(), "{wire}");
    // A gateway on the older pages still needs merchantId: both may go, naming one merchant.
    let both = request.clone().merchant_id(MERCHANT_ID);
    let paused = client.execute(&both).await.unwrap();
    assert_eq!(paused.status, Some(TemplateStatus::Paused));
    let two_merchants =
        SwitchStatusRequest::new(TEMPLATE_CODE, TemplateTargetStatus::Valid, MERCHANT_ID)
            .merchant_id("2160120000000009");
    assert_eq!(
        failed_code(client.execute(&two_merchants).await),
        TemplateResultCode::ParamIllegal
    );
    // Without merchantAccountId the request is not one the newest page accepts.
    let mut signed = client.prepare(&both).unwrap();
    let mut body: serde_json::Value = serde_json::from_slice(&signed.body).unwrap();
    body.as_object_mut().unwrap().remove("merchantAccountId");
    signed.body = serde_json::to_vec(&body).unwrap();
    assert_eq!(
        failed_code(
            client
                .send::<SwitchStatusRequest>(&client.resign(&signed))
                .await
        ),
        TemplateResultCode::ParamIllegal
    );
}

#[tokio::test]
async fn switch_status_is_never_re_sent_after_an_unknown_outcome() {
    let f = fixture().await;
    unknown_once(&f, TEMPLATE_CODE);
    let before = f.gateway.requests_seen();
    let request =
        SwitchStatusRequest::new(TEMPLATE_CODE, TemplateTargetStatus::Paused, MERCHANT_ID);
    let result = f
        .client()
        .execute_resolving_unknown(&request, quick())
        .await;
    assert!(matches!(result, Err(Error::Unknown { .. })), "{result:?}");
    assert_eq!(f.gateway.requests_seen() - before, 1, "sent once");
    assert_eq!(SwitchStatusRequest::IDEMPOTENCY, None);
    assert_eq!(
        SwitchStatusRequest::RESOLVE_UNKNOWN_WITH,
        Some("templateDetail")
    );
    // What the spec says to do instead: read the template.
    let detail = f.client().execute(&detail(TEMPLATE_CODE)).await.unwrap();
    assert_eq!(detail.status, Some(TemplateStatus::Valid));
}

#[tokio::test]
async fn template_detail_failure_and_unknown() {
    let f = fixture().await;
    let client = f.client();
    let missing = detail("2020000000000000000000000000099");
    assert_eq!(
        failed_code(client.execute(&missing).await),
        TemplateResultCode::PassTemplateHasNotExit
    );
    unknown_once(&f, TEMPLATE_CODE);
    let request = detail(TEMPLATE_CODE);
    assert_unknown(client.execute(&request).await);
    // Reading changes nothing, so the retry helper may repeat it.
    unknown_once(&f, TEMPLATE_CODE);
    let resolved = client
        .execute_resolving_unknown(&request, quick())
        .await
        .unwrap();
    assert!(matches!(resolved, Resolved::Done(_)));
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
