//! A stopped or dropped gateway closes its connections, idle keep-alive ones included: the
//! client's next call is refused and reported as not sent, never as "may have happened".

use std::time::Duration;

use alipayhk::runtime::{Client, PrivateKey};
use alipayhk::{TemplateDetailRequest, TemplateDetailResponse};
use alipayhk_gateway::{GatewayConfig, MERCHANT_ID, RunningGateway, TEMPLATE_CODE, start};

async fn gateway_and_client() -> (RunningGateway, Client) {
    let config = GatewayConfig::generated("TEST_CLIENT").expect("keys");
    let merchant_key = config.merchant_key.clone().expect("generated");
    let gateway = start(config).await.expect("gateway");
    let client = Client::builder()
        .base_url(gateway.url())
        .client_id("TEST_CLIENT")
        .merchant_key(PrivateKey::merchant(&merchant_key.to_pkcs8_pem()).expect("key"))
        .platform_key(gateway.platform_public_key.clone())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    (gateway, client)
}

fn detail() -> TemplateDetailRequest {
    TemplateDetailRequest::new(MERCHANT_ID, TEMPLATE_CODE)
}

async fn check_refused_after(stop: impl AsyncFnOnce(RunningGateway)) {
    let (gateway, client) = gateway_and_client().await;
    let _: TemplateDetailResponse = client.execute(&detail()).await.expect("served");
    // The client now holds an idle keep-alive connection to the gateway.
    stop(gateway).await;

    let error = client.execute(&detail()).await.unwrap_err();

    assert!(
        !error.outcome_unknown(),
        "a closed gateway is not an unknown outcome: {error:?}"
    );
}

#[tokio::test]
async fn a_dropped_gateway_refuses_the_next_call() {
    // Dropping cannot wait: the serving task is aborted, and goes at the runtime's next turn.
    // Once its port refuses connections, its kept-alive ones are closed too.
    check_refused_after(async |gateway| {
        let addr = gateway.addr;
        drop(gateway);
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(addr).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the dropped gateway still accepts connections after 2 s");
    })
    .await;
}

#[tokio::test]
async fn a_stopped_gateway_refuses_the_next_call() {
    check_refused_after(async |gateway| gateway.stop().await).await;
}
