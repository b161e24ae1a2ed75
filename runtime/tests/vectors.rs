//! Known-answer tests from `shared/reference/protocol.md` §6: a genuine Alipay-signed
//! notification, and signatures reproduced byte for byte. Fixtures are public test keys
//! (see `fixtures/README.md`).

use alipayhk_runtime::sign::{self, SignatureHeader};
use alipayhk_runtime::{Backend, KeyError, KeyRole, PrivateKey, PublicKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn notification(backend: Backend) -> (PublicKey, Vec<u8>, Vec<u8>) {
    let key = PublicKey::parse_with(
        &fixture("alipay_public_spki.b64"),
        KeyRole::PlatformPublic,
        backend,
    )
    .unwrap();
    let body = fixture("notification_body.json").into_bytes();
    let header = format!(
        "algorithm=RSA256,keyVersion=1,signature={}",
        fixture("notification_signature.txt")
    );
    let signature = SignatureHeader::parse(&header).unwrap().signature;
    (key, body, signature)
}

const CLIENT: &str = "T_ALLPAY_1";
const TIME: &str = "2019-11-12T09:37:00Z";

#[test]
fn genuine_alipay_notification_verifies_on_every_backend() {
    for &backend in Backend::ALL {
        let (key, body, signature) = notification(backend);
        assert_eq!(body.len(), 626);
        sign::SignedContent {
            method: "POST",
            path: "/api/back",
            client_id: CLIENT,
            time: TIME,
            body: &body,
        }
        .verify(&key, &signature)
        .unwrap_or_else(|e| panic!("{backend:?}: {e}"));
    }
}

#[test]
fn genuine_notification_fails_after_any_change_on_every_backend() {
    for &backend in Backend::ALL {
        let (key, body, signature) = notification(backend);
        let verify = |path: &str, body: &[u8]| {
            sign::SignedContent {
                method: "POST",
                path,
                client_id: CLIENT,
                time: TIME,
                body,
            }
            .verify(&key, &signature)
        };
        let mut flipped = body.clone();
        flipped[100] ^= 0x01;
        assert!(
            verify("/api/back", &flipped).is_err(),
            "{backend:?}: flipped byte"
        );
        assert!(
            verify("/api/back?allPayTn=5a9ddf96cc89dd30134549d68abbbd4a", &body).is_err(),
            "{backend:?}: query"
        );
        // CRLF instead of LF after the path: "/api/back\r" + the LF the content adds.
        assert!(verify("/api/back\r", &body).is_err(), "{backend:?}: CRLF");
        let wrong = PublicKey::parse_with(
            &fixture("merchant_public_spki.b64"),
            KeyRole::PlatformPublic,
            backend,
        )
        .unwrap();
        assert!(
            sign::SignedContent {
                method: "POST",
                path: "/api/back",
                client_id: CLIENT,
                time: TIME,
                body: &body
            }
            .verify(&wrong, &signature)
            .is_err(),
            "{backend:?}: wrong key"
        );
    }
}

fn merchant_on(backend: Backend) -> PrivateKey {
    PrivateKey::parse_with(
        &fixture("merchant_private_pkcs8.b64"),
        KeyRole::MerchantPrivate,
        backend,
    )
    .unwrap()
}

fn merchant() -> PrivateKey {
    merchant_on(Backend::default())
}

#[test]
fn v1_is_reproduced_byte_for_byte_on_every_backend() {
    for &backend in Backend::ALL {
        let signature = sign::SignedContent {
            method: "httpMethod",
            path: "path",
            client_id: "clientId",
            time: "requestTime",
            body: br#"{"key":"value"}"#,
        }
        .sign(&merchant_on(backend));
        assert_eq!(
            STANDARD.encode(&signature),
            fixture("v1_signature.b64"),
            "{backend:?}"
        );
    }
}

#[test]
fn v2_is_reproduced_byte_for_byte_with_its_header_on_every_backend() {
    for &backend in Backend::ALL {
        let signature = sign::SignedContent {
            method: "POST",
            path: "/ams/sandbox/api/v1/payments/pay",
            client_id: "T_client",
            time: "2019-11-01T10:00:00+08:30",
            body: br#"{"key1":"value1"}"#,
        }
        .sign(&merchant_on(backend));
        assert_eq!(
            STANDARD.encode(&signature),
            fixture("v2_signature.b64"),
            "{backend:?}"
        );
        let header = SignatureHeader::new("1", signature).to_header_value();
        assert_eq!(
            header,
            format!(
                "algorithm=RSA256,keyVersion=1,signature={}",
                fixture("v2_header_value.txt")
            )
        );
    }
}

/// The same key in every form AlipayHK users meet: PKCS#8 and PKCS#1, PEM and bare base64.
#[test]
fn keys_load_from_every_supported_form_and_sign_identically_on_every_backend() {
    let pkcs8_b64 = fixture("merchant_private_pkcs8.b64");
    let pem = |label: &str, b64: &str| {
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            lines.join("\n")
        )
    };
    // openssl converts to PKCS#1, so the test does not rely on our own encoder.
    let pkcs1_pem = openssl_pkcs1(&merchant().to_pkcs8_pem());
    let pkcs1_b64: String = pkcs1_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let expected = STANDARD.decode(fixture("v1_signature.b64")).unwrap();
    let spki = fixture("merchant_public_spki.b64");
    for &backend in Backend::ALL {
        for (form, text) in [
            ("PKCS#8 bare", pkcs8_b64.clone()),
            ("PKCS#8 PEM", pem("PRIVATE KEY", &pkcs8_b64)),
            ("PKCS#1 PEM", pkcs1_pem.clone()),
            ("PKCS#1 bare", pkcs1_b64.clone()),
        ] {
            let key = PrivateKey::parse_with(&text, KeyRole::MerchantPrivate, backend)
                .unwrap_or_else(|e| panic!("{backend:?} {form}: {e}"));
            let signature = sign::SignedContent {
                method: "httpMethod",
                path: "path",
                client_id: "clientId",
                time: "requestTime",
                body: br#"{"key":"value"}"#,
            }
            .sign(&key);
            assert_eq!(signature, expected, "{backend:?} {form}");
        }
        for text in [
            spki.clone(),
            pem("PUBLIC KEY", &spki),
            openssl_rsa_public(&spki),
        ] {
            let public = PublicKey::parse_with(&text, KeyRole::PlatformPublic, backend).unwrap();
            assert!(public.same_key_as(&merchant().public_key()), "{backend:?}");
        }
    }
}

#[test]
fn swapped_or_broken_keys_say_which_key_and_what_was_expected_on_every_backend() {
    for &backend in Backend::ALL {
        let private = |text: &str| PrivateKey::parse_with(text, KeyRole::MerchantPrivate, backend);
        let public = |text: &str| PublicKey::parse_with(text, KeyRole::PlatformPublic, backend);
        let error = private(&fixture("merchant_public_spki.b64")).unwrap_err();
        assert_eq!(
            error,
            KeyError::WrongKind {
                role: KeyRole::MerchantPrivate,
                expected: "a private key",
                found: "a public key"
            }
        );
        assert_eq!(
            error.to_string(),
            "merchant private key: found a public key, expected a private key"
        );
        let error = public(&fixture("merchant_private_pkcs8.b64")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "AlipayHK public key: found a private key, expected a public key"
        );
        assert!(matches!(
            private("not base64!"),
            Err(KeyError::NotBase64 { .. })
        ));
        assert!(matches!(private("   "), Err(KeyError::Empty { .. })));
        assert!(matches!(
            private("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----"),
            Err(KeyError::UnsupportedLabel { .. })
        ));
        assert!(
            matches!(public("AAAA"), Err(KeyError::Invalid { .. })),
            "{backend:?}"
        );
    }
}

#[test]
fn no_secret_appears_in_debug_or_errors_on_every_backend() {
    let b64 = fixture("merchant_private_pkcs8.b64");
    let pem = merchant().to_pkcs8_pem();
    let pem_body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    for &backend in Backend::ALL {
        let key = merchant_on(backend);
        let debug = format!("{key:?} {:?}", key.public_key());
        assert_eq!(
            debug,
            "PrivateKey(merchant private key, RSA-2048, <redacted>) PublicKey(merchant public key, RSA-2048)"
        );
        let client_debug = client_debug(backend);
        let bad = PrivateKey::parse_with(&b64[..b64.len() - 8], KeyRole::MerchantPrivate, backend)
            .unwrap_err()
            .to_string();
        // No 16-character run of the key's base64 (in either form) appears anywhere.
        for text in [&debug, &client_debug, &bad] {
            for secret in [&b64, &pem_body] {
                for start in (0..secret.len() - 16).step_by(8) {
                    assert!(
                        !text.contains(&secret[start..start + 16]),
                        "{backend:?}: secret material in: {text}"
                    );
                }
            }
        }
    }
}

/// A configured client's `Debug`, where the `client` feature builds one.
#[cfg(feature = "client")]
fn client_debug(backend: Backend) -> String {
    let client = alipayhk_runtime::Client::builder()
        .client_id("C")
        .merchant_key(merchant_on(backend))
        .platform_key(PublicKey::platform(&fixture("alipay_public_spki.b64")).unwrap())
        .build()
        .unwrap();
    format!("{client:?}")
}

#[cfg(not(feature = "client"))]
fn client_debug(_: Backend) -> String {
    String::new()
}

fn openssl(args: &[&str], input: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("openssl")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the openssl CLI");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "openssl {args:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn openssl_pkcs1(pkcs8_pem: &str) -> String {
    openssl(&["rsa", "-traditional"], pkcs8_pem)
}

fn openssl_rsa_public(spki_b64: &str) -> String {
    let pem = format!("-----BEGIN PUBLIC KEY-----\n{spki_b64}\n-----END PUBLIC KEY-----\n");
    openssl(&["rsa", "-pubin", "-RSAPublicKey_out"], &pem)
}
