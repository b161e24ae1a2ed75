//! A user's A. Points against a local gateway, with nothing to configure:
//!
//! `cargo run --example a_points`
//!
//! The user authorises the merchant (an authorisation code, exchanged with `applyToken` for
//! an access token); the merchant issues A. Points, reads the balance with the token, redeems
//! some, and is refused a redemption of more than the user holds. The same token reads the
//! user's eKYC information (inquriyUserInfo).

use std::time::Duration;

use alipayhk::runtime::{Client, Error, PrivateKey};
use alipayhk::{
    ApplyTokenGrantType, ApplyTokenRequest, BenefitIssueRequest, BenefitProductCode,
    BenefitRedeemRequest, InquriyUserInfoRequest, ProviderUserInfo, UserPromoBenefitQueryRequest,
};
use alipayhk_gateway::{GatewayConfig, start};

const USER: &str = "2160220000000002";

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

    println!("1. the user authorises the merchant; applyToken gives an access token");
    let code = gateway.issue_auth_code(USER);
    let token = client
        .execute(&ApplyTokenRequest::new(ApplyTokenGrantType::AuthorizationCode).auth_code(code))
        .await?
        .access_token
        .ok_or("an access token")?;
    let balance = async |client: &Client| -> Result<i64, Box<dyn std::error::Error>> {
        let answer = client
            .execute(&UserPromoBenefitQueryRequest::new(&token))
            .await?;
        Ok(answer
            .account_benefit_model
            .and_then(|m| m.available_amount)
            .unwrap_or_default())
    };
    println!("   -> A. Points: {}", balance(&client).await?);

    println!("\n2. issue 500 A. Points");
    let issue = BenefitIssueRequest::new(ProviderUserInfo::new().user_id(USER))
        .biz_no("ISSUE-0001")
        .amount(500);
    client.execute(&issue).await?;
    println!("   -> A. Points: {}", balance(&client).await?);

    println!("\n3. redeem 120");
    let redeem = |biz_no: &str, amount: i64| {
        BenefitRedeemRequest::new(BenefitProductCode::Point, biz_no, "1764672000000", USER)
            .amount(amount)
    };
    client.execute(&redeem("REDEEM-0001", 120)).await?;
    println!("   -> A. Points: {}", balance(&client).await?);

    println!("\n4. redeem 1000: more than the user holds");
    match client.execute(&redeem("REDEEM-0002", 1000)).await {
        Err(Error::Failed { code, result, .. }) => {
            println!(
                "   -> refused: {code:?} ({})",
                result.result_message.unwrap_or_default()
            );
        }
        other => return Err(format!("expected a refusal, got {other:?}").into()),
    }
    println!("   -> A. Points: {}", balance(&client).await?);

    println!("\n5. the same token reads the user's eKYC information");
    let user = client
        .execute(&InquriyUserInfoRequest::new(&token))
        .await?
        .user_info
        .ok_or("userInfo")?;
    for (field, value) in &user {
        println!("   -> {field}: {value}");
    }
    Ok(())
}
