//! The sync families against the local gateway over loopback: order sync and its products
//! (`orders`: syncOrder, syncContent), the Bills & Utilities payment-info sync (`bills`:
//! syncLatestPaymentInfo) and the performance notification (`performance`: contractCardSync).
//! Every endpoint's success, each failure code the gateway produces, idempotency on
//! `requestId`, and unknown outcomes resolved by re-sending.

use alipayhk::runtime::{EpochMillis, Error, Resolved};
use alipayhk::*;
use alipayhk_gateway::Fault;
use serde_json::json;

mod support;

use support::{failed_code, fixture, quick, send_edited};

const USER: &str = "2160220000000002";
const OPEN_ID: &str = "OPEN-ID-0001";

fn order(request_id: &str, order: &str, status: &str) -> SyncOrderRequest {
    SyncOrderRequest::new(request_id, order, format!("TRADE-{order}"))
        .order_status(status)
        .amount_value(50000)
        .amount_currency("HKD")
}

fn after_u() -> Fault {
    Fault::After {
        code: "UNKNOWN_EXCEPTION".into(),
        status: "U".into(),
        message: None,
    }
}

#[tokio::test]
async fn an_order_moves_on_skips_statuses_and_never_goes_back() {
    let f = fixture().await;
    let client = f.client();
    client
        .execute(&order("REQ-1", "GC-1", "PAID"))
        .await
        .unwrap();
    client
        .execute(&order("REQ-2", "GC-1", "TICKETED"))
        .await
        .unwrap();
    // The same sync again is the same sync.
    client
        .execute(&order("REQ-2", "GC-1", "TICKETED"))
        .await
        .unwrap();
    let held = f.gateway.order("GC-1").unwrap();
    assert_eq!(
        (held.statuses.clone(), held.syncs),
        (vec!["PAID".to_owned(), "TICKETED".to_owned()], 2)
    );
    assert_eq!(held.amount.unwrap()["value"], 50000);

    let back = client.execute(&order("REQ-3", "GC-1", "PAID")).await;
    assert_eq!(failed_code(back), SyncOrderResultCode::OrderStatusInvalid);
    // A status skipped to, and the current one again, are fine.
    client
        .execute(&order("REQ-4", "GC-1", "TICKETED"))
        .await
        .unwrap();
    client
        .execute(&order("REQ-5", "GC-1", "COMPLETED"))
        .await
        .unwrap();
    assert_eq!(f.gateway.order("GC-1").unwrap().statuses.len(), 3);
}

#[tokio::test]
async fn sync_order_refuses_bad_amounts_other_trades_reused_ids_and_an_offline_merchant() {
    let f = fixture().await;
    let client = f.client();
    client
        .execute(&order("REQ-10", "GC-2", "PAID"))
        .await
        .unwrap();

    let other_trade =
        SyncOrderRequest::new("REQ-11", "GC-2", "TRADE-ELSEWHERE").order_status("TICKETED");
    let mut no_value = order("REQ-12", "GC-3", "PAID");
    no_value.amount = Some([("currency".to_owned(), json!("HKD"))].into());
    let mut cents = order("REQ-13", "GC-3", "PAID");
    cents.amount = Some([("value".to_owned(), json!("12.50"))].into());
    let reused = order("REQ-10", "GC-4", "PAID");
    for bad in [other_trade, no_value, cents, reused] {
        assert_eq!(
            failed_code(client.execute(&bad).await),
            SyncOrderResultCode::ParamIllegal,
            "{bad:?}"
        );
    }
    let no_trade = send_edited(&client, &order("REQ-14", "GC-5", "PAID"), |body| {
        body.remove("tradeNo");
    })
    .await;
    assert_eq!(failed_code(no_trade), SyncOrderResultCode::ParamIllegal);
    assert!(f.gateway.order("GC-3").is_none() && f.gateway.order("GC-4").is_none());

    f.gateway.set_order_service_onboarded(false);
    let offline = client.execute(&order("REQ-15", "GC-6", "PAID")).await;
    assert_eq!(failed_code(offline), SyncOrderResultCode::UnSupportBusiness);
    f.gateway.set_order_service_onboarded(true);
    // A re-send of the refused request is answered as it was; a new sync goes through.
    let resent = client.execute(&order("REQ-15", "GC-6", "PAID")).await;
    assert_eq!(failed_code(resent), SyncOrderResultCode::UnSupportBusiness);
    client
        .execute(&order("REQ-16", "GC-6", "PAID"))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_order_sync_whose_answer_was_unknown_is_resolved_and_synced_once() {
    let f = fixture().await;
    f.gateway.faults().script("GC-7", after_u(), Some(1));

    let resolved = f
        .client()
        .execute_resolving_unknown(&order("REQ-20", "GC-7", "TICKETED"), quick())
        .await
        .unwrap();

    assert!(matches!(resolved, Resolved::Done(_)), "{resolved:?}");
    assert_eq!(f.gateway.order("GC-7").unwrap().syncs, 1);
}

fn content(request_id: &str, id: &str, status: i64) -> SyncContentRequest {
    let info = json!({ "title": "Egg tart", "price": { "currency": "HKD", "value": 1200 } });
    SyncContentRequest::new(
        request_id,
        id,
        SyncContentContentType::Sku,
        info.to_string(),
        status,
    )
}

#[tokio::test]
async fn products_are_listed_and_delisted_by_content_id() {
    let f = fixture().await;
    let client = f.client();
    client
        .execute(&content("C-REQ-1", "SKU-1", 1))
        .await
        .unwrap();
    assert!(f.gateway.content("SKU-1").unwrap().listed);
    client
        .execute(&content("C-REQ-2", "SKU-1", 0))
        .await
        .unwrap();
    client
        .execute(&content("C-REQ-2", "SKU-1", 0))
        .await
        .unwrap();
    let held = f.gateway.content("SKU-1").unwrap();
    assert_eq!((held.listed, held.syncs), (false, 2));
    assert_eq!(held.info["title"], "Egg tart");

    let mut not_json = content("C-REQ-3", "SKU-2", 1);
    not_json.content_info = "Egg tart, HKD 12".into();
    let mut not_object = content("C-REQ-4", "SKU-2", 1);
    not_object.content_info = "[1, 2]".into();
    let reused = content("C-REQ-1", "SKU-2", 1);
    for bad in [not_json, not_object, reused] {
        assert_eq!(
            failed_code(client.execute(&bad).await),
            SyncContentResultCode::ParamIllegal,
            "{bad:?}"
        );
    }
    // Types and statuses the page does not list: the client refuses the status itself (the
    // page documents 0 and 1); the gateway refuses both.
    assert!(matches!(
        client.execute(&content("C-REQ-5", "SKU-2", 2)).await,
        Err(Error::Invalid(_))
    ));
    for (field, value) in [("contentType", json!("MOVIE")), ("contentStatus", json!(2))] {
        let refused = send_edited(&client, &content("C-REQ-6", "SKU-2", 1), |body| {
            body.insert(field.into(), value);
        })
        .await;
        assert_eq!(
            failed_code(refused),
            SyncContentResultCode::ParamIllegal,
            "{field}"
        );
    }
    assert!(f.gateway.content("SKU-2").is_none());
}

fn payment_info(request_id: &str, amount: &str) -> SyncLatestPaymentInfoRequest {
    // No stored copy of the page shows a field after requestId; the sibling page AlipayHK
    // calls on the merchant answers the same information as `accountPaymentInfos`.
    SyncLatestPaymentInfoRequest::new(OPEN_ID, request_id).other_field(
        "accountPaymentInfos",
        json!([{ "accountId": "ACC-1", "paidAmount": amount, "paidTime": "2026-01-05T19:40:12+08:00" }]),
    )
}

#[tokio::test]
async fn the_latest_payment_info_is_kept_per_user_and_refused_empty() {
    let f = fixture().await;
    let client = f.client();
    client
        .execute(&payment_info("B-REQ-1", "10000"))
        .await
        .unwrap();
    client
        .execute(&payment_info("B-REQ-2", "25000"))
        .await
        .unwrap();
    client
        .execute(&payment_info("B-REQ-2", "25000"))
        .await
        .unwrap();
    let held = f.gateway.latest_payment_info(OPEN_ID).unwrap();
    assert_eq!((held.request_id.as_str(), held.syncs), ("B-REQ-2", 2));
    assert_eq!(held.fields["accountPaymentInfos"][0]["paidAmount"], "25000");

    let nothing = SyncLatestPaymentInfoRequest::new(OPEN_ID, "B-REQ-3");
    let empty = SyncLatestPaymentInfoRequest::new(OPEN_ID, "B-REQ-4")
        .other_field("accountPaymentInfos", json!([]));
    let reused = payment_info("B-REQ-1", "99");
    for bad in [nothing, empty, reused] {
        assert_eq!(
            failed_code(client.execute(&bad).await),
            SyncLatestPaymentInfoResultCode::ParamIllegal,
            "{bad:?}"
        );
    }
    let no_open_id = send_edited(&client, &payment_info("B-REQ-5", "1"), |body| {
        body.insert("openId".into(), "".into());
    })
    .await;
    assert_eq!(
        failed_code(no_open_id),
        SyncLatestPaymentInfoResultCode::ParamIllegal
    );
    assert_eq!(f.gateway.latest_payment_info(OPEN_ID).unwrap().syncs, 2);
}

fn card(
    command: PerformanceCommand,
    request_id: &str,
    biz_date: i64,
    status: &str,
) -> ContractCardSyncRequest {
    ContractCardSyncRequest::new(
        EpochMillis(biz_date),
        command,
        SyncDataInfo::new()
            .language_business_info_en_us(r#"{"title":"Electricity bill"}"#)
            .amount(41800),
        "BILL-2026-01",
        status,
        PerformanceTemplateCode::PaymentOrderDefault,
        request_id,
    )
    .user_id(USER)
}

#[tokio::test]
async fn a_card_is_sent_once_updated_in_order_and_replaced_once_closed() {
    let f = fixture().await;
    let client = f.client();
    use PerformanceCommand::{Send, Update};
    let now = EpochMillis::now().0;

    client
        .execute(&card(Send, "P-1", now, "WAIT_PAY"))
        .await
        .unwrap();
    let twice = client.execute(&card(Send, "P-2", now, "WAIT_PAY")).await;
    assert_eq!(
        failed_code(twice),
        ContractCardSyncResultCode::UnSupportBusiness
    );
    client
        .execute(&card(Update, "P-3", now + 10, "OVERDUED"))
        .await
        .unwrap();
    // A late update (an older bizDate) is ignored, not applied over the newer state.
    client
        .execute(&card(Update, "P-4", now + 5, "PAY_FAILED"))
        .await
        .unwrap();
    let held = f.gateway.performance_card("BILL-2026-01", USER).unwrap();
    assert_eq!(held.statuses, ["WAIT_PAY", "OVERDUED"]);
    assert_eq!(held.updates_applied, 1);
    assert_eq!(held.data.amount, Some(41800));

    client
        .execute(&card(Update, "P-5", now + 20, "CLOSED"))
        .await
        .unwrap();
    // A closed card is invalid: SEND makes a new one.
    client
        .execute(&card(Send, "P-6", now + 30, "WAIT_PAY"))
        .await
        .unwrap();
    assert_eq!(
        f.gateway
            .performance_card("BILL-2026-01", USER)
            .unwrap()
            .statuses,
        ["WAIT_PAY"]
    );
}

#[tokio::test]
async fn card_updates_need_a_card_users_and_the_templates_statuses() {
    let f = fixture().await;
    let client = f.client();
    use PerformanceCommand::{Send, Update};
    let now = EpochMillis::now().0;

    let nothing = client.execute(&card(Update, "P-10", now, "OVERDUED")).await;
    assert_eq!(
        failed_code(nothing),
        ContractCardSyncResultCode::OrderNotFound
    );
    // Another user's card is another card.
    client
        .execute(&card(Send, "P-11", now, "WAIT_PAY"))
        .await
        .unwrap();
    let mut stranger = card(Update, "P-12", now + 1, "OVERDUED");
    stranger.user_id = None;
    let stranger = stranger.open_id(OPEN_ID);
    assert_eq!(
        failed_code(client.execute(&stranger).await),
        ContractCardSyncResultCode::OrderNotFound
    );
    let unknown_status = client
        .execute(&card(Update, "P-13", now + 2, "SHIPPED"))
        .await;
    assert_eq!(
        failed_code(unknown_status),
        ContractCardSyncResultCode::ParamIllegal
    );
    // Neither openId nor userId: the client refuses it (the page documents "either"); so does
    // the gateway.
    let mut nobody = card(Update, "P-14", now + 3, "OVERDUED");
    nobody.user_id = None;
    assert!(matches!(
        client.execute(&nobody).await,
        Err(Error::Invalid(_))
    ));
    let nobody = send_edited(
        &client,
        &card(Update, "P-14", now + 3, "OVERDUED"),
        |body| {
            body.remove("userId");
        },
    )
    .await;
    assert_eq!(
        failed_code(nobody),
        ContractCardSyncResultCode::ParamIllegal
    );
    // An expired card is invalid: an update is ignored, a SEND replaces it.
    let mut short = card(Send, "P-15", now, "WAIT_PAY").end_date(EpochMillis(now - 1));
    short.merchant_biz_no = "BILL-2026-02".into();
    client.execute(&short).await.unwrap();
    let mut late = card(Update, "P-16", now + 1, "OVERDUED");
    late.merchant_biz_no = "BILL-2026-02".into();
    client.execute(&late).await.unwrap();
    assert_eq!(
        f.gateway
            .performance_card("BILL-2026-02", USER)
            .unwrap()
            .statuses,
        ["WAIT_PAY"]
    );
}

#[tokio::test]
async fn a_send_whose_answer_was_unknown_resolves_as_already_done() {
    let f = fixture().await;
    f.gateway
        .faults()
        .script("BILL-2026-01", after_u(), Some(1));
    let now = EpochMillis::now().0;

    let resolved = f
        .client()
        .execute_resolving_unknown(
            &card(PerformanceCommand::Send, "P-20", now, "WAIT_PAY"),
            quick(),
        )
        .await
        .unwrap();

    // The card was made; the re-send is answered UN_SUPPORT_BUSINESS, the spec's "already done".
    let Resolved::AlreadyDone { result } = resolved else {
        panic!("{resolved:?}")
    };
    assert_eq!(result.result_code, "UN_SUPPORT_BUSINESS");
    assert!(f.gateway.performance_card("BILL-2026-01", USER).is_some());
}
