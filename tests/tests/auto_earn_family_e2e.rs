//! The auto-earn family for malls against the local gateway over loopback: a mall reads the
//! transaction records of a user who authorised its mini-app (behind the access token
//! `applyToken` issued), collects its stores' PMS information and pages through it; every
//! failure code the gateway produces, and a save whose answer was lost, found again with the
//! page query as the spec says.

use alipayhk::runtime::{Error, UnknownReason};
use alipayhk::*;
use alipayhk_gateway::{Fault, MallBill};
use serde_json::{Value, json};

mod support;

use support::{Fixture, failed_code, fixture, send_edited};

const USER: &str = "2160220000000002";
const GROUP: &str = "20230316";
const APP_ID: &str = "2102020132609344";

async fn access_token(f: &Fixture, user: &str) -> String {
    let code = f.gateway.issue_auth_code(user);
    let request = ApplyTokenRequest::new(ApplyTokenGrantType::AuthorizationCode).auth_code(code);
    let answer = f.client().execute(&request).await.unwrap();
    answer.access_token.expect("an access token")
}

fn subject(mall: &str) -> BusinessDistrictSubject {
    BusinessDistrictSubject::new(GROUP).mall_label(mall)
}

fn bills(mall: &str, token: &str) -> BusinessDistrictBillQueryRequest {
    BusinessDistrictBillQueryRequest::new(subject(mall), "BATCH-1", token, APP_ID)
}

fn bill_nos(answer: &BusinessDistrictBillQueryResponse) -> Vec<String> {
    answer.other_fields["bills"]
        .as_array()
        .expect("a list of records")
        .iter()
        .map(|b| b["billNo"].as_str().unwrap().to_owned())
        .collect()
}

fn pms(store: &str) -> MerchantPms {
    MerchantPms::new()
        .partner_id("20230324")
        .merchant_id("2160120000000001")
        .merchant_name("Tea House")
        .store_id(store)
        .store_name(format!("Tea House {store}"))
}

fn save(mall: &str, store: MerchantPms) -> CircleStoreSaveRequest {
    CircleStoreSaveRequest::new("PMS")
        .circle_store(CircleStore::new(subject(mall)).merchant_pms(store))
}

fn page(mall: &str, size: &str, index: &str) -> CircleStoreQueryPageRequest {
    CircleStoreQueryPageRequest::new(subject(mall), PmsPageInfo::new(size, index, "0", "0"))
}

fn stores(answer: &CircleStoreQueryPageResponse) -> Vec<Value> {
    answer.other_fields["circleStores"]
        .as_array()
        .expect("a list of stores")
        .clone()
}

#[tokio::test]
async fn a_mall_reads_the_records_of_the_user_behind_the_token() {
    let f = fixture().await;
    let token = access_token(&f, USER).await;
    f.gateway
        .add_mall_bill(MallBill::new(GROUP, "MALL-1", USER, "BILL-1", 18000));
    f.gateway
        .add_mall_bill(MallBill::new(GROUP, "MALL-2", USER, "BILL-2", 2500));
    f.gateway.add_mall_bill(MallBill::new(
        GROUP,
        "MALL-1",
        "2160229999999999",
        "BILL-3",
        100,
    ));
    f.gateway
        .add_mall_bill(MallBill::new("OTHER-GROUP", "MALL-9", USER, "BILL-4", 100));
    let client = f.client();

    let group = client.execute(&bills("", &token)).await.unwrap();
    assert_eq!(bill_nos(&group), ["BILL-1", "BILL-2"]);
    assert_eq!(group.other_fields["batchNo"], "BATCH-1");
    assert_eq!(
        group.other_fields["businessDistrictSubject"],
        json!({ "mallGroupLabel": GROUP, "mallLabel": "" })
    );
    let first = &group.other_fields["bills"][0];
    assert_eq!(first["userId"], USER);
    assert_eq!(
        first["orderAmount"],
        json!({ "currency": "HKD", "value": 18000 })
    );
    assert_eq!(first["pointsProvider"], "ALIPAYHK");
    let one_mall = client.execute(&bills("MALL-2", &token)).await.unwrap();
    assert_eq!(bill_nos(&one_mall), ["BILL-2"]);
    let stranger = access_token(&f, "2160228888888888").await;
    let nothing = client.execute(&bills("", &stranger)).await.unwrap();
    assert!(bill_nos(&nothing).is_empty());
}

#[tokio::test]
async fn the_bill_query_refuses_unknown_tokens_and_missing_fields() {
    let f = fixture().await;
    let token = access_token(&f, USER).await;
    let client = f.client();

    let forged = client.execute(&bills("", "AT-not-issued")).await;
    assert_eq!(
        failed_code(forged),
        BusinessDistrictBillQueryResultCode::ParamIllegal
    );
    for field in ["appId", "batchNo"] {
        let empty = send_edited(&client, &bills("", &token), |body| {
            body.insert(field.into(), "".into());
        })
        .await;
        assert_eq!(
            failed_code(empty),
            BusinessDistrictBillQueryResultCode::ParamIllegal,
            "{field}"
        );
    }
    let no_group = send_edited(&client, &bills("", &token), |body| {
        body.insert("businessDistrictSubject".into(), json!({ "mallLabel": "" }));
    })
    .await;
    assert_eq!(
        failed_code(no_group),
        BusinessDistrictBillQueryResultCode::ParamIllegal
    );
}

#[tokio::test]
async fn stores_are_collected_once_each_and_paged_through() {
    let f = fixture().await;
    let client = f.client();
    client.execute(&save("MALL-1", pms("S1"))).await.unwrap();
    client.execute(&save("MALL-1", pms("S2"))).await.unwrap();
    client.execute(&save("MALL-2", pms("S3"))).await.unwrap();
    // The same store again updates it: no second record.
    client
        .execute(&save("MALL-1", pms("S1").store_name("Tea House, renamed")))
        .await
        .unwrap();
    // A store named only by an AlipayHK transaction.
    let by_trade = CircleStoreSaveRequest::new("TRADE")
        .ipay_trade_no("2023042122001432271433274247")
        .circle_store(CircleStore::new(subject("MALL-2")));
    client.execute(&by_trade).await.unwrap();

    let held = f.gateway.circle_stores(GROUP);
    assert_eq!(held.len(), 4, "{held:?}");
    let s1 = &held["pms:20230324/2160120000000001/S1"];
    assert_eq!(s1.saves, 2);
    assert_eq!(
        s1.merchant_pms.as_ref().unwrap().store_name.as_deref(),
        Some("Tea House, renamed")
    );

    let first = client.execute(&page("", "3", "1")).await.unwrap();
    let second = client.execute(&page("", "3", "2")).await.unwrap();
    assert_eq!(
        first.other_fields["pageInfo"],
        json!({ "pageSize": "3", "pageIndex": "1", "totalPageCount": "2", "totalItemCount": "4" })
    );
    assert_eq!((stores(&first).len(), stores(&second).len()), (3, 1));
    let mall_1 = client.execute(&page("MALL-1", "20", "1")).await.unwrap();
    let ids: Vec<_> = stores(&mall_1)
        .iter()
        .map(|s| s["merchantPms"]["storeId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["S1", "S2"]);
    assert_eq!(
        stores(&mall_1)[0]["businessDistrictSubject"],
        json!({ "mallGroupLabel": GROUP, "mallLabel": "MALL-1" })
    );
    let elsewhere = CircleStoreQueryPageRequest::new(
        BusinessDistrictSubject::new("OTHER").mall_label(""),
        PmsPageInfo::new("20", "1", "0", "0"),
    );
    let empty = client.execute(&elsewhere).await.unwrap();
    assert!(stores(&empty).is_empty());
}

#[tokio::test]
async fn saves_and_page_queries_refuse_what_names_no_store_or_page() {
    let f = fixture().await;
    let client = f.client();
    let no_mall = CircleStoreSaveRequest::new("PMS").ipay_trade_no("2023042122001432271433274247");
    let group_only = CircleStoreSaveRequest::new("PMS")
        .circle_store(CircleStore::new(subject("")).merchant_pms(pms("S1")));
    let no_store =
        CircleStoreSaveRequest::new("PMS").circle_store(CircleStore::new(subject("MALL-1")));
    let mut no_store_id = pms("S1");
    no_store_id.store_id = None;
    let half_pms = save("MALL-1", no_store_id);
    for bad in [no_mall, group_only, no_store, half_pms] {
        assert_eq!(
            failed_code(client.execute(&bad).await),
            CircleStoreSaveResultCode::ParamIllegal,
            "{bad:?}"
        );
    }
    assert!(f.gateway.circle_stores(GROUP).is_empty());

    for (size, index, totals) in [
        ("0", "1", "0"),
        ("20", "0", "0"),
        ("x", "1", "0"),
        ("20", "1", "many"),
    ] {
        let request = CircleStoreQueryPageRequest::new(
            subject(""),
            PmsPageInfo::new(size, index, totals, "0"),
        );
        assert_eq!(
            failed_code(client.execute(&request).await),
            CircleStoreQueryPageResultCode::ParamIllegal,
            "{request:?}"
        );
    }
}

#[tokio::test]
async fn a_save_whose_answer_was_lost_is_found_with_the_page_query() {
    let f = fixture().await;
    let trade = "2023042122001432271433274999";
    // The save is made, and its answer is U (the auto-earn pages' SYSTEM_ERROR).
    f.gateway.faults().script(
        trade,
        Fault::After {
            code: "SYSTEM_ERROR".into(),
            status: "U".into(),
            message: None,
        },
        Some(1),
    );
    let request = CircleStoreSaveRequest::new("TRADE")
        .ipay_trade_no(trade)
        .circle_store(CircleStore::new(subject("MALL-3")));
    let client = f.client();

    let lost = client.execute(&request).await;

    assert!(
        matches!(
            lost,
            Err(Error::Unknown {
                reason: UnknownReason::StatusUnknown,
                ..
            })
        ),
        "{lost:?}"
    );
    // circleStoreSave is not idempotent: look before saving again, as its spec says.
    let found = client.execute(&page("MALL-3", "20", "1")).await.unwrap();
    assert_eq!(stores(&found)[0]["ipayTradeNo"], trade);
}
