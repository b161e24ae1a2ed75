//! Properties over arbitrary input, for everything that reads bytes a peer chose: the
//! `Signature` and `Encrypt` headers, key text, `Request-Time`, a whole request
//! (`verify_request`), a whole response (`read_response`), and the notification store's
//! claim/renew/complete/release protocol with fencing, against a model on a simulated clock.
//!
//! Each property runs a bounded number of cases in `cargo test` (about 10 s in all), and a
//! long run on demand, 2 million cases per property, 12 million in all:
//!
//! ```sh
//! cargo test --release -p alipayhk-runtime --features server,sqlite --test properties -- --ignored
//! ```

#![cfg(all(feature = "client", feature = "server"))]

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use alipayhk_runtime::encrypt::{BodyCipher, RsaAesEcb};
use alipayhk_runtime::notifications::{
    Claim, FenceToken, InMemoryStore, NotificationKey, NotificationStore, StoreError,
};
use alipayhk_runtime::server::axum::http::{HeaderMap, HeaderName, HeaderValue};
use alipayhk_runtime::server::{ServerConfig, verify_request};
use alipayhk_runtime::sign::{self, SignatureHeader};
use alipayhk_runtime::{Client, KeyRole, PrivateKey, PublicKey, request_time};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Cases per property in `cargo test`.
const BOUNDED: u32 = 4096;
/// Cases per property in the long run.
const LONG: u32 = 2_000_000;

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

struct Keys {
    merchant: PrivateKey,
    platform: PrivateKey,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        merchant: PrivateKey::generate(KeyRole::MerchantPrivate).unwrap(),
        platform: PrivateKey::generate(KeyRole::PlatformPrivate).unwrap(),
    })
}

/// Header-ish text: the characters these parsers split on, and some that break them.
fn header_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9=,%+/ ]{0,80}",
        "(algorithm|keyVersion|signature|symmetricKey)=[A-Za-z0-9%+/=]{0,60}(, ?[a-zA-Z]{1,12}=[A-Za-z0-9%+/=]{0,40}){0,4}",
        any::<String>(),
    ]
}

fn check_signature_header(cases: u32) {
    runner(cases)
        .run(&header_text(), |value| {
            if let Ok(header) = SignatureHeader::parse(&value) {
                // Whatever parsed, prints as a header that parses back to the same thing.
                let again = SignatureHeader::parse(&header.to_header_value()).unwrap();
                prop_assert_eq!(again.signature, header.signature);
            }
            Ok(())
        })
        .unwrap();
}

fn check_encrypt_header(cases: u32) {
    let strategy = (
        header_text(),
        proptest::collection::vec(any::<u8>(), 0..256),
    );
    runner(cases)
        .run(&strategy, |(header, body)| {
            // Never a panic, and never a plaintext from a key wrap nobody made.
            prop_assert!(RsaAesEcb.decrypt(&keys().merchant, &header, &body).is_err());
            Ok(())
        })
        .unwrap();
}

fn check_key_text(cases: u32) {
    let strategy = prop_oneof![
        any::<String>(),
        "[A-Za-z0-9+/=\n]{0,400}",
        (
            "(PRIVATE KEY|RSA PRIVATE KEY|PUBLIC KEY|RSA PUBLIC KEY|ENCRYPTED PRIVATE KEY)",
            "[A-Za-z0-9+/=\n]{0,400}"
        )
            .prop_map(|(label, body)| format!(
                "-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"
            )),
    ];
    runner(cases)
        .run(&strategy, |text| {
            // Errors say which key, never echo the input.
            if let Err(error) = PrivateKey::parse(&text, KeyRole::MerchantPrivate) {
                let message = error.to_string();
                prop_assert!(text.len() < 8 || !message.contains(text.trim()));
            }
            let _ = PublicKey::parse(&text, KeyRole::PlatformPublic);
            Ok(())
        })
        .unwrap();
}

fn check_request_time(cases: u32) {
    let strategy = prop_oneof![any::<String>(), "[0-9]{0,25}", "[0-9T:+.Z-]{0,40}"];
    runner(cases)
        .run(&strategy, |value| {
            let _ = request_time::parse(&value);
            let _ =
                request_time::Freshness::default().check("Request-Time", &value, SystemTime::now());
            Ok(())
        })
        .unwrap();
}

/// A request or response with arbitrary protocol headers and body.
fn message() -> impl Strategy<Value = (Vec<(&'static str, String)>, Vec<u8>)> {
    let name = prop_oneof![
        Just("client-id"),
        Just("signature"),
        Just("request-time"),
        Just("response-time"),
        Just("encrypt"),
    ];
    let value = prop_oneof![
        header_text(),
        Just("PROP_CLIENT".to_owned()),
        Just(alipayhk_runtime::EpochMillis::now().as_millis().to_string()),
    ];
    (
        proptest::collection::vec((name, value), 0..6),
        proptest::collection::vec(any::<u8>(), 0..200),
    )
}

fn header_map(pairs: &[(&'static str, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_str(value) {
            map.append(HeaderName::from_static(name), value);
        }
    }
    map
}

fn check_verify_request(cases: u32) {
    let config = ServerConfig::new(
        PrivateKey::parse(&keys().platform.to_pkcs8_pem(), KeyRole::PlatformPrivate).unwrap(),
        keys().merchant.public_key(),
        "PROP_CLIENT",
    );
    runner(cases)
        .run(&message(), |(headers, body)| {
            let headers = header_map(&headers);
            let verified =
                verify_request(&config, "POST", "/p", &headers, &body, SystemTime::now());
            // Nothing but a genuine signature gets through.
            prop_assert!(verified.is_err());
            Ok(())
        })
        .unwrap();
    // And a genuine one does, so the property above is not vacuous.
    let time = alipayhk_runtime::EpochMillis::now().as_millis().to_string();
    let signature = sign::SignedContent {
        method: "POST",
        path: "/p",
        client_id: "PROP_CLIENT",
        time: &time,
        body: b"{}",
    }
    .sign(&keys().merchant);
    let headers = header_map(&[
        ("client-id", "PROP_CLIENT".into()),
        ("request-time", time),
        (
            "signature",
            SignatureHeader::new("1", signature).to_header_value(),
        ),
    ]);
    assert!(verify_request(&config, "POST", "/p", &headers, b"{}", SystemTime::now()).is_ok());
}

fn check_read_response(cases: u32) {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .client_id("PROP_CLIENT")
        .merchant_key(
            PrivateKey::parse(&keys().merchant.to_pkcs8_pem(), KeyRole::MerchantPrivate).unwrap(),
        )
        .platform_key(keys().platform.public_key())
        .build()
        .unwrap();
    let strategy = (0u16..600, message());
    runner(cases)
        .run(&strategy, |(status, (headers, body))| {
            let headers = header_map(&headers);
            let read = client.read_response::<Probe>(status, &headers, &body);
            // Without a genuine signature, no `S` ever comes out.
            prop_assert!(read.is_err());
            Ok(())
        })
        .unwrap();
}

/// A stand-in endpoint for reading responses.
#[derive(serde::Serialize)]
struct Probe;

#[derive(serde::Deserialize, Debug)]
struct ProbeResponse {
    #[allow(dead_code)]
    result: alipayhk_runtime::ResultInfo,
}

impl alipayhk_runtime::Validate for Probe {
    fn validate_at(
        &self,
        _: &alipayhk_runtime::FieldPath<'_>,
        _: &mut Vec<alipayhk_runtime::Violation>,
    ) {
    }
}

impl alipayhk_runtime::Endpoint for Probe {
    const NAME: &'static str = "probe";
    const METHOD: alipayhk_runtime::HttpMethod = alipayhk_runtime::HttpMethod::Post;
    const PATH: &'static str = "/p";
    type Response = ProbeResponse;
    type ResultCode = ProbeCode;
}

/// Any result code, kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ProbeCode(String);

impl alipayhk_runtime::ResultCode for ProbeCode {
    fn from_code(code: &str) -> Self {
        Self(code.to_owned())
    }
    fn as_str(&self) -> &str {
        &self.0
    }
    fn documented_status(&self) -> Option<alipayhk_runtime::ResultStatus> {
        None
    }
}

/// One step a delivery, or time, can take against the store.
#[derive(Debug, Clone)]
enum Step {
    Claim(u8),
    /// Renews, completes or releases the n-th claim made so far (modulo their number).
    Renew(usize),
    Complete(usize),
    Release(usize),
    /// Time passes, in tenths of the lease.
    Advance(u8),
}

/// The model of one key: who holds it, under which token, until when; or its final answer.
#[derive(Debug, Clone, PartialEq)]
enum Model {
    Held { token: FenceToken, until: u64 },
    Released { token: FenceToken },
    Answered { token: FenceToken, answer: Vec<u8> },
}

impl Model {
    fn token(&self) -> FenceToken {
        match self {
            Self::Held { token, .. } | Self::Released { token } | Self::Answered { token, .. } => {
                *token
            }
        }
    }
}

fn check_store_against_a_model(cases: u32) {
    const LEASE_MS: u64 = 1000;
    let step = prop_oneof![
        3 => (0u8..4).prop_map(Step::Claim),
        1 => (0usize..8).prop_map(Step::Renew),
        2 => (0usize..8).prop_map(Step::Complete),
        2 => (0usize..8).prop_map(Step::Release),
        2 => (0u8..15).prop_map(Step::Advance),
    ];
    let strategy = proptest::collection::vec(step, 0..40);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    runner(cases)
        .run(&strategy, |steps| {
            runtime.block_on(async {
                let store = InMemoryStore::with_retention(Duration::from_secs(3600))
                    .with_lease(Duration::from_millis(LEASE_MS));
                let key = |k: u8| NotificationKey::new("TEST_CLIENT", "prop", &[&k.to_string()]);
                let mut model: HashMap<u8, Model> = HashMap::new();
                let mut claims: Vec<(u8, FenceToken)> = Vec::new();
                let mut now = 0u64;
                for step in steps {
                    // Whether `token` is `k`'s current, unexpired-or-not, claim.
                    let current = |model: &HashMap<u8, Model>, k: u8, token: FenceToken| {
                        matches!(model.get(&k), Some(Model::Held { token: t, .. }) if *t == token)
                    };
                    match step {
                        Step::Advance(tenths) => {
                            let ms = u64::from(tenths) * LEASE_MS / 10;
                            tokio::time::advance(Duration::from_millis(ms)).await;
                            now += ms;
                        }
                        Step::Claim(k) => {
                            let got = store.claim(&key(k)).await.unwrap();
                            match (model.get(&k).cloned(), got) {
                                (None, Claim::New(token)) => {
                                    prop_assert_eq!(token, FenceToken::new(1));
                                    model.insert(k, Model::Held { token, until: now + LEASE_MS });
                                    claims.push((k, token));
                                }
                                (Some(Model::Held { until, .. }), Claim::InProgress) if until > now => {}
                                (Some(old @ (Model::Held { .. } | Model::Released { .. })), Claim::New(token)) => {
                                    prop_assert!(!matches!(old, Model::Held { until, .. } if until > now), "a live claim was taken over");
                                    // Fencing: the new holder's token is the next one.
                                    prop_assert_eq!(token, old.token().next());
                                    model.insert(k, Model::Held { token, until: now + LEASE_MS });
                                    claims.push((k, token));
                                }
                                (Some(Model::Answered { answer, .. }), Claim::Answered(got)) => {
                                    prop_assert_eq!(answer, got)
                                }
                                (expected, got) => {
                                    prop_assert!(false, "at {now} ms: model {expected:?}, store {got:?}")
                                }
                            }
                        }
                        Step::Renew(_) | Step::Complete(_) | Step::Release(_) if claims.is_empty() => {}
                        Step::Renew(c) => {
                            let (k, token) = claims[c % claims.len()];
                            let renewed = store.renew(&key(k), token).await;
                            prop_assert_eq!(renewed.is_ok(), current(&model, k, token), "{:?}", renewed);
                            if renewed.is_ok() {
                                model.insert(k, Model::Held { token, until: now + LEASE_MS });
                            }
                        }
                        Step::Complete(c) => {
                            let (k, token) = claims[c % claims.len()];
                            let answer = vec![k, c as u8];
                            let completed = store.complete(&key(k), token, answer.clone()).await;
                            // Only the current claim's answer is recorded; a superseded one's is refused.
                            prop_assert_eq!(completed.is_ok(), current(&model, k, token), "{:?}", completed);
                            if completed.is_ok() {
                                model.insert(k, Model::Answered { token, answer });
                            } else {
                                let superseded = matches!(completed, Err(StoreError::Superseded { .. }));
                                prop_assert!(superseded, "{:?}", completed);
                            }
                        }
                        Step::Release(c) => {
                            let (k, token) = claims[c % claims.len()];
                            let released = store.release(&key(k), token).await;
                            prop_assert_eq!(released.is_ok(), current(&model, k, token), "{:?}", released);
                            if released.is_ok() {
                                model.insert(k, Model::Released { token });
                            }
                        }
                    }
                }
                prop_assert_eq!(store.len(), model.len());
                Ok(())
            })
        })
        .unwrap();
}

macro_rules! properties {
    ($($name:ident => $long:ident: $check:ident;)*) => {$(
        #[test]
        fn $name() {
            $check(BOUNDED);
        }

        #[test]
        #[ignore = "the long run: cargo test --release ... -- --ignored"]
        fn $long() {
            $check(LONG);
        }
    )*};
}

properties! {
    signature_header_never_panics_and_round_trips => signature_header_long: check_signature_header;
    encrypt_header_never_decrypts_garbage => encrypt_header_long: check_encrypt_header;
    key_text_never_panics_nor_echoes => key_text_long: check_key_text;
    request_time_never_panics => request_time_long: check_request_time;
    verify_request_lets_nothing_unsigned_through => verify_request_long: check_verify_request;
    read_response_never_succeeds_unsigned => read_response_long: check_read_response;
    the_store_keeps_the_model => store_long: check_store_against_a_model;
}
