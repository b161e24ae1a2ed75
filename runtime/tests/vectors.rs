//! Known-answer tests from `shared/reference/protocol.md` §6: a genuine Alipay-signed
//! notification, and signatures reproduced byte for byte. Fixtures are public test keys
//! (see `fixtures/README.md`).

use alipayhk_runtime::sign::{self, SignatureHeader};
use alipayhk_runtime::{KeyError, KeyRole, PrivateKey, PublicKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn notification() -> (PublicKey, Vec<u8>, Vec<u8>) {
    let key = PublicKey::platform(&fixture("alipay_public_spki.b64")).unwrap();
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
fn genuine_alipay_notification_verifies() {
    let (key, body, signature) = notification();
    assert_eq!(body.len(), 626);
    sign::verify(&key, "POST", "/api/back", CLIENT, TIME, &body, &signature).unwrap();
}

#[test]
fn genuine_notification_fails_after_any_change() {
    let (key, body, signature) = notification();
    let mut flipped = body.clone();
    flipped[100] ^= 0x01;
    assert!(
        sign::verify(
            &key,
            "POST",
            "/api/back",
            CLIENT,
            TIME,
            &flipped,
            &signature
        )
        .is_err()
    );
    let with_query = "/api/back?allPayTn=5a9ddf96cc89dd30134549d68abbbd4a";
    assert!(sign::verify(&key, "POST", with_query, CLIENT, TIME, &body, &signature).is_err());
    // CRLF instead of LF after the path: "/api/back\r" + the LF the content adds.
    assert!(sign::verify(&key, "POST", "/api/back\r", CLIENT, TIME, &body, &signature).is_err());
    let merchant = PublicKey::parse(
        &fixture("merchant_public_spki.b64"),
        KeyRole::PlatformPublic,
    )
    .unwrap();
    assert!(
        sign::verify(
            &merchant,
            "POST",
            "/api/back",
            CLIENT,
            TIME,
            &body,
            &signature
        )
        .is_err(),
        "wrong key"
    );
}

fn merchant() -> PrivateKey {
    PrivateKey::merchant(&fixture("merchant_private_pkcs8.b64")).unwrap()
}

#[test]
fn v1_is_reproduced_byte_for_byte() {
    let signature = sign::sign(
        &merchant(),
        "httpMethod",
        "path",
        "clientId",
        "requestTime",
        br#"{"key":"value"}"#,
    );
    assert_eq!(STANDARD.encode(&signature), fixture("v1_signature.b64"));
}

#[test]
fn v2_is_reproduced_byte_for_byte_with_its_header() {
    let signature = sign::sign(
        &merchant(),
        "POST",
        "/ams/sandbox/api/v1/payments/pay",
        "T_client",
        "2019-11-01T10:00:00+08:30",
        br#"{"key1":"value1"}"#,
    );
    assert_eq!(STANDARD.encode(&signature), fixture("v2_signature.b64"));
    let header = SignatureHeader::new("1", signature).to_header_value();
    assert_eq!(
        header,
        format!(
            "algorithm=RSA256,keyVersion=1,signature={}",
            fixture("v2_header_value.txt")
        )
    );
}

/// The same key in every form AlipayHK users meet: PKCS#8 and PKCS#1, PEM and bare base64.
#[test]
fn keys_load_from_every_supported_form_and_sign_identically() {
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
    let key = merchant();
    let pkcs8_pem = key.to_pkcs8_pem();
    // PKCS#1 body: strip the PKCS#8 wrapper with openssl-free DER arithmetic is fiddly, so ask openssl.
    let pkcs1_pem = openssl_pkcs1(&pkcs8_pem);
    let pkcs1_b64: String = pkcs1_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let expected = STANDARD.decode(fixture("v1_signature.b64")).unwrap();
    for (form, text) in [
        ("PKCS#8 bare", pkcs8_b64.clone()),
        ("PKCS#8 PEM", pem("PRIVATE KEY", &pkcs8_b64)),
        ("PKCS#1 PEM", pkcs1_pem.clone()),
        ("PKCS#1 bare", pkcs1_b64),
    ] {
        let key = PrivateKey::merchant(&text).unwrap_or_else(|e| panic!("{form}: {e}"));
        let signature = sign::sign(
            &key,
            "httpMethod",
            "path",
            "clientId",
            "requestTime",
            br#"{"key":"value"}"#,
        );
        assert_eq!(signature, expected, "{form}");
    }
    let spki = fixture("merchant_public_spki.b64");
    for text in [
        spki.clone(),
        pem("PUBLIC KEY", &spki),
        openssl_rsa_public(&spki),
    ] {
        let public = PublicKey::platform(&text).unwrap();
        assert!(public.same_key_as(&key.public_key()));
    }
}

#[test]
fn swapped_or_broken_keys_say_which_key_and_what_was_expected() {
    let public_text = fixture("merchant_public_spki.b64");
    let error = PrivateKey::merchant(&public_text).unwrap_err();
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
    let error = PublicKey::platform(&fixture("merchant_private_pkcs8.b64")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "AlipayHK public key: found a private key, expected a public key"
    );
    assert!(matches!(
        PrivateKey::merchant("not base64!"),
        Err(KeyError::NotBase64 { .. })
    ));
    assert!(matches!(
        PrivateKey::merchant("   "),
        Err(KeyError::Empty { .. })
    ));
    assert!(matches!(
        PrivateKey::merchant("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----"),
        Err(KeyError::UnsupportedLabel { .. })
    ));
    assert!(matches!(
        PublicKey::platform("AAAA"),
        Err(KeyError::Invalid { .. })
    ));
}

#[test]
fn no_secret_appears_in_debug_or_errors() {
    let key = merchant();
    let b64 = fixture("merchant_private_pkcs8.b64");
    let pem = key.to_pkcs8_pem();
    let debug = format!("{key:?} {:?}", key.public_key());
    assert_eq!(
        debug,
        "PrivateKey(merchant private key, RSA-2048, <redacted>) PublicKey(merchant public key, RSA-2048)"
    );
    // No 16-character run of the key's base64 (in either form) appears anywhere.
    let pem_body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let client = alipayhk_runtime::Client::builder()
        .client_id("C")
        .merchant_key(merchant())
        .platform_key(PublicKey::platform(&fixture("alipay_public_spki.b64")).unwrap())
        .build()
        .unwrap();
    let client_debug = format!("{client:?}");
    let bad = PrivateKey::merchant(&b64[..b64.len() - 8])
        .unwrap_err()
        .to_string();
    for text in [&debug, &client_debug, &bad] {
        for secret in [&b64, &pem_body] {
            for start in (0..secret.len() - 16).step_by(8) {
                assert!(
                    !text.contains(&secret[start..start + 16]),
                    "secret material in: {text}"
                );
            }
        }
    }
}

fn openssl(args: &[&str], input: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("openssl")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
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
