//! The official Alipay Python SDK (`global-open-sdk-python`) against the local gateway on a
//! payments path: its signature tool signs the request, the gateway verifies it and answers,
//! and the tool verifies the gateway's signed answer (and refuses a tampered copy). Nothing of
//! this workspace is on the Python side. `scripts/test.sh` installs the SDK into
//! `target/official-sdk` (or set `ALIPAYHK_OFFICIAL_SDK` to where it is).

use std::path::PathBuf;
use std::process::Command;

mod support;

use support::{CLIENT_ID, Fixture, fixture};

fn sdk_dir() -> PathBuf {
    std::env::var_os("ALIPAYHK_OFFICIAL_SDK")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/official-sdk"))
}

/// Calls `path` with `body` through the SDK; its JSON report.
fn sdk_call(f: &Fixture, path: &str, body: &serde_json::Value) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let merchant = dir.path().join("merchant.pem");
    let platform = dir.path().join("platform_public.pem");
    std::fs::write(&merchant, f.merchant_pem()).unwrap();
    std::fs::write(&platform, f.gateway.platform_public_key.to_pem()).unwrap();
    let sdk = sdk_dir();
    assert!(
        sdk.join("com/alipay/ams/api/tools/signature_tool.py")
            .exists(),
        "the official SDK is not at {}: run scripts/test.sh, which installs it",
        sdk.display()
    );
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/python/official_sdk_call.py");
    let output = Command::new("python3")
        .env("PYTHONPATH", &sdk)
        .arg(script)
        .arg(f.gateway.url())
        .arg(path)
        .arg(CLIENT_ID)
        .arg(&merchant)
        .arg(&platform)
        .arg(body.to_string())
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_sdk_signs_a_payment_and_verifies_the_gateways_answer() {
    let f = fixture().await;
    let code = f
        .gateway
        .issue_payment_code("2160220000000002", "ALIPAY_HK");
    let body = serde_json::json!({
        "productCode": "IN_STORE_PAYMENT",
        "paymentRequestId": "SDK-PAY-1",
        "order": {
            "referenceOrderId": "ORDER-1",
            "orderDescription": "A cup of tea",
            "orderAmount": {"currency": "HKD", "value": "3800"}
        },
        "paymentAmount": {"currency": "HKD", "value": "3800"},
        "paymentMethod": {"paymentMethodType": "CONNECT_WALLET", "paymentMethodId": code}
    });

    // The SDK's process blocks this thread; the gateway serves on the other.
    let report =
        tokio::task::block_in_place(|| sdk_call(&f, "/aps/api/intl/wallet/v1/payments/pay", &body));

    assert_eq!(report["status"], 200, "{report}");
    assert_eq!(report["answer"]["result"]["resultStatus"], "S", "{report}");
    assert_eq!(
        report["verified"], true,
        "the SDK verifies the gateway's answer: {report}"
    );
    assert_eq!(report["tampered_verified"], false, "{report}");
    let payment = f
        .gateway
        .payment("SDK-PAY-1")
        .expect("the payment was made");
    assert_eq!(payment.amount, 3800);
    assert_eq!(report["answer"]["paymentId"], payment.payment_id.as_str());
}
