//! A payment whose answer is lost is not a mystery: the crate settles it, by the procedure the
//! spec records for `pay` (inquire with the same `paymentRequestId` until it is final, cancel
//! it when the merchant stops waiting), and keeps the intent in a store so a crash forgets
//! nothing.
//!
//! `cargo run --example pay_with_unknown_outcome`
//!
//! On a local gateway: one payment is made and then answered `U`, and is settled by inquiry;
//! another stays processing past the merchant's deadline, and is cancelled (it will never be
//! taken). Both are written to an SQLite intent store before they are sent.

use std::time::Duration;

use alipayhk::runtime::resolve::{Evidence, Outcome, ResolvePolicy, Resolver, SqliteIntentStore};
use alipayhk::runtime::{Client, PrivateKey};
use alipayhk::{
    PayRequest, PaymentAmount, PaymentMethod, PaymentMethodType, PaymentOrder, PaymentProductCode,
};
use alipayhk_gateway::{Fault, GatewayConfig, start};

const USER: &str = "2160220000000002";

fn pay(request_id: &str, code: String) -> PayRequest {
    let hkd = || PaymentAmount::new().currency("HKD").value("3800");
    PayRequest::new(
        PaymentOrder::new()
            .reference_order_id(request_id)
            .order_description("Lunch set")
            .order_amount(hkd()),
    )
    .acquirer_id("ACQUIRER_ID")
    .psp_id("PSP_ID")
    .product_code(PaymentProductCode::InStorePayment)
    .payment_request_id(request_id)
    .payment_amount(hkd())
    .payment_method(
        PaymentMethod::new()
            .payment_method_type(PaymentMethodType::ConnectWallet)
            .payment_method_id(code),
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
        .timeout(Duration::from_secs(2))
        .build()?;
    let dir = tempfile::tempdir()?;
    // The merchant's own database; the same file can hold the webhook store's records.
    let store = SqliteIntentStore::open(dir.path().join("merchant.db"))?;
    let resolver = Resolver::new(client, store)
        .policy(ResolvePolicy {
            // A counter's patience, shortened for the example.
            deadline: Duration::from_secs(3),
            ..ResolvePolicy::default()
        })
        .register::<PayRequest>();

    println!("1. a payment that is made, and then answered U");
    gateway.faults().script(
        "LUNCH-0001",
        Fault::After {
            code: "UNKNOWN_EXCEPTION".into(),
            status: "U".into(),
            message: None,
        },
        Some(1),
    );
    let code = gateway.issue_payment_code(USER, "ALIPAY_HK");
    match resolver.execute(&pay("LUNCH-0001", code)).await? {
        Outcome::Done(Evidence::Inquired(answer)) => println!(
            "   -> paid, as inquiryPayment says: payment {}",
            answer.payment_id.as_ref().map_or("?", |id| id.as_str())
        ),
        other => {
            return Err(format!("expected a payment settled by inquiry, got {other:?}").into());
        }
    }

    println!("\n2. a payment that stays processing past the deadline");
    gateway
        .faults()
        .script("LUNCH-0002", Fault::Processing { millis: 60_000 }, Some(1));
    let code = gateway.issue_payment_code(USER, "ALIPAY_HK");
    match resolver.execute(&pay("LUNCH-0002", code)).await? {
        Outcome::Cancelled => println!("   -> cancelled at the deadline: it will never be taken"),
        other => return Err(format!("expected a cancelled payment, got {other:?}").into()),
    }
    let state = gateway.payment("LUNCH-0002").map(|p| p.state);
    println!("   -> the gateway's ledger: {state:?}");

    println!("\n3. after a restart, nothing is left to resume");
    let left = resolver.resume().await?;
    println!("   -> {} intents resumed", left.len());
    Ok(())
}
