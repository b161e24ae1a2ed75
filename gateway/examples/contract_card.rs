//! A performance notification (an order card in the user's AlipayHK) against a local
//! gateway, with nothing to configure:
//!
//! `cargo run --example contract_card`
//!
//! The merchant sends a payment order card (`WAIT_PAY`), is refused a second `SEND` while it
//! is valid, moves it to `OVERDUED`, sees a late update (an older `bizDate`) ignored, closes
//! it, and is refused an update of an order that has no card.

use std::time::Duration;

use alipayhk::runtime::{Client, EpochMillis, Error, PrivateKey};
use alipayhk::{
    ContractCardSyncRequest, ContractCardSyncResultCode, PerformanceCommand,
    PerformanceTemplateCode, SyncDataInfo,
};
use alipayhk_gateway::{GatewayConfig, start};

const USER: &str = "2160220000000002";

fn card(
    command: PerformanceCommand,
    order: &str,
    request_id: &str,
    biz_date: i64,
    status: &str,
) -> ContractCardSyncRequest {
    // The page writes each locale's business information as a JSON string.
    let info = SyncDataInfo::new()
        .language_business_info_en_us(r#"{"title":"Electricity bill, January"}"#)
        .language_business_info_zh_hk(r#"{"title":"一月電費"}"#)
        .amount(41800);
    ContractCardSyncRequest::new(
        EpochMillis(biz_date),
        command,
        info,
        order,
        status,
        PerformanceTemplateCode::PaymentOrderDefault,
        request_id,
    )
    .user_id(USER)
}

fn refused(
    answer: Result<impl std::fmt::Debug, Error<ContractCardSyncResultCode>>,
) -> Result<(), String> {
    match answer {
        Err(Error::Failed { code, result, .. }) => {
            println!(
                "   -> refused: {code:?} ({})",
                result.result_message.unwrap_or_default()
            );
            Ok(())
        }
        other => Err(format!("expected a refusal, got {other:?}")),
    }
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
    use PerformanceCommand::{Send, Update};
    let order = "BILL-2026-01";
    let now = EpochMillis::now().0;
    let statuses = || {
        gateway
            .performance_card(order, USER)
            .map(|card| card.statuses.join(" -> "))
            .unwrap_or_default()
    };

    println!("1. SEND the card: the user has a bill to pay");
    client
        .execute(&card(Send, order, "REQ-0001", now, "WAIT_PAY"))
        .await?;
    println!("   -> card: {}", statuses());

    println!("\n2. SEND it again while it is valid");
    refused(
        client
            .execute(&card(Send, order, "REQ-0002", now, "WAIT_PAY"))
            .await,
    )?;

    println!("\n3. UPDATE: the bill is overdue");
    client
        .execute(&card(Update, order, "REQ-0003", now + 1_000, "OVERDUED"))
        .await?;
    println!("   -> card: {}", statuses());

    println!("\n4. a late UPDATE arrives (an older bizDate): ignored");
    client
        .execute(&card(Update, order, "REQ-0004", now + 500, "PAY_FAILED"))
        .await?;
    println!("   -> card: {}", statuses());

    println!("\n5. UPDATE: paid, the order closes and the card disappears");
    client
        .execute(&card(Update, order, "REQ-0005", now + 2_000, "CLOSED"))
        .await?;
    println!("   -> card: {}", statuses());

    println!("\n6. UPDATE an order that has no card");
    refused(
        client
            .execute(&card(Update, "BILL-2026-02", "REQ-0006", now, "OVERDUED"))
            .await,
    )?;
    Ok(())
}
