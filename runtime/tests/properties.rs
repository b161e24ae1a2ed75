//! Properties over arbitrary input, for everything that reads bytes a peer chose: the
//! `Signature` and `Encrypt` headers, key text, `Request-Time`, a whole request
//! (`verify_request`), a whole response (`read_response`), and the notification store's
//! claim/complete/release protocol against a model.
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
    Claim, ClaimId, InMemoryStore, NotificationKey, NotificationStore,
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

/// One step a delivery can take against the store.
#[derive(Debug, Clone)]
enum Step {
    Claim(u8),
    /// Completes the n-th claim made so far (modulo their number).
    Complete(usize),
    /// Releases the n-th claim made so far.
    Release(usize),
}

fn check_store_against_a_model(cases: u32) {
    let step = prop_oneof![
        (0u8..4).prop_map(Step::Claim),
        (0usize..8).prop_map(Step::Complete),
        (0usize..8).prop_map(Step::Release),
    ];
    let strategy = proptest::collection::vec(step, 0..40);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runner(cases)
        .run(&strategy, |steps| {
            runtime.block_on(async {
                let store = InMemoryStore::with_retention(Duration::from_secs(3600));
                let key = |k: u8| NotificationKey::new("prop", &[&k.to_string()]);
                // The model: per key, nothing, a holder, or an answer.
                let mut model: HashMap<u8, Result<ClaimId, Vec<u8>>> = HashMap::new();
                let mut claims: Vec<(u8, ClaimId)> = Vec::new();
                for step in steps {
                    match step {
                        Step::Claim(k) => {
                            let got = store.claim(&key(k)).await.unwrap();
                            match (model.get(&k), got) {
                                (None, Claim::New(id)) => {
                                    model.insert(k, Ok(id));
                                    claims.push((k, id));
                                }
                                (Some(Ok(_)), Claim::InProgress) => {}
                                (Some(Err(answer)), Claim::Answered(got)) => {
                                    prop_assert_eq!(answer, &got)
                                }
                                (expected, got) => {
                                    prop_assert!(false, "model {expected:?}, store {got:?}")
                                }
                            }
                        }
                        Step::Complete(_) | Step::Release(_) if claims.is_empty() => {}
                        Step::Complete(c) => {
                            let (k, id) = claims[c % claims.len()];
                            let answer = vec![k, c as u8];
                            store.complete(&key(k), id, answer.clone()).await.unwrap();
                            model.insert(k, Err(answer));
                        }
                        Step::Release(c) => {
                            let (k, id) = claims[c % claims.len()];
                            store.release(&key(k), id).await.unwrap();
                            // Only the current holder's release frees the key.
                            if model.get(&k) == Some(&Ok(id)) {
                                model.remove(&k);
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
