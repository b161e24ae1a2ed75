//! The console in a real browser (Chromium, driven over WebDriver by chromedriver on
//! 127.0.0.1): a call made by the generated client appears in the log; a tampered request
//! shows why it was refused and the exact content its signature had to cover; a fault
//! scripted through the form applies to the next call; a notification sent through the form
//! reaches a webhook and shows its verdict. `ALIPAYHK_CONSOLE_SCREENSHOT=path` saves the page.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use alipayhk::runtime::notifications::{Delivery, InMemoryStore, Inbox};
use alipayhk::runtime::server::{ServeLimits, ServerConfig, axum, serve};
use alipayhk::runtime::{Client, PrivateKey, ResultInfo, ResultStatus};
use alipayhk::webhooks::{Webhooks, router};
use alipayhk::{
    Amount, PointsBillNotifyPointsProvider, PointsBillNotifyRequest, PointsBillNotifyResponse,
    TemplateDetailRequest,
};
use alipayhk_gateway::{GatewayConfig, MERCHANT_ID, TEMPLATE_CODE, start};
use fantoccini::{ClientBuilder, Locator};

/// chromedriver on a free port, in a process group of its own, stopped with the browsers it
/// started when dropped: a test that fails mid-session leaves no Chromium behind.
struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits until the page shows `xpath`: a form answers with the page again once applied.
async fn wait_for(browser: &fantoccini::Client, xpath: &str) {
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|e| panic!("the page shows {xpath}: {e}"));
}

fn chromedriver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver runs (scripts/test.sh installs chromium and chromium-driver)");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver listens within 20 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver(child, port)
}

/// The merchant's webhook: answers every bill `S`.
struct Loyalty;

impl Webhooks for Loyalty {
    async fn points_bill_notify(
        &self,
        _bill: PointsBillNotifyRequest,
        _delivery: Delivery,
    ) -> Result<PointsBillNotifyResponse, ResultInfo> {
        let result = ResultInfo::new("SUCCESS", ResultStatus::Success, "credited");
        Ok(PointsBillNotifyResponse::new(result))
    }
}

fn detail() -> TemplateDetailRequest {
    TemplateDetailRequest::new(MERCHANT_ID, TEMPLATE_CODE)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_shows_requests_and_drives_faults_and_notifications() {
    let driver = chromedriver();
    let config = GatewayConfig::generated("CONSOLE_CLIENT").expect("keys");
    let merchant_key = config.merchant_key.clone().expect("generated");
    let gateway = start(config).await.expect("gateway");
    let client = Client::builder()
        .base_url(gateway.url())
        .client_id("CONSOLE_CLIENT")
        .merchant_key(PrivateKey::merchant(&merchant_key.to_pkcs8_pem()).expect("key"))
        .platform_key(gateway.platform_public_key.clone())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");

    // A call by the generated client, and a request whose signature is not the body's.
    client.execute(&detail()).await.expect("S");
    let tampered = alipayhk::runtime::reqwest::Client::new()
        .post(format!(
            "{}/api/open/alipay/v1/ipass/template/manage/detail",
            gateway.url()
        ))
        .header("Client-Id", "CONSOLE_CLIENT")
        .header("Request-Time", alipayhk::runtime::wire::rfc3339_now())
        .header("Content-Type", "application/json; charset=UTF-8")
        .header("Signature", "algorithm=RSA256,keyVersion=1,signature=AAAA")
        .body("{\"merchantId\":  \"2160120000000001\", \"x\": \"<b>bold</b>\"}\r\n")
        .send()
        .await
        .expect("answered");
    assert_eq!(tampered.status(), 200);

    let capabilities = serde_json::json!({
        "goog:chromeOptions": {
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1600"]
        }
    });
    let browser = ClientBuilder::rustls()
        .expect("a WebDriver client")
        .capabilities(capabilities.as_object().expect("an object").clone())
        .connect(&format!("http://127.0.0.1:{}", driver.1))
        .await
        .expect("a browser session");
    let console = format!("{}/console", gateway.url());
    browser.goto(&console).await.expect("the console loads");
    let log = browser
        .find(Locator::Css("#log"))
        .await
        .expect("the log")
        .text()
        .await
        .unwrap();
    assert!(
        log.contains("POST /api/open/alipay/v1/ipass/template/manage/detail"),
        "{log}"
    );
    assert!(log.contains("S SUCCESS"), "{log}");
    assert!(log.contains("refused INVALID_SIGNATURE"), "{log}");
    // The content it verified, with the double space and the CR LF made visible.
    assert!(log.contains("CONSOLE_CLIENT."), "{log}");
    assert!(
        log.contains("{\"merchantId\":··\"2160120000000001\",·\"x\""),
        "{log}"
    );
    assert!(log.contains("}\\r↵"), "{log}");
    // A request body is hostile input: shown as text, never as markup.
    assert!(log.contains("<b>bold</b>"), "{log}");
    assert!(
        !log.contains("favicon"),
        "the browser's own requests are not API requests: {log}"
    );

    // A fault scripted through the form applies to the next call.
    let form = browser
        .form(Locator::Css("#fault-form"))
        .await
        .expect("the fault form");
    form.set_by_name("key", TEMPLATE_CODE).await.unwrap();
    form.set_by_name("kind", "result").await.unwrap();
    form.set_by_name("code", "SYSTEM_ERROR").await.unwrap();
    form.set_by_name("status", "U").await.unwrap();
    form.set_by_name("times", "1").await.unwrap();
    form.submit().await.expect("scripted");
    // The form answers with the page again, listing the fault once it is scripted.
    wait_for(
        &browser,
        "//table[@id='faults']//td[contains(., 'SYSTEM_ERROR')]",
    )
    .await;
    let error = client.execute(&detail()).await.unwrap_err();
    assert!(error.outcome_unknown(), "{error:?}");
    client
        .execute(&detail())
        .await
        .expect("used up after one call");

    // A notification sent through the form reaches the merchant's webhook.
    let keys = ServerConfig::new(
        PrivateKey::merchant(&merchant_key.to_pkcs8_pem()).expect("key"),
        gateway.platform_public_key.clone(),
        "CONSOLE_CLIENT",
    );
    let webhook = axum::Router::new().nest(
        "/merchant",
        router(
            Arc::new(Loyalty),
            Inbox::new(InMemoryStore::default()),
            keys,
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let webhook_url = format!("http://{}/merchant", listener.local_addr().expect("addr"));
    tokio::spawn(serve(
        listener,
        webhook,
        ServeLimits::default(),
        std::future::pending(),
    ));
    let bill = PointsBillNotifyRequest::new(
        "2160220000000002",
        "B-CONSOLE",
        Amount::new("HKD", 18_000),
        "2026-11-26T12:00:00+08:00",
        PointsBillNotifyPointsProvider::Alipayhk,
    );
    browser.goto(&console).await.expect("the console loads");
    let form = browser
        .form(Locator::Css("#notify-form"))
        .await
        .expect("the notify form");
    form.set_by_name("name", "pointsBillNotify").await.unwrap();
    form.set_by_name("url", &webhook_url).await.unwrap();
    form.set_by_name("body", &serde_json::to_string(&bill).unwrap())
        .await
        .unwrap();
    form.submit().await.expect("sent");
    wait_for(&browser, "//table[@id='sent']//td[contains(., 'answered')]").await;
    let sent = browser
        .find(Locator::Css("#sent"))
        .await
        .expect("sent")
        .text()
        .await
        .unwrap();
    assert!(sent.contains("pointsBillNotify"), "{sent}");
    assert!(sent.contains("answered S SUCCESS"), "{sent}");
    let log = browser
        .find(Locator::Css("#log"))
        .await
        .expect("the log")
        .text()
        .await
        .unwrap();
    assert!(
        log.contains("U SYSTEM_ERROR"),
        "the scripted answer is in the log: {log}"
    );

    if let Ok(path) = std::env::var("ALIPAYHK_CONSOLE_SCREENSHOT") {
        let png = browser.screenshot().await.expect("a screenshot");
        std::fs::write(path, png).expect("written");
    }
    browser.close().await.expect("closed");
}
