//! Signing throughput and per-request overhead, against `openssl speed` measured in the same run.
//!
//! `cargo bench -p alipayhk-tests --bench signing`
//!
//! Reports: RSA-2048 sign and verify ops/s of the runtime next to OpenSSL's, and the cost of
//! everything `Client::prepare` does besides the RSA operation (validation, serialization,
//! building the content, hashing, base64 and URL encoding, headers) as a share of one signature.

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use alipayhk::runtime::sign;
use alipayhk::runtime::{Backend, Client, KeyRole, PrivateKey};
use alipayhk::{UpdatePassRequest, UpdatePassStatus, UpdatePassUpdateDetailType};

const WINDOW: Duration = Duration::from_secs(3);

/// Runs `f` repeatedly for about `WINDOW`; returns operations per second.
fn rate(mut f: impl FnMut()) -> f64 {
    for _ in 0..20 {
        f();
    }
    let start = Instant::now();
    let mut count = 0u64;
    while start.elapsed() < WINDOW {
        for _ in 0..16 {
            f();
        }
        count += 16;
    }
    count as f64 / start.elapsed().as_secs_f64()
}

/// `openssl speed rsa2048`, single process: (sign/s, verify/s).
fn openssl_speed() -> Option<(f64, f64)> {
    let out = Command::new("openssl")
        .args(["speed", "-seconds", "3", "rsa2048"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| {
        l.trim_start().starts_with("rsa 2048 bits") || l.trim_start().starts_with("rsa  2048 bits")
    })?;
    let numbers: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let n = numbers.len();
    (n >= 2).then(|| (numbers[n - 2], numbers[n - 1]))
}

fn main() {
    let key = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
    let request = UpdatePassRequest::new(
        "2160120000000001",
        "2020091119027102160530200000039",
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id("2160220000000002")
    .template_code("2020090400000000000000000012345")
    .end_date(alipayhk::EpochMillis(1_767_196_799_000));
    let body = serde_json::to_vec(&request).unwrap();
    let path = "/api/open/alipay/v1/ipass/pass/manage/updatePass";
    let time = "2026-11-26T12:00:00+00:00";
    let signature = sign::SignedContent {
        method: "POST",
        path,
        client_id: "CLIENT",
        time,
        body: &body,
    }
    .sign(&key);
    let client = Client::builder()
        .client_id("CLIENT")
        .merchant_key(PrivateKey::merchant(&key.to_pkcs8_pem()).unwrap())
        .platform_key(
            PrivateKey::generate(KeyRole::PlatformPrivate)
                .unwrap()
                .public_key(),
        )
        .build()
        .unwrap();

    let openssl = openssl_speed();
    let pem = key.to_pkcs8_pem();
    let per_backend: Vec<(Backend, f64, f64)> = Backend::ALL
        .iter()
        .map(|&backend| {
            let key = PrivateKey::parse_with(&pem, KeyRole::MerchantPrivate, backend).unwrap();
            let public = key.public_key();
            let sign_rate = rate(|| {
                black_box(
                    sign::SignedContent {
                        method: "POST",
                        path,
                        client_id: "CLIENT",
                        time,
                        body: black_box(&body),
                    }
                    .sign(&key),
                );
            });
            let verify_rate = rate(|| {
                sign::SignedContent {
                    method: "POST",
                    path,
                    client_id: "CLIENT",
                    time,
                    body: black_box(&body),
                }
                .verify(&public, &signature)
                .unwrap();
            });
            (backend, sign_rate, verify_rate)
        })
        .collect();
    // Client::prepare and the overhead share use the default backend.
    let (_, sign_rate, _) = per_backend[0];
    let prepare_rate = rate(|| {
        black_box(client.prepare(black_box(&request)).unwrap());
    });
    // Everything a request costs besides the RSA private-key operation, measured directly:
    // the difference of two RSA-dominated rates would be below their noise.
    let non_rsa_rate = rate(|| {
        use alipayhk::Validate;
        black_box(&request).validate().unwrap();
        let body = serde_json::to_vec(black_box(&request)).unwrap();
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        let content = sign::SignedContent {
            method: "POST",
            path,
            client_id: "CLIENT",
            time: &now,
            body: &body,
        }
        .to_bytes();
        black_box(aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            &content,
        ));
        let header = alipayhk::runtime::SignatureHeader::new("1", black_box(signature.clone()))
            .to_header_value();
        black_box(vec![
            ("Content-Type", "application/json; charset=UTF-8".to_owned()),
            ("Client-Id", "CLIENT".to_owned()),
            ("Request-Time", now),
            ("Signature", header),
        ]);
    });

    let sign_time = 1.0 / sign_rate;
    let overhead = 1.0 / non_rsa_rate;
    println!(
        "RSA-2048, PKCS#1 v1.5 SHA-256, one thread, {}-byte updatePass body",
        body.len()
    );
    println!("{:<44} {:>12}", "measure", "value");
    if let Some((openssl_sign, openssl_verify)) = openssl {
        println!(
            "{:<44} {:>12.0}",
            "openssl speed rsa2048: sign/s", openssl_sign
        );
        println!(
            "{:<44} {:>12.0}",
            "openssl speed rsa2048: verify/s", openssl_verify
        );
    }
    let versus = |rate: f64, baseline: Option<f64>| {
        baseline.map_or(String::new(), |b| format!("  ({:.2}x openssl)", rate / b))
    };
    for &(backend, sign_rate, verify_rate) in &per_backend {
        let sign_label = format!("runtime ({backend:?}): sign/s");
        let verify_label = format!("runtime ({backend:?}): verify/s");
        println!(
            "{sign_label:<44} {sign_rate:>12.0}{}",
            versus(sign_rate, openssl.map(|o| o.0))
        );
        println!(
            "{verify_label:<44} {verify_rate:>12.0}{}",
            versus(verify_rate, openssl.map(|o| o.1))
        );
    }
    println!(
        "{:<44} {:>12.0}",
        "Client::prepare (validate..headers): req/s", prepare_rate
    );
    println!(
        "{:<44} {:>10.1}us  ({:.2}% of one signature)",
        "validate+serialize+hash+encode+headers",
        overhead * 1e6,
        100.0 * overhead / sign_time
    );
}
