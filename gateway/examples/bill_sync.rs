//! Bills & Utilities: send AlipayHK a user's latest payment information against a local
//! gateway, with nothing to configure:
//!
//! `cargo run --example bill_sync`
//!
//! The merchant syncs a user's payment record after the user paid, syncs the next one (the
//! latest replaces it), and is refused a sync that carries no payment information. Every
//! stored copy of the page stops at `requestId`: the payment information goes in open fields
//! (`other_field`), here as `accountPaymentInfos`, the name AlipayHK's "Query latest payment
//! info" call gives the same information.

use std::time::Duration;

use alipayhk::SyncLatestPaymentInfoRequest;
use alipayhk::runtime::{Client, Error, PrivateKey};
use alipayhk_gateway::{GatewayConfig, start};
use serde_json::json;

const OPEN_ID: &str = "OPEN-ID-0001";

fn paid(request_id: &str, bill: &str, cents: &str) -> SyncLatestPaymentInfoRequest {
    SyncLatestPaymentInfoRequest::new(OPEN_ID, request_id).other_field(
        "accountPaymentInfos",
        json!([{ "accountId": "ELEC-0001", "billNo": bill, "paidAmount": cents }]),
    )
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
    let latest = || {
        gateway
            .latest_payment_info(OPEN_ID)
            .map(|info| {
                format!(
                    "{} after {} sync(s)",
                    info.fields["accountPaymentInfos"][0]["billNo"], info.syncs
                )
            })
            .unwrap_or_default()
    };

    println!("1. the user paid the January bill: sync it");
    client
        .execute(&paid("SYNC-REQ-1", "JAN-2026", "41800"))
        .await?;
    println!("   -> latest: {}", latest());

    println!("\n2. then the February bill");
    client
        .execute(&paid("SYNC-REQ-2", "FEB-2026", "39900"))
        .await?;
    println!("   -> latest: {}", latest());

    println!("\n3. a sync with no payment information");
    match client
        .execute(&SyncLatestPaymentInfoRequest::new(OPEN_ID, "SYNC-REQ-3"))
        .await
    {
        Err(Error::Failed { code, result, .. }) => println!(
            "   -> refused: {code:?} ({})",
            result.result_message.unwrap_or_default()
        ),
        other => return Err(format!("expected a refusal, got {other:?}").into()),
    }
    println!("   -> latest: {}", latest());
    Ok(())
}
