//! The console's request log says what the transport faults did: a createPass the gateway
//! performed and answered `S`, whose answer a `drop` fault then cut off, shows the fault and
//! that the answer never arrived, beside the request's body and fault key; a request without a
//! transport fault shows its body and no fault.

use std::time::Duration;

use alipayhk::runtime::{Client, EpochMillis, PrivateKey};
use alipayhk::{CreatePassBizSerialType, CreatePassRequest};
use alipayhk_gateway::{Fault, GatewayConfig, MERCHANT_ID, TEMPLATE_CODE, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn create(biz_serial_id: &str) -> CreatePassRequest {
    CreatePassRequest::new(
        MERCHANT_ID,
        TEMPLATE_CODE,
        biz_serial_id,
        CreatePassBizSerialType::OutPlatForm,
        EpochMillis(1_640_970_061_000),
        EpochMillis(1_767_196_799_000),
        EpochMillis(1_640_970_061_000),
    )
    .user_id("2160220000000002")
}

/// The console page, over a plain HTTP/1.1 request.
async fn console_page(addr: std::net::SocketAddr) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET /console HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut page = String::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_string(&mut page))
        .await
        .expect("the console answers within 10 s")
        .expect("read");
    page
}

#[tokio::test]
async fn a_dropped_answer_shows_in_the_log_as_never_arrived() {
    let config = GatewayConfig::generated("LOG_CLIENT").expect("keys");
    let merchant_key = config.merchant_key.clone().expect("generated");
    let gateway = start(config).await.expect("gateway");
    let client = Client::builder()
        .base_url(gateway.url())
        .client_id("LOG_CLIENT")
        .merchant_key(PrivateKey::merchant(&merchant_key.to_pkcs8_pem()).expect("key"))
        .platform_key(gateway.platform_public_key.clone())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    gateway.faults().script("BIZ-DROPPED", Fault::Drop, Some(1));

    let dropped = client.execute(&create("BIZ-DROPPED")).await;
    assert!(dropped.is_err(), "the answer was cut off: {dropped:?}");
    client
        .execute(&create("BIZ-PLAIN"))
        .await
        .expect("an answer without a fault");

    let page = console_page(gateway.addr).await;
    let rows: Vec<&str> = page.split("<tr class=\"exchange").skip(1).collect();
    let row = |key: &str| {
        rows.iter()
            .find(|r| r.contains(&format!("<code>{key}</code>")))
            .unwrap_or_else(|| panic!("a row keyed {key} in {page}"))
    };
    let dropped = row("BIZ-DROPPED");
    assert!(dropped.contains("S SUCCESS"), "{dropped}");
    assert!(dropped.contains(" faulted"), "{dropped}");
    assert!(
        dropped.contains("the answer never arrived"),
        "the log says the answer was cut off: {dropped}"
    );
    assert!(
        dropped.contains("&#34;bizSerialId&#34;"),
        "the body shows: {dropped}"
    );
    let plain = row("BIZ-PLAIN");
    assert!(plain.contains("S SUCCESS"), "{plain}");
    assert!(
        !plain.contains("never arrived") && !plain.contains(" faulted"),
        "{plain}"
    );
}
