//! A cashless voucher template from creation to close against a local gateway, with nothing
//! to configure:
//!
//! `cargo run --example vouchers`
//!
//! The merchant creates a template (HKD 10 off HKD 100, a budget of 1,000 vouchers), polls
//! `voucherTemplateDetail` through AlipayHK's audit until it is `ACTIVTED`, pauses it, is
//! refused a move the state machine does not allow, lists its templates, and closes it.

use std::time::Duration;

use alipayhk::runtime::{Client, Error, PrivateKey};
use alipayhk::{
    CreateVoucherTemplateRequest, ListVoucherTemplatesRequest, SwitchVoucherTemplateStatusRequest,
    VoucherAmount, VoucherDisplayInfo, VoucherRedemptionRules, VoucherTemplateDetailRequest,
    VoucherTemplateStatus, VoucherTemplateTargetStatus, VoucherType, VoucherUsageRules,
};
use alipayhk_gateway::{GatewayConfig, start};

fn hkd(value: &str) -> VoucherAmount {
    VoucherAmount::new().currency("HKD").value(value)
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

    println!("1. create a template: HKD 10 off HKD 100, 1,000 vouchers, one per user");
    let display = VoucherDisplayInfo::new()
        .merchant_name("Tea House")
        .voucher_description("HKD 10 off a bill of HKD 100 or more");
    let create = CreateVoucherTemplateRequest::new(
        "VOUCHER-REQ-0001",
        "Summer HKD 10 off",
        VoucherType::FixedVoucher,
        "2026-06-01T00:00:00+08:00",
        "2026-08-31T23:59:59+08:00",
        VoucherRedemptionRules::new()
            .quantity_budget("1000")
            .limit_count_per_user("1"),
        VoucherUsageRules::new()
            .min_pay_amount(hkd("100"))
            .amount(hkd("10")),
        [("en_US".to_owned(), display)].into(),
    )
    .creator_id("OPERATOR-1");
    let template_id = client
        .execute(&create)
        .await?
        .template_id
        .ok_or("a templateId")?;
    println!("   -> template {template_id}");

    println!("\n2. poll voucherTemplateDetail until the audit is over");
    loop {
        let detail = client
            .execute(&VoucherTemplateDetailRequest::new(&template_id))
            .await?;
        println!(
            "   -> status: {} ({} vouchers remain)",
            detail.status, detail.remain_quantity
        );
        if matches!(
            detail.status,
            VoucherTemplateStatus::Activted
                | VoucherTemplateStatus::Failed
                | VoucherTemplateStatus::Closed
        ) {
            break;
        }
    }

    let switch = |status, request_id: &str| {
        SwitchVoucherTemplateStatusRequest::new(&template_id, status, request_id)
    };
    println!("\n3. pause it");
    client
        .execute(&switch(VoucherTemplateTargetStatus::Paused, "SWITCH-0001"))
        .await?;
    println!("   -> paused");

    println!("\n4. pause it again: a paused template can only be resumed or closed");
    match client
        .execute(&switch(VoucherTemplateTargetStatus::Paused, "SWITCH-0002"))
        .await
    {
        Err(Error::Failed { code, result, .. }) => println!(
            "   -> refused: {code:?} ({})",
            result.result_message.unwrap_or_default()
        ),
        other => return Err(format!("expected a refusal, got {other:?}").into()),
    }

    println!("\n5. list this year's templates, ten a page");
    let list = ListVoucherTemplatesRequest::new(
        1,
        10,
        "2026-01-01T00:00:00+08:00",
        "2026-12-31T00:00:00+08:00",
    );
    let page = client.execute(&list).await?;
    for template in &page.list {
        println!(
            "   -> {} {:?}: {}",
            template.template_id.as_ref().map_or("?", |id| id.as_str()),
            template.name.as_deref().unwrap_or_default(),
            template.status.as_ref().map_or("?", |s| s.as_str())
        );
    }
    println!("   -> {} template(s) in all", page.total);

    println!("\n6. close it");
    client
        .execute(&switch(VoucherTemplateTargetStatus::Closed, "SWITCH-0003"))
        .await?;
    let held = gateway
        .voucher_template(&template_id)
        .ok_or("the template")?;
    println!("   -> status: {}", held.status);
    Ok(())
}
