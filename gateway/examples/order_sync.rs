//! Order sync and the products it sells against a local gateway, with nothing to configure:
//!
//! `cargo run --example order_sync`
//!
//! The merchant syncs an add-on product (`syncContent`), syncs an order as it moves on (paid,
//! then ticketed), is refused a status that goes back, re-sends a sync whose answer was lost
//! and changes nothing twice, and delists the product.

use std::time::Duration;

use alipayhk::runtime::{Client, Error, PrivateKey};
use alipayhk::{SyncContentContentType, SyncContentRequest, SyncOrderRequest};
use alipayhk_gateway::{GatewayConfig, start};

fn order(request_id: &str, status: &str) -> SyncOrderRequest {
    SyncOrderRequest::new(
        request_id,
        "ORDER-2026-0001",
        "2026010522001432271433274247",
    )
    .order_status(status)
    .amount_value(12800)
    .amount_currency("HKD")
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

    println!("1. syncContent: list an add-on product");
    let info = serde_json::json!({ "title": "Egg tart box", "price": { "currency": "HKD", "value": 12800 } });
    let listed = SyncContentRequest::new(
        "CONTENT-REQ-1",
        "SKU-EGG-TART",
        SyncContentContentType::Sku,
        info.to_string(),
        1,
    );
    client.execute(&listed).await?;
    let product = gateway.content("SKU-EGG-TART").ok_or("the product")?;
    println!("   -> {}: listed {}", product.info["title"], product.listed);

    println!("\n2. syncOrder: the order is paid, then ticketed");
    client.execute(&order("ORDER-REQ-1", "PAID")).await?;
    client.execute(&order("ORDER-REQ-2", "TICKETED")).await?;
    let statuses = || {
        gateway
            .order("ORDER-2026-0001")
            .map(|o| format!("{} ({} syncs)", o.statuses.join(" -> "), o.syncs))
            .unwrap_or_default()
    };
    println!("   -> order: {}", statuses());

    println!("\n3. sync it back to PAID");
    match client.execute(&order("ORDER-REQ-3", "PAID")).await {
        Err(Error::Failed { code, result, .. }) => println!(
            "   -> refused: {code:?} ({})",
            result.result_message.unwrap_or_default()
        ),
        other => return Err(format!("expected a refusal, got {other:?}").into()),
    }

    println!("\n4. the answer to the TICKETED sync was lost: send it again");
    client.execute(&order("ORDER-REQ-2", "TICKETED")).await?;
    println!("   -> order: {}", statuses());

    println!("\n5. syncContent: delist the product");
    let delisted = SyncContentRequest::new(
        "CONTENT-REQ-2",
        "SKU-EGG-TART",
        SyncContentContentType::Sku,
        info.to_string(),
        0,
    );
    client.execute(&delisted).await?;
    let product = gateway.content("SKU-EGG-TART").ok_or("the product")?;
    println!("   -> {}: listed {}", product.info["title"], product.listed);
    Ok(())
}
