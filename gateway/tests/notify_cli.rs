//! `alipayhk-gateway notify`, against a merchant webhook written in Python (the `cryptography`
//! package signs its answers, independently of this workspace): the verdict and its exit code
//! for a signed `S`, an `F`, an unsigned answer and a bad signature; an invalid notification
//! is refused before it is sent; `--redeliver` follows AlipayHK's schedule until `S`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use alipayhk::runtime::keys::files::write_private_key;
use alipayhk::runtime::{KeyRole, PrivateKey};
use alipayhk::{Amount, PointsBillNotifyPointsProvider, PointsBillNotifyRequest};

/// The Python webhook in `mode`, and its port.
fn python_webhook(mode: &str, merchant_pem: &Path) -> (Child, u16) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/python/merchant_webhook.py");
    let mut child = Command::new("python3")
        .arg(script)
        .arg(mode)
        .arg(merchant_pem)
        .arg("MERCHANT_CLIENT")
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs (.ci/run installs it with the cryptography package)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the port");
    let port = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("a port, not {line:?}"));
    (child, port)
}

struct Keys {
    _dir: tempfile::TempDir,
    merchant_private: std::path::PathBuf,
    merchant_public: std::path::PathBuf,
    platform_private: std::path::PathBuf,
    bill: std::path::PathBuf,
}

fn keys() -> Keys {
    let dir = tempfile::tempdir().expect("dir");
    let merchant = PrivateKey::generate(KeyRole::MerchantPrivate).expect("key");
    let platform = PrivateKey::generate(KeyRole::PlatformPrivate).expect("key");
    let merchant_private = dir.path().join("merchant_private.pem");
    write_private_key(&merchant_private, &merchant).expect("written");
    let merchant_public = dir.path().join("merchant_public.pem");
    std::fs::write(&merchant_public, merchant.public_key().to_pem()).expect("written");
    let platform_private = dir.path().join("platform_private.pem");
    write_private_key(&platform_private, &platform).expect("written");
    let bill = dir.path().join("bill.json");
    let notification = PointsBillNotifyRequest::new(
        "2160220000000002",
        "B-1",
        Amount::new("HKD", 18_000),
        "2026-11-26T12:00:00+08:00",
        PointsBillNotifyPointsProvider::Alipayhk,
    );
    std::fs::write(&bill, serde_json::to_string(&notification).unwrap()).expect("written");
    Keys {
        _dir: dir,
        merchant_private,
        merchant_public,
        platform_private,
        bill,
    }
}

/// Runs `notify pointsBillNotify` with `extra` arguments; its exit code and standard output.
fn notify(keys: &Keys, port: u16, extra: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_alipayhk-gateway"))
        .args(["notify", "pointsBillNotify", "--to"])
        .arg(format!("http://127.0.0.1:{port}/merchant/api"))
        .arg("--json")
        .arg(&keys.bill)
        .arg("--platform-private-key")
        .arg(&keys.platform_private)
        .arg("--merchant-public-key")
        .arg(&keys.merchant_public)
        .args(["--client-id", "MERCHANT_CLIENT", "--timeout", "5"])
        .args(extra)
        .output()
        .expect("the gateway binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    (
        output.status.code().unwrap_or(-1),
        format!("{stdout}{stderr}"),
    )
}

fn verdict(mode: &str, extra: &[&str]) -> (i32, String) {
    let keys = keys();
    let (mut webhook, port) = python_webhook(mode, &keys.merchant_private);
    let result = notify(&keys, port, extra);
    let _ = webhook.kill();
    let _ = webhook.wait();
    result
}

#[test]
fn a_signed_success_exits_zero() {
    let (code, output) = verdict("signed", &[]);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("answered S SUCCESS"), "{output}");
}

#[test]
fn a_failure_answer_exits_one() {
    let (code, output) = verdict("failed", &[]);
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("answered F PARAM_ILLEGAL"), "{output}");
}

#[test]
fn an_unsigned_answer_exits_four() {
    let (code, output) = verdict("unsigned", &[]);
    assert_eq!(code, 4, "{output}");
    assert!(output.contains("unsigned answer"), "{output}");
}

#[test]
fn a_bad_signature_exits_five() {
    let (code, output) = verdict("badsig", &[]);
    assert_eq!(code, 5, "{output}");
    assert!(output.contains("bad signature"), "{output}");
}

#[test]
fn redelivery_follows_the_schedule_until_success() {
    // 3,600 times faster: the 2-minute wait takes 33 ms.
    let (code, output) = verdict("u-then-s", &["--redeliver", "--speed", "3600"]);
    assert_eq!(code, 0, "{output}");
    assert!(
        output.contains("delivery 1: answered U SYSTEM_ERROR"),
        "{output}"
    );
    assert!(
        output.contains("delivery 2: answered S SUCCESS"),
        "{output}"
    );
    assert!(!output.contains("delivery 3"), "{output}");
}

#[test]
fn an_invalid_notification_is_not_sent() {
    let keys = keys();
    // Nothing listens on port 9: a notification that were sent would say "not sent" (7).
    let (code, output) = notify(&keys, 9, &["--field", "billNo=\"\""]);
    assert_eq!(code, 2, "{output}");
    assert!(output.contains("billNo"), "{output}");
}
