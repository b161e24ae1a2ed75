//! Update a membership card against a local gateway, end to end, with nothing to configure:
//!
//! `cargo run --example update_pass`
//!
//! Starts the gateway in-process on a free port with fresh keys, then: adds points to a card,
//! meets an unknown (U) outcome and resolves it by re-sending the same request, closes the
//! card, and shows the typed error for updating a closed card.

use std::collections::BTreeMap;
use std::time::Duration;

use alipayhk::runtime::{Client, Error, RetryPolicy};
use alipayhk::{PassResultCode, UpdatePassRequest, UpdatePassStatus, UpdatePassUpdateDetailType};
use alipayhk_gateway::{Fault, GatewayConfig, start};

const MERCHANT: &str = "2160120000000001";
const USER: &str = "2160220000000002";
const PASS: &str = "2020091119027102160530200000039";

fn add_points(points: i64, bill: &str) -> UpdatePassRequest {
    let data = BTreeMap::from([
        ("billNo".to_owned(), serde_json::json!(bill)),
        (
            "lastChangePoints".to_owned(),
            serde_json::json!(points.to_string()),
        ),
        ("pointsProvider".to_owned(), serde_json::json!("ALIPAYHK")),
    ]);
    UpdatePassRequest::new(
        MERCHANT,
        PASS,
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id(USER)
    .data_info(data)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = GatewayConfig::generated("EXAMPLE_CLIENT")?;
    let merchant_key = config
        .merchant_key
        .clone()
        .ok_or("the example generates the merchant key")?;
    let gateway = start(config).await?;
    println!("local gateway listening on {}", gateway.url());

    let client = Client::builder()
        .base_url(gateway.url())
        .client_id("EXAMPLE_CLIENT")
        .merchant_key(alipayhk::runtime::PrivateKey::merchant(
            &merchant_key.to_pkcs8_pem(),
        )?)
        .platform_key(gateway.platform_public_key.clone())
        .timeout(Duration::from_secs(5))
        .build()?;

    println!("\n1. add 100 points to card {PASS}");
    let response = client.execute(&add_points(100, "BILL-0001")).await?;
    println!(
        "   -> {} ({:?})",
        response.result_info.result_code, response.result_info.result_status
    );

    println!("\n2. the gateway answers U once: the outcome is unknown, so nothing is assumed");
    gateway.faults().script(
        PASS,
        Fault::Result {
            code: "SYSTEM_ERROR".into(),
            status: "U".into(),
            message: Some("try again".into()),
        },
        Some(1),
    );
    let request = add_points(50, "BILL-0002");
    match client.execute(&request).await {
        Err(error @ Error::Unknown { .. }) => println!("   -> {error}"),
        other => return Err(format!("expected an unknown outcome, got {other:?}").into()),
    }
    println!("   re-sending the same request (fresh time and signature) until S or F");
    let policy = RetryPolicy {
        max_attempts: 5,
        initial_backoff: Duration::from_millis(200),
        ..RetryPolicy::default()
    };
    let resolved = client.execute_resolving_unknown(&request, policy).await?;
    let response = resolved
        .response()
        .ok_or("updatePass never reports an earlier attempt as already done")?;
    println!("   -> {}", response.result_info.result_code);
    let pass = gateway.pass(PASS).ok_or("the pass exists")?;
    println!(
        "   card now holds lastChangePoints = {}",
        pass.data["lastChangePoints"]
    );

    println!("\n3. close the card");
    let close = UpdatePassRequest::new(
        MERCHANT,
        PASS,
        UpdatePassStatus::Closed,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id(USER);
    let response = client.execute(&close).await?;
    println!("   -> {}", response.result_info.result_code);

    println!("\n4. update the closed card: a definitive, typed failure");
    match client.execute(&add_points(10, "BILL-0003")).await {
        Err(Error::Failed {
            code: PassResultCode::PassUpdateFail,
            result,
        }) => {
            println!(
                "   -> PassUpdateFail (F): {}",
                result.result_message.unwrap_or_default()
            );
        }
        other => return Err(format!("expected PASS_UPDATE_FAIL, got {other:?}").into()),
    }

    println!("\n5. an invalid request never leaves the client");
    let before = gateway.requests_seen();
    let invalid = UpdatePassRequest::new(
        MERCHANT,
        PASS,
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    );
    if let Err(error) = client.execute(&invalid).await {
        println!("   -> {error}");
    }
    assert_eq!(gateway.requests_seen(), before, "nothing was sent");

    println!("\ndone: every response above was signed by the gateway and verified by the client");
    Ok(())
}
