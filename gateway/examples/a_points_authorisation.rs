//! The A. Points authorisation through AlipayHK's page, against a local gateway, with nothing
//! to configure:
//!
//! `cargo run --example a_points_authorisation`
//!
//! The merchant asks for an authorisation URL (prepareForRedirect, the v1 head/body
//! protocol) and would send the user's browser there; here the example plays the browser: it
//! agrees on the gateway's page as the user and reads where the page redirects (the
//! merchant's URL with `authCode` and `authResult` added). The code is exchanged with
//! `applyToken` (the header protocol) for an access token, which reads the user's A. Points.

use std::time::Duration;

use alipayhk::runtime::{Client, PrivateKey};
use alipayhk::{
    ApplyTokenGrantType, ApplyTokenRequest, BenefitIssueRequest, PrepareForRedirectAuthSite,
    PrepareForRedirectRequest, PrepareForRedirectTerminalType, ProviderUserInfo,
    UserPromoBenefitQueryRequest,
};
use alipayhk_gateway::{GatewayConfig, MERCHANT_ID, start};

const USER: &str = "2160220000000002";
/// Where the merchant wants the user back; the page keeps its query.
const REDIRECT: &str = "https://merchant.example/points/back?order=42";

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

    println!("1. prepareForRedirect: the URL of the authorisation page");
    let prepare = PrepareForRedirectRequest::new(
        MERCHANT_ID,
        PrepareForRedirectAuthSite::AlipayHk,
        REDIRECT,
        vec!["USER_POINTS".to_owned()],
        PrepareForRedirectTerminalType::Wap,
    );
    let page = client.execute(&prepare).await?.auth_site_url;
    println!("   -> {page}");

    println!("\n2. the user agrees on the page (played here by an HTTP GET)");
    // A browser would follow the redirect to the merchant; the example reads it instead.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let answer = browser
        .get(format!("{page}&user={USER}&consent=agree"))
        .send()
        .await?;
    if answer.status() != reqwest::StatusCode::FOUND {
        return Err(format!("the page answered {}", answer.status()).into());
    }
    let location = answer
        .headers()
        .get(reqwest::header::LOCATION)
        .ok_or("a Location")?
        .to_str()?
        .to_owned();
    println!("   -> redirected to {location}");
    let code = query_value(&location, "authCode").ok_or("an authCode")?;
    println!(
        "   -> authResult {}, authCode {code}",
        query_value(&location, "authResult").unwrap_or_default()
    );

    println!("\n3. applyToken exchanges the code for an access token");
    let token = client
        .execute(&ApplyTokenRequest::new(ApplyTokenGrantType::AuthorizationCode).auth_code(code))
        .await?
        .access_token
        .ok_or("an access token")?;

    println!("\n4. the merchant issues 500 A. Points, and the token reads the balance");
    let issue = BenefitIssueRequest::new(ProviderUserInfo::new().user_id(USER))
        .biz_no("AUTHORISED-0001")
        .amount(500);
    client.execute(&issue).await?;
    let balance = client
        .execute(&UserPromoBenefitQueryRequest::new(&token))
        .await?
        .account_benefit_model
        .and_then(|m| m.available_amount)
        .ok_or("a balance")?;
    println!("   -> A. Points: {balance}");
    Ok(())
}

/// The value of `name` in `url`'s query (the page's values need no percent-decoding).
fn query_value(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1.split('#').next()?;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
        .map(str::to_owned)
}
