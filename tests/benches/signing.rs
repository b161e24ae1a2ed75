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

/// Rounds of OpenSSL then the runtime, one second each: this VM's speed drifts by a third
/// within seconds, so the ratio is taken within each round and the median reported.
const ROUNDS: usize = 7;
const ROUND_WINDOW: Duration = Duration::from_secs(1);

/// Runs `f` repeatedly for about `WINDOW`; returns operations per second.
fn rate(f: impl FnMut()) -> f64 {
    rate_for(WINDOW, f)
}

/// Runs `f` repeatedly for about `window`; returns operations per second.
fn rate_for(window: Duration, mut f: impl FnMut()) -> f64 {
    for _ in 0..20 {
        f();
    }
    let start = Instant::now();
    let mut count = 0u64;
    while start.elapsed() < window {
        for _ in 0..16 {
            f();
        }
        count += 16;
    }
    count as f64 / start.elapsed().as_secs_f64()
}

/// The median of `values`.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// `openssl speed rsa2048` for one second each way, single process: (sign/s, verify/s).
fn openssl_speed() -> Option<(f64, f64)> {
    let out = Command::new("openssl")
        .args(["speed", "-seconds", "1", "rsa2048"])
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

/// One round: OpenSSL's (sign/s, verify/s), then the runtime's.
struct Round {
    openssl: Option<(f64, f64)>,
    sign: f64,
    verify: f64,
}

/// One backend's medians over the rounds, and its median ratios to OpenSSL in the same round.
struct Measured {
    backend: Backend,
    sign: f64,
    verify: f64,
    openssl: Option<(f64, f64)>,
    sign_ratio: Option<f64>,
    verify_ratio: Option<f64>,
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

    let pem = key.to_pkcs8_pem();
    let per_backend: Vec<Measured> = Backend::ALL
        .iter()
        .map(|&backend| {
            let key = PrivateKey::parse_with(&pem, KeyRole::MerchantPrivate, backend).unwrap();
            let public = key.public_key();
            let content = |body| sign::SignedContent {
                method: "POST",
                path,
                client_id: "CLIENT",
                time,
                body,
            };
            let mut rounds = Vec::new();
            for _ in 0..ROUNDS {
                let openssl = openssl_speed();
                let sign = rate_for(ROUND_WINDOW, || {
                    black_box(content(black_box(&body)).sign(&key));
                });
                let verify = rate_for(ROUND_WINDOW, || {
                    content(black_box(&body))
                        .verify(&public, &signature)
                        .unwrap();
                });
                rounds.push(Round {
                    openssl,
                    sign,
                    verify,
                });
            }
            let ratio = |pick: fn(&Round) -> Option<f64>| {
                let ratios: Vec<f64> = rounds.iter().filter_map(pick).collect();
                (!ratios.is_empty()).then(|| median(ratios))
            };
            Measured {
                backend,
                sign: median(rounds.iter().map(|r| r.sign).collect()),
                verify: median(rounds.iter().map(|r| r.verify).collect()),
                openssl: ratio(|r| r.openssl.map(|o| o.0)).zip(ratio(|r| r.openssl.map(|o| o.1))),
                sign_ratio: ratio(|r| r.openssl.map(|o| r.sign / o.0)),
                verify_ratio: ratio(|r| r.openssl.map(|o| r.verify / o.1)),
            }
        })
        .collect();
    // Client::prepare and the overhead share use the default backend.
    let sign_rate = per_backend[0].sign;
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
        "RSA-2048, PKCS#1 v1.5 SHA-256, one thread, {}-byte updatePass body; median of {ROUNDS} \
         rounds of openssl then the runtime, one second each",
        body.len()
    );
    println!("{:<44} {:>12}", "measure", "value");
    let versus =
        |ratio: Option<f64>| ratio.map_or(String::new(), |r| format!("  ({r:.2}x openssl)"));
    for measured in &per_backend {
        let backend = measured.backend;
        if let Some((sign, verify)) = measured.openssl {
            let label = format!("openssl speed rsa2048, beside {backend:?}");
            println!("{:<44} {sign:>12.0}", format!("{label}: sign/s"));
            println!("{:<44} {verify:>12.0}", format!("{label}: verify/s"));
        }
        let sign_label = format!("runtime ({backend:?}): sign/s");
        let verify_label = format!("runtime ({backend:?}): verify/s");
        println!(
            "{sign_label:<44} {:>12.0}{}",
            measured.sign,
            versus(measured.sign_ratio)
        );
        println!(
            "{verify_label:<44} {:>12.0}{}",
            measured.verify,
            versus(measured.verify_ratio)
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
