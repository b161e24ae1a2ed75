//! Auto-earn for a mall against a local gateway, with nothing to configure:
//!
//! `cargo run --example auto_earn`
//!
//! A user pays in two of the mall group's malls (the gateway records the transactions, as
//! AlipayHK does) and authorises the mall's mini-app (an authorisation code, exchanged with
//! `applyToken`); the mall reads the user's transaction records for the group and for one
//! mall, collects two stores' PMS information (a second save of one store adds nothing), pages
//! through what was collected, and is refused a save that names no mall.

use std::time::Duration;

use alipayhk::runtime::{Client, Error, PrivateKey};
use alipayhk::{
    ApplyTokenGrantType, ApplyTokenRequest, BusinessDistrictBillQueryRequest,
    BusinessDistrictSubject, CircleStore, CircleStoreQueryPageRequest, CircleStoreSaveRequest,
    MerchantPms, PmsPageInfo,
};
use alipayhk_gateway::{GatewayConfig, MallBill, start};

const USER: &str = "2160220000000002";
const GROUP: &str = "20230316";

fn mall(label: &str) -> BusinessDistrictSubject {
    BusinessDistrictSubject::new(GROUP).mall_label(label)
}

fn store(id: &str, name: &str) -> CircleStoreSaveRequest {
    let pms = MerchantPms::new()
        .partner_id("20230324")
        .merchant_id("2160120000000001")
        .merchant_name("Tea House")
        .store_id(id)
        .store_name(name);
    CircleStoreSaveRequest::new("PMS")
        .circle_store(CircleStore::new(mall("20230316001")).merchant_pms(pms))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = GatewayConfig::generated("EXAMPLE_CLIENT")?;
    let merchant_key = config.merchant_key.clone().ok_or("generated")?;
    let gateway = start(config).await?;
    let client = Client::builder()
        .base_url(gateway.url())
        .client_id("EXAMPLE_CLIENT")
        .merchant_key(PrivateKey::merchant(&merchant_key.to_pkcs8_pem())?)
        .platform_key(gateway.platform_public_key.clone())
        .timeout(Duration::from_secs(5))
        .build()?;

    println!("1. the user pays HKD 180.00 and HKD 25.00 in two of the group's malls");
    gateway.add_mall_bill(MallBill::new(
        GROUP,
        "20230316001",
        USER,
        "BILL-0001",
        18000,
    ));
    gateway.add_mall_bill(MallBill::new(GROUP, "20230316002", USER, "BILL-0002", 2500));

    println!("\n2. the user authorises the mall's mini-app; applyToken gives an access token");
    let code = gateway.issue_auth_code(USER);
    let token = client
        .execute(&ApplyTokenRequest::new(ApplyTokenGrantType::AuthorizationCode).auth_code(code))
        .await?
        .access_token
        .ok_or("an access token")?;

    for (step, what, label) in [
        (3, "the whole group", ""),
        (4, "mall 20230316001", "20230316001"),
    ] {
        println!("\n{step}. the user's transaction records in {what}");
        let query = BusinessDistrictBillQueryRequest::new(
            mall(label),
            "BATCH-0001",
            &token,
            "2102020132609344",
        );
        let answer = client.execute(&query).await?;
        // No stored page reaches the response body: the records are an open field.
        for bill in answer.other_fields["bills"].as_array().ok_or("records")? {
            println!(
                "   -> record {} in {}: HKD cents {}",
                bill["billNo"].as_str().unwrap_or("?"),
                bill["mallLabel"].as_str().unwrap_or("?"),
                bill["orderAmount"]["value"]
            );
        }
    }

    println!("\n5. collect two stores' PMS information, the first one twice");
    client.execute(&store("S-001", "Tea House IFC")).await?;
    client
        .execute(&store("S-002", "Tea House Pacific Place"))
        .await?;
    client
        .execute(&store("S-001", "Tea House IFC (renamed)"))
        .await?;
    let page = CircleStoreQueryPageRequest::new(mall(""), PmsPageInfo::new("20", "1", "0", "0"));
    let answer = client.execute(&page).await?;
    println!("   -> page info: {}", answer.other_fields["pageInfo"]);
    for collected in answer.other_fields["circleStores"]
        .as_array()
        .ok_or("stores")?
    {
        let pms = &collected["merchantPms"];
        println!(
            "   -> store {}: {}",
            pms["storeId"].as_str().unwrap_or("?"),
            pms["storeName"].as_str().unwrap_or("?")
        );
    }

    println!("\n6. save a store without naming its mall");
    match client.execute(&CircleStoreSaveRequest::new("PMS")).await {
        Err(Error::Failed { code, result, .. }) => println!(
            "   -> refused: {code:?} ({})",
            result.result_message.unwrap_or_default()
        ),
        other => return Err(format!("expected a refusal, got {other:?}").into()),
    }
    Ok(())
}
