//! A known-answer envelope, made by the oracle with the public test key.

use super::support::*;

const KAT: HeadBody = HeadBody {
    rules: HeadBodyRules {
        name: "v1",
        version: "1.0.0",
        signed: SignedPart::Value,
        algorithm: SignatureAlgorithm::Sha256WithRsa,
        encoding: SignatureEncoding::Base64UrlEncoded,
    },
    function: FUNCTION,
};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn fixture_text(name: &str) -> String {
    String::from_utf8(fixture(name)).unwrap()
}

#[test]
fn known_answer_envelope_verifies_and_is_reproduced_byte_for_byte() {
    let envelope = fixture("v1_request_envelope.json");
    assert!(!envelope.ends_with(b"\n"), "the fixture has no newline");
    for &backend in Backend::ALL {
        let public = PublicKey::parse_with(
            &fixture_text("merchant_public_spki.b64"),
            KeyRole::MerchantPublic,
            backend,
        )
        .unwrap();
        let private = PrivateKey::parse_with(
            &fixture_text("merchant_private_pkcs8.b64"),
            KeyRole::MerchantPrivate,
            backend,
        )
        .unwrap();

        let received = Received::parse(Direction::Request, &envelope).unwrap();
        received
            .verify(&KAT, &public)
            .unwrap_or_else(|e| panic!("{backend:?}: {e}"));
        received.check_function(&KAT).unwrap();
        let head = received.head();
        assert_eq!(head.client_id, "T_ALLPAY_1");
        assert_eq!(
            head.req_msg_id.as_deref(),
            Some("2b2b6a5e-5c1e-4b7b-9a65-0c6a3a2d8f10")
        );
        assert_eq!(head.req_time.as_deref(), Some("2024-05-22T14:42:21+08:00"));
        assert_eq!(head.version.as_deref(), Some("1.0.0"));
        assert_eq!(
            received.body(),
            r#"{"authMerchantId":"2188120000000001","merchantRedirectUrl":"https://merchant.example/return","scopes":["USER_POINTS"],"merchantName":"會員卡 café"}"#.as_bytes()
        );

        // The runtime writes the same value from the same head and body, and signs it to the
        // same bytes (PKCS#1 v1.5 is deterministic): the whole envelope, byte for byte.
        let outgoing = Outgoing {
            direction: Direction::Request,
            protocol: KAT,
            client_id: "T_ALLPAY_1",
            msg_id: "2b2b6a5e-5c1e-4b7b-9a65-0c6a3a2d8f10",
            time: "2024-05-22T14:42:21+08:00",
            body: received.body(),
        };
        let value = outgoing.value();
        assert_eq!(
            signed_bytes(&value, SignedPart::Value),
            received.signed(&KAT)
        );
        assert_eq!(
            String::from_utf8(outgoing.seal(&private).unwrap()).unwrap(),
            String::from_utf8(envelope.clone()).unwrap(),
            "{backend:?}"
        );

        // Under any other rules, it does not verify.
        let mut members = KAT;
        members.rules.signed = SignedPart::Members;
        assert!(received.verify(&members, &public).is_err());
        let mut sha1 = KAT;
        sha1.rules.algorithm = SignatureAlgorithm::Sha1WithRsa;
        assert!(received.verify(&sha1, &public).is_err());
        // Nor with another key.
        let alipay = PublicKey::parse_with(
            &fixture_text("alipay_public_spki.b64"),
            KeyRole::PlatformPublic,
            backend,
        )
        .unwrap();
        assert!(received.verify(&KAT, &alipay).is_err());
    }

    // And the oracle still agrees with its own answer.
    require_python();
    let (code, _) = oracle(
        &[
            "verify",
            "--public-key",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/merchant_public_spki.b64"
            ),
            "--part",
            "value",
            "--algorithm",
            "sha256",
        ],
        &envelope,
    );
    assert_eq!(code, 0);
}

#[test]
fn python_and_cryptography_are_available_as_an_oracle() {
    require_python();
    let (code, _) = oracle(&["--help"], b"");
    assert_eq!(code, 0);
}
