//! Take a payment and refund part of it against a local gateway, with nothing to configure:
//!
//! `cargo run --example refund`
//!
//! Starts the gateway in-process with fresh keys; the user's wallet shows a payment code (the
//! gateway issues one), and the merchant: asks which wallet the code belongs to, takes
//! HKD 500.00 with it, refunds HKD 200.00, is refused a refund of HKD 300.01 (it would exceed
//! the payment), re-sends the first refund after a lost answer and gets the same refund, and
//! reads the payment back with inquiryPayment.

use std::time::Duration;

use alipayhk::runtime::{Client, Error, PrivateKey};
use alipayhk::{
    CodeConsultRequest, InquiryPaymentRequest, PayRequest, PaymentAmount, PaymentMethod,
    PaymentMethodType, PaymentOrder, PaymentProductCode, RefundRequest,
};
use alipayhk_gateway::{GatewayConfig, start};

const USER: &str = "2160220000000002";

fn hkd(cents: &str) -> PaymentAmount {
    PaymentAmount::new().currency("HKD").value(cents)
}

fn refund(refund_id: &str, cents: &str) -> RefundRequest {
    RefundRequest::new(
        "ACQUIRER_ID",
        "PSP_ID",
        "ORDER-2026-0001",
        refund_id,
        hkd(cents),
        hkd(cents),
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
    println!("local gateway listening on {}", gateway.url());

    let code = gateway.issue_payment_code(USER, "ALIPAY_HK");
    println!("\n1. the merchant scans the user's payment code: whose wallet is it?");
    let wallet = client.execute(&CodeConsultRequest::new(&code)).await?;
    println!("   -> {}", wallet.psp_site_name);

    println!("\n2. pay HKD 500.00 with it");
    let pay = PayRequest::new(
        PaymentOrder::new()
            .reference_order_id("ORDER-2026-0001")
            .order_description("Two wrist straps")
            .order_amount(hkd("50000")),
    )
    .product_code(PaymentProductCode::InStorePayment)
    .payment_request_id("ORDER-2026-0001")
    .payment_amount(hkd("50000"))
    .payment_method(
        PaymentMethod::new()
            .payment_method_type(PaymentMethodType::ConnectWallet)
            .payment_method_id(code),
    );
    let paid = client.execute(&pay).await?;
    println!(
        "   -> {} payment {}",
        paid.result.result_code,
        paid.payment_id.as_ref().map_or("?", |id| id.as_str())
    );

    println!("\n3. refund HKD 200.00");
    let first = client.execute(&refund("REFUND-1", "20000")).await?;
    println!(
        "   -> {} refund {}",
        first.result.result_code,
        first.refund_id.as_deref().unwrap_or("?")
    );

    println!("\n4. refund HKD 300.01 more: past what was paid");
    match client.execute(&refund("REFUND-2", "30001")).await {
        Err(Error::Failed { code, result, .. }) => {
            println!(
                "   -> refused: {code:?} ({})",
                result.result_message.unwrap_or_default()
            );
        }
        other => return Err(format!("expected a refusal, got {other:?}").into()),
    }

    println!("\n5. the answer to the first refund was lost: send it again");
    let again = client.execute(&refund("REFUND-1", "20000")).await?;
    println!(
        "   -> the same refund: {} (nothing refunded twice)",
        again.refund_id.as_deref().unwrap_or("?")
    );

    println!("\n6. inquiryPayment");
    let report = client
        .execute(&InquiryPaymentRequest::new(
            "ACQUIRER_ID",
            "PSP_ID",
            "ORDER-2026-0001",
        ))
        .await?;
    let result = report.payment_result.ok_or("a payment result")?;
    let amount = report.payment_amount.ok_or("an amount")?;
    // The spec infers these fields' requirement (no stored page lists their objects'
    // fields), so the types leave them optional: ask for each.
    println!(
        "   -> the payment: {} ({:?}), {} {}",
        result.result_code.ok_or("a result code")?,
        result.result_status.ok_or("a result status")?,
        amount.currency.ok_or("a currency")?,
        amount.value.ok_or("a value")?
    );
    let record = gateway.payment("ORDER-2026-0001").ok_or("the payment")?;
    println!(
        "   -> refunded {} of {} in {} refund(s); the refused one left no trace",
        record.refunded,
        record.amount,
        record.refunds.len()
    );
    Ok(())
}
