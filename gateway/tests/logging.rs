//! The gateway binary logs each request, and why it refused one, so a developer calling it
//! from another language can see what went wrong; at debug level, the exact content their
//! signature had to cover.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use alipayhk::runtime::{Client, KeyRole, PrivateKey, PublicKey};
use alipayhk::{UpdatePassRequest, UpdatePassStatus, UpdatePassUpdateDetailType};

struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn each_request_is_logged_and_a_refusal_says_what_had_to_be_signed() {
    let dir = tempfile::tempdir().unwrap();
    let log = std::fs::File::create(dir.path().join("gateway.log")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_alipayhk-gateway"))
        .args(["--port", "0", "--log", "debug", "--key-dir"])
        .arg(dir.path().join("keys"))
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let guard = Killed(child);
    let mut facts = std::collections::HashMap::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let (key, value) = line.split_once(": ").unwrap();
        facts.insert(
            key.to_owned(),
            value.trim_end_matches(" (generated)").to_owned(),
        );
        if key == "passes" {
            break;
        }
    }
    let read = |fact: &str| std::fs::read_to_string(&facts[fact]).unwrap();
    let client = |key: PrivateKey| {
        Client::builder()
            .base_url(&facts["listening"])
            .client_id(&facts["client id"])
            .merchant_key(key)
            .platform_key(PublicKey::platform(&read("platform public key")).unwrap())
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap()
    };
    let request = UpdatePassRequest::new(
        "2160120000000001",
        "2020091119027102160530200000039",
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id("2160220000000002");
    client(PrivateKey::merchant(&read("merchant private key")).unwrap())
        .execute(&request)
        .await
        .unwrap();
    // Signed with a key the gateway does not know.
    let stranger = client(PrivateKey::generate(KeyRole::MerchantPrivate).unwrap());
    assert!(stranger.execute(&request).await.is_err());
    drop(guard);

    let log = std::fs::read_to_string(dir.path().join("gateway.log")).unwrap();
    let line = |needle: &str| {
        log.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{log}"))
            .to_owned()
    };
    let answered = line("answered");
    assert!(
        answered.contains("path=/api/open/alipay/v1/ipass/pass/manage/updatePass"),
        "{answered}"
    );
    assert!(answered.contains("result=S SUCCESS"), "{answered}");
    let refused = line("refused");
    assert!(refused.contains("code=\"INVALID_SIGNATURE\""), "{refused}");
    assert!(
        refused.contains("reason=the request signature does not verify"),
        "{refused}"
    );
    let content = line("the signature had to cover this content");
    assert!(
        content.contains("POST /api/open/alipay/v1/ipass/pass/manage/updatePass\\n"),
        "{content}"
    );
    assert!(
        content.contains("\\\"passId\\\":\\\"2020091119027102160530200000039\\\""),
        "{content}"
    );
}
