//! The card templates against the local gateway over loopback: create, read back, update as a
//! full replacement, switch status along the documented transitions, and each endpoint's
//! documented failures (F) and unknown outcomes (U).

use std::collections::BTreeMap;

use alipayhk::runtime::{Endpoint, Error, Resolved};
use alipayhk::*;
use alipayhk_gateway::{MERCHANT_ID, TEMPLATE_CODE};

mod support;

use support::{Fixture, assert_unknown, failed_code, fixture, quick, unknown_once};

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
