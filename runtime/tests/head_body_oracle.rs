//! The v1 head/body envelope against an independent oracle, `tests/oracles/head_body.py`
//! (Python's `json` scanner and the `cryptography` package): what the runtime seals, Python
//! verifies; what Python signs, with whatever whitespace, escapes, characters and key order,
//! the runtime verifies; any one-byte change inside the signed value is refused; and a
//! known-answer envelope (`fixtures/v1_request_envelope.json`, made by the oracle with the
//! public test key) is verified and reproduced byte for byte.
//!
//! Nothing here is skipped: without `python3` and `cryptography` the tests fail, saying so.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use alipayhk_runtime::head_body::{Direction, EnvelopeError, Outgoing, Received, signed_bytes};
use alipayhk_runtime::{
    Backend, HeadBody, HeadBodyRules, KeyRole, PrivateKey, PublicKey, SignatureAlgorithm,
    SignatureEncoding, SignedPart,
};

const FUNCTION: &str = "alipay.intl.oauth.auth.prepareForRedirect";

const ORACLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracles/head_body.py");

/// Fails the test, saying what to install, when the oracle cannot run.
fn require_python() {
    static CHECKED: OnceLock<()> = OnceLock::new();
    CHECKED.get_or_init(|| {
        let out = Command::new("python3")
            .args(["-c", "import cryptography"])
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "head_body_oracle needs `python3` on PATH with the `cryptography` package \
                     (`pip install cryptography`); python3 could not be started: {e}"
                )
            });
        assert!(
            out.status.success(),
            "head_body_oracle needs Python's `cryptography` package (`pip install \
             cryptography`): {}",
            String::from_utf8_lossy(&out.stderr)
        );
    });
}

/// Runs the oracle; its exit code and standard output.
fn oracle(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>) {
    require_python();
    let mut child = Command::new("python3")
        .arg(ORACLE)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    let code = out.status.code().expect("the oracle was not killed");
    assert!(
        code <= 2,
        "oracle {args:?} crashed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (code, out.stdout)
}

fn part_arg(part: SignedPart) -> &'static str {
    match part {
        SignedPart::Value => "value",
        SignedPart::Members => "members",
    }
}

fn algorithm_arg(algorithm: SignatureAlgorithm) -> &'static str {
    match algorithm {
        SignatureAlgorithm::Sha256WithRsa => "sha256",
        SignatureAlgorithm::Sha1WithRsa => "sha1",
    }
}

fn encoding_arg(encoding: SignatureEncoding) -> &'static str {
    match encoding {
        SignatureEncoding::Base64 => "base64",
        SignatureEncoding::Base64UrlEncoded => "base64url",
    }
}

fn protocol(
    signed: SignedPart,
    algorithm: SignatureAlgorithm,
    encoding: SignatureEncoding,
) -> HeadBody {
    HeadBody {
        rules: HeadBodyRules {
            name: "v1",
            version: "1.0.0",
            signed,
            algorithm,
            encoding,
        },
        function: FUNCTION,
    }
}

/// Every signed part × encoding × algorithm this build has.
fn every_protocol() -> Vec<HeadBody> {
    let algorithms = [
        SignatureAlgorithm::Sha256WithRsa,
        #[cfg(feature = "sha1")]
        SignatureAlgorithm::Sha1WithRsa,
    ];
    let mut all = Vec::new();
    for part in [SignedPart::Value, SignedPart::Members] {
        for encoding in [
            SignatureEncoding::Base64,
            SignatureEncoding::Base64UrlEncoded,
        ] {
            for algorithm in algorithms {
                all.push(protocol(part, algorithm, encoding));
            }
        }
    }
    all
}

fn other_part(part: SignedPart) -> SignedPart {
    match part {
        SignedPart::Value => SignedPart::Members,
        SignedPart::Members => SignedPart::Value,
    }
}

struct Keys {
    dir: tempfile::TempDir,
    key: PrivateKey,
}

impl Keys {
    /// A fresh key, loaded on `backend`, written to `private.pem` (PKCS#8) and `public.pem`.
    fn new(backend: Backend) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let generated = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
        let key =
            PrivateKey::parse_with(&generated.to_pkcs8_pem(), KeyRole::MerchantPrivate, backend)
                .unwrap();
        std::fs::write(
            dir.path().join("private.pem"),
            key.to_pkcs8_pem().as_bytes(),
        )
        .unwrap();
        std::fs::write(dir.path().join("public.pem"), key.public_key().to_pem()).unwrap();
        Self { dir, key }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// The public key, loaded on `backend`.
    fn public(&self, backend: Backend) -> PublicKey {
        PublicKey::parse_with(
            &self.key.public_key().to_pem(),
            KeyRole::MerchantPublic,
            backend,
        )
        .unwrap()
    }

    /// The oracle's verdict on `envelope`: 0 verified, 1 bad signature, 2 not an envelope.
    fn python_verify(&self, protocol: &HeadBody, direction: Direction, envelope: &[u8]) -> i32 {
        oracle(
            &[
                "verify",
                "--public-key",
                &self.path("public.pem"),
                "--part",
                part_arg(protocol.rules.signed),
                "--algorithm",
                algorithm_arg(protocol.rules.algorithm),
                "--direction",
                direction.key(),
            ],
            envelope,
        )
        .0
    }

    /// An envelope the oracle signs, whose `request` value is `value` verbatim.
    fn python_sign(&self, protocol: &HeadBody, layout: &str, value: &str) -> Vec<u8> {
        let (code, envelope) = oracle(
            &[
                "sign",
                "--private-key",
                &self.path("private.pem"),
                "--part",
                part_arg(protocol.rules.signed),
                "--algorithm",
                algorithm_arg(protocol.rules.algorithm),
                "--encoding",
                encoding_arg(protocol.rules.encoding),
                "--layout",
                layout,
                "--direction",
                "request",
            ],
            value.as_bytes(),
        );
        assert_eq!(code, 0, "the oracle signs {value:?}");
        envelope
    }
}

/// Whether the runtime refuses `envelope` as a request under `protocol` with `key`.
fn refused(envelope: &[u8], protocol: &HeadBody, key: &PublicKey) -> bool {
    match Received::parse(Direction::Request, envelope) {
        Err(_) => true,
        Ok(received) => received.verify(protocol, key).is_err(),
    }
}

/// The position of `value` in `envelope`: where the runtime must find the signed bytes.
fn value_range(envelope: &[u8], value: &str) -> std::ops::Range<usize> {
    let start = envelope
        .windows(value.len())
        .position(|w| w == value.as_bytes())
        .expect("the value appears verbatim in the envelope");
    start..start + value.len()
}

// ---------------------------------------------------------------------------------------------
// What the runtime seals, Python verifies.

/// Bodies as the generated code hands them to `Outgoing`, written as is: escapes, raw
/// non-ASCII text, and whitespace the runtime must not touch.
const BODIES: &[&str] = &[
    "{}",
    r#"{"merchantName":"會員卡 café 😀","escaped":"Jos\u00e9 \/ \"Q\"","n":[1,2.5e3,null,true]}"#,
    "{ \"spaced\" : \"yes\" ,\n\t\"nested\":{ } }",
];

#[test]
fn runtime_sealed_envelopes_verify_in_python() {
    for &backend in Backend::ALL {
        let keys = Keys::new(backend);
        let public = keys.public(backend);
        for protocol in every_protocol() {
            for direction in [Direction::Request, Direction::Response] {
                for (i, body) in BODIES.iter().enumerate() {
                    let msg_id = alipayhk_runtime::head_body::new_message_id();
                    let outgoing = Outgoing {
                        direction,
                        protocol,
                        client_id: "2188120000000001",
                        msg_id: &msg_id,
                        time: "2024-05-22T14:42:21+08:00",
                        body: body.as_bytes(),
                    };
                    let what = format!("{backend:?} {:?} {direction:?} body {i}", protocol.rules);
                    let envelope = outgoing.seal(&keys.key).unwrap();
                    assert_eq!(
                        keys.python_verify(&protocol, direction, &envelope),
                        0,
                        "python verifies {what}: {}",
                        String::from_utf8_lossy(&envelope)
                    );

                    // Python finds the value where the runtime wrote it, and no other part.
                    let mut wrong = protocol;
                    wrong.rules.signed = other_part(protocol.rules.signed);
                    assert_eq!(
                        keys.python_verify(&wrong, direction, &envelope),
                        1,
                        "{what}, checked over the other part"
                    );

                    // The runtime reads back what it sealed: the same value, the body as is.
                    let value = outgoing.value();
                    let received = Received::parse(direction, &envelope).unwrap();
                    received.verify(&protocol, &public).unwrap();
                    assert_eq!(
                        received.signed(&protocol),
                        signed_bytes(&value, protocol.rules.signed),
                        "{what}"
                    );
                    assert_eq!(received.body(), body.as_bytes(), "{what}");
                    assert_eq!(received.head().client_id, "2188120000000001");
                    assert_eq!(received.head().function, FUNCTION);
                    assert_eq!(received.head().req_msg_id.as_deref(), Some(&*msg_id));
                    assert_eq!(received.head().version.as_deref(), Some("1.0.0"));

                    if i == 1 {
                        // One changed byte inside the value, and Python refuses it too: the
                        // oracle is not a rubber stamp.
                        let range = value_range(&envelope, std::str::from_utf8(&value).unwrap());
                        let mut flipped = envelope.clone();
                        flipped[range.start + 10] ^= 0x01;
                        assert_eq!(
                            keys.python_verify(&protocol, direction, &flipped),
                            1,
                            "{what}, flipped"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn message_ids_are_random_version_4_uuids() {
    let a = alipayhk_runtime::head_body::new_message_id();
    let b = alipayhk_runtime::head_body::new_message_id();
    assert_ne!(a, b);
    for id in [a, b] {
        let groups: Vec<&str> = id.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12],
            "{id}"
        );
        assert!(id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        assert!(groups[2].starts_with('4'), "{id}");
        assert!(matches!(&groups[3][..1], "8" | "9" | "a" | "b"), "{id}");
    }
}

// ---------------------------------------------------------------------------------------------
// What Python signs, the runtime verifies, over exactly the bytes received.

/// A value as some other implementation might write it, with what the runtime must read.
struct Case {
    name: &'static str,
    value: &'static str,
    client_id: &'static str,
    function: &'static str,
    /// The `body` object's exact text (`{}` when there is none).
    body: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "compact",
        value: r#"{"head":{"clientId":"2188","function":"alipay.intl.oauth.auth.prepareForRedirect","reqMsgId":"7f1c0f4e-3b1a-4c55-9d0e-2a6f5e1b9c3d","reqTime":"2024-05-22T14:42:21+08:00","version":"1.0.0","reserve":"{}"},"body":{"authMerchantId":"2188120000000001","scopes":["USER_POINTS"]}}"#,
        client_id: "2188",
        function: FUNCTION,
        body: r#"{"authMerchantId":"2188120000000001","scopes":["USER_POINTS"]}"#,
    },
    Case {
        name: "pretty-printed",
        value: "{\n  \"head\" : {\n    \"clientId\": \"2188\",\n\t\"function\":\"alipay.intl.oauth.auth.prepareForRedirect\" ,\r\n    \"reqMsgId\" :\"m-1\",\n    \"reqTime\": \"2024-05-22T14:42:21+08:00\",\n    \"version\": \"1.0.0\",\n    \"reserve\": \"{}\"\n  },\n  \"body\" :  {\n    \"scopes\" : [ \"USER_POINTS\" , \"x\" ],\n    \"n\" : 1.50\n  }\n}",
        client_id: "2188",
        function: FUNCTION,
        body: "{\n    \"scopes\" : [ \"USER_POINTS\" , \"x\" ],\n    \"n\" : 1.50\n  }",
    },
    Case {
        name: "escapes",
        value: r#"{"head":{"clientId":"21\u0038\u0038","function":"alipay.intl.oauth.auth.prepare\u0046or\u0052edirect","reqMsgId":"m\/2","version":"1.0.0"},"body":{"name":"Jos\u00e9 \/ \"Q\" \\","emoji":"\ud83d\ude00","tab":"\t"}}"#,
        client_id: "2188",
        function: FUNCTION,
        body: r#"{"name":"Jos\u00e9 \/ \"Q\" \\","emoji":"\ud83d\ude00","tab":"\t"}"#,
    },
    Case {
        name: "non-ASCII text",
        value: r#"{"head":{"clientId":"商戶-2188","function":"alipay.intl.oauth.auth.prepareForRedirect","reqMsgId":"é","version":"1.0.0"},"body":{"merchantName":"會員卡 café 😀","memo":"ä\u00e4"}}"#,
        client_id: "商戶-2188",
        function: FUNCTION,
        body: r#"{"merchantName":"會員卡 café 😀","memo":"ä\u00e4"}"#,
    },
    Case {
        name: "reordered keys",
        value: r#"{"body":{"z":1,"a":2},"head":{"version":"1.0.0","reserve":"{}","reqTime":"2024-05-22T14:42:21+08:00","extra":{"k":[1,{"clientId":"not this one"}]},"function":"alipay.intl.oauth.auth.prepareForRedirect","reqMsgId":"m-3","clientId":"2188"}}"#,
        client_id: "2188",
        function: FUNCTION,
        body: r#"{"z":1,"a":2}"#,
    },
    Case {
        name: "no body",
        value: r#"{"head":{"clientId":"2188","function":"alipay.intl.oauth.auth.prepareForRedirect"}}"#,
        client_id: "2188",
        function: FUNCTION,
        body: "{}",
    },
    Case {
        name: "whitespace just inside the braces",
        value: "{ \"head\":{\"clientId\":\"2188\",\"function\":\"alipay.intl.oauth.auth.prepareForRedirect\"},\"body\":{} \n}",
        client_id: "2188",
        function: FUNCTION,
        body: "{}",
    },
];

const LAYOUTS: &[&str] = &["compact", "spaced", "signature-first"];

#[test]
fn python_signed_envelopes_verify_in_the_runtime() {
    let keys = Keys::new(Backend::default());
    for (p, protocol) in every_protocol().into_iter().enumerate() {
        for (c, case) in CASES.iter().enumerate() {
            // Every layout of the envelope around the value meets every case somewhere.
            let layout = LAYOUTS[(p + c) % LAYOUTS.len()];
            let envelope = keys.python_sign(&protocol, layout, case.value);
            let what = format!("{} ({layout}), {:?}", case.name, protocol.rules);
            assert_eq!(
                keys.python_verify(&protocol, Direction::Request, &envelope),
                0,
                "{what}"
            );
            let received = Received::parse(Direction::Request, &envelope)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(
                received.signed(&protocol),
                signed_bytes(case.value.as_bytes(), protocol.rules.signed),
                "{what}: the exact bytes received"
            );
            assert_eq!(received.head().client_id, case.client_id, "{what}");
            assert_eq!(received.head().function, case.function, "{what}");
            received.check_function(&protocol).unwrap();
            assert_eq!(received.body(), case.body.as_bytes(), "{what}");
            assert!(received.is_signed());
            for &backend in Backend::ALL {
                received
                    .verify(&protocol, &keys.public(backend))
                    .unwrap_or_else(|e| panic!("{backend:?} {what}: {e}"));
            }
            // Under the other signed part, the same envelope does not verify.
            let mut wrong = protocol;
            wrong.rules.signed = other_part(protocol.rules.signed);
            assert!(
                matches!(
                    received.verify(&wrong, &keys.public(Backend::default())),
                    Err(EnvelopeError::BadSignature { .. })
                ),
                "{what}, checked over the other part"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Any one-byte change inside the value is refused.

/// A value with whitespace, escapes and multi-byte characters in every place a byte can be.
const TAMPERED_VALUE: &str = "{\"head\": {\"clientId\":\"2188\", \"function\":\"alipay.intl.oauth.auth.prepareForRedirect\",\n \"reqMsgId\":\"m-\\u00e9\",\"version\":\"1.0.0\",\"reserve\":\"{}\"},\t\"body\":{\"a\":[1, 2.0, true, null],\"name\":\"會員 é\"} }";

#[test]
fn any_one_byte_change_inside_the_value_is_refused() {
    let keys = Keys::new(Backend::default());
    for protocol in every_protocol() {
        let envelope = keys.python_sign(&protocol, "compact", TAMPERED_VALUE);
        let range = value_range(&envelope, TAMPERED_VALUE);
        let what = format!("{:?}", protocol.rules);
        for &backend in Backend::ALL {
            let public = keys.public(backend);
            assert!(
                !refused(&envelope, &protocol, &public),
                "{backend:?} {what}: untouched"
            );
            let mut variants: Vec<(String, Vec<u8>)> = Vec::new();
            for i in range.clone() {
                for mask in [0x01u8, 0x20, 0x80] {
                    let mut flipped = envelope.clone();
                    flipped[i] ^= mask;
                    variants.push((format!("byte {i} ^ {mask:#04x}"), flipped));
                }
                let mut removed = envelope.clone();
                removed.remove(i);
                variants.push((format!("byte {i} removed"), removed));
            }
            // Inserting strictly inside the value: after its `{`, up to before its `}`.
            for i in range.start + 1..range.end {
                for byte in [b' ', b'\n', b'\t', b'\r', b'0', b'"'] {
                    let mut inserted = envelope.clone();
                    inserted.insert(i, byte);
                    variants.push((format!("{byte:#04x} inserted at {i}"), inserted));
                }
            }
            // The change a pretty-printer would make: a space after any `:` or `,`.
            for i in range.clone() {
                if matches!(envelope[i], b':' | b',') {
                    let mut spaced = envelope.clone();
                    spaced.insert(i + 1, b' ');
                    variants.push((
                        format!("space after the {:?} at {i}", envelope[i] as char),
                        spaced,
                    ));
                }
            }
            assert!(variants.len() > 1000);
            for (change, variant) in &variants {
                assert!(
                    refused(variant, &protocol, &public),
                    "{backend:?} {what}: {change} was accepted: {}",
                    String::from_utf8_lossy(variant)
                );
            }
        }
        // The oracle agrees on a few of them.
        for (i, change) in [
            (range.start + 1, b' '),
            (range.start + 8, b' '),
            (range.end - 1, b'\n'),
        ] {
            let mut inserted = envelope.clone();
            inserted.insert(i, change);
            assert_eq!(
                keys.python_verify(&protocol, Direction::Request, &inserted),
                1,
                "{what}: python, {change:#04x} inserted at {i}"
            );
        }
    }
}

#[test]
fn whitespace_outside_the_value_is_not_signed() {
    let keys = Keys::new(Backend::default());
    let protocol = protocol(
        SignedPart::Value,
        SignatureAlgorithm::Sha256WithRsa,
        SignatureEncoding::Base64UrlEncoded,
    );
    let envelope = keys.python_sign(&protocol, "compact", TAMPERED_VALUE);
    let range = value_range(&envelope, TAMPERED_VALUE);
    let public = keys.public(Backend::default());
    for (before, after) in [(" ", ""), ("", " "), ("\n\t ", "\r\n"), ("", "")] {
        let mut moved = envelope[..range.start].to_vec();
        moved.extend_from_slice(before.as_bytes());
        moved.extend_from_slice(TAMPERED_VALUE.as_bytes());
        moved.extend_from_slice(after.as_bytes());
        moved.extend_from_slice(&envelope[range.end..]);
        let received = Received::parse(Direction::Request, &moved).unwrap();
        assert_eq!(received.signed(&protocol), TAMPERED_VALUE.as_bytes());
        received.verify(&protocol, &public).unwrap();
        assert_eq!(keys.python_verify(&protocol, Direction::Request, &moved), 0);
    }
}

#[test]
fn a_changed_signature_is_refused() {
    let keys = Keys::new(Backend::default());
    let other = Keys::new(Backend::default());
    for protocol in every_protocol() {
        let envelope = keys.python_sign(&protocol, "compact", TAMPERED_VALUE);
        let signature_at = envelope
            .windows(13)
            .position(|w| w == b"\"signature\":\"")
            .unwrap()
            + 13;
        for &backend in Backend::ALL {
            let public = keys.public(backend);
            // Each of the first characters, changed to another Base64 character.
            for i in signature_at..signature_at + 40 {
                let mut changed = envelope.clone();
                changed[i] = if changed[i] == b'A' { b'B' } else { b'A' };
                assert!(
                    refused(&changed, &protocol, &public),
                    "{backend:?} {:?}: signature character {i}",
                    protocol.rules
                );
            }
            // Another key's signature.
            assert!(refused(&envelope, &protocol, &other.public(backend)));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Ambiguous envelopes are refused before any signature is checked.

#[test]
fn keys_given_twice_are_refused() {
    let keys = Keys::new(Backend::default());
    let protocol = protocol(
        SignedPart::Value,
        SignatureAlgorithm::Sha256WithRsa,
        SignatureEncoding::Base64,
    );
    let value = CASES[0].value;
    let envelope = String::from_utf8(keys.python_sign(&protocol, "compact", value)).unwrap();
    let signature = envelope.split(",\"signature\":").nth(1).unwrap();
    let signature = signature.strip_suffix('}').unwrap();
    let decoy = r#"{"head":{"clientId":"2188","function":"alipay.intl.oauth.auth.prepareForRedirect"},"body":{"amount":"999999"}}"#;

    let twice = [
        format!(r#"{{"request":{value},"request":{value},"signature":{signature}}}"#),
        format!(r#"{{"request":{decoy},"request":{value},"signature":{signature}}}"#),
        format!(r#"{{"request":{value},"request":{decoy},"signature":{signature}}}"#),
        // The same key, spelt with an escape.
        format!(r#"{{"request":{value},"requ\u0065st":{decoy},"signature":{signature}}}"#),
        format!(r#"{{"request":{value},"signature":{signature},"signature":{signature}}}"#),
    ];
    for envelope in &twice {
        assert!(
            matches!(
                Received::parse(Direction::Request, envelope.as_bytes()),
                Err(EnvelopeError::NotEnvelope { .. })
            ),
            "accepted: {envelope}"
        );
        assert_eq!(
            keys.python_verify(&protocol, Direction::Request, envelope.as_bytes()),
            2,
            "python accepted: {envelope}"
        );
    }

    // Inside the value, the fields the runtime reads: `head` twice, a head field twice.
    for value in [
        r#"{"head":{"clientId":"2188","function":"a"},"head":{"clientId":"2188","function":"b"},"body":{}}"#,
        r#"{"head":{"clientId":"2188","function":"a","function":"b"},"body":{}}"#,
        r#"{"head":{"clientId":"2188","function":"a"},"body":{},"body":{"x":1}}"#,
    ] {
        let envelope = keys.python_sign(&protocol, "compact", value);
        assert!(
            matches!(
                Received::parse(Direction::Request, &envelope),
                Err(EnvelopeError::NotEnvelope { .. })
            ),
            "accepted: {value}"
        );
    }
}

#[test]
fn malformed_envelopes_are_refused() {
    let keys = Keys::new(Backend::default());
    let protocol = protocol(
        SignedPart::Value,
        SignatureAlgorithm::Sha256WithRsa,
        SignatureEncoding::Base64,
    );
    let public = keys.public(Backend::default());
    let value = CASES[0].value;
    let envelope = String::from_utf8(keys.python_sign(&protocol, "compact", value)).unwrap();

    // No signature: parsed, but never verified.
    let unsigned = format!(r#"{{"request":{value}}}"#);
    let received = Received::parse(Direction::Request, unsigned.as_bytes()).unwrap();
    assert!(!received.is_signed());
    assert!(matches!(
        received.verify(&protocol, &public),
        Err(EnvelopeError::Unsigned { .. })
    ));

    for bad in [
        format!("{envelope}x"),
        format!("{envelope}}}"),
        envelope.replacen("\"request\"", "\"response\"", 1),
        envelope.replacen(value, &format!("{value:?}"), 1),
        envelope.replacen(value, "[]", 1),
        envelope.replacen(r#""head":"#, r#""heads":"#, 1),
        envelope.replacen(CASES[0].body, "[1]", 1),
        format!("\u{feff}{envelope}"),
    ] {
        assert!(
            Received::parse(Direction::Request, bad.as_bytes()).is_err(),
            "accepted: {bad}"
        );
    }
    // A request is not a response.
    assert!(Received::parse(Direction::Response, envelope.as_bytes()).is_err());
    // Not UTF-8.
    let mut latin1 = envelope.clone().into_bytes();
    let at = value_range(&latin1, value).start + 20;
    latin1[at] = 0xE9;
    assert!(Received::parse(Direction::Request, &latin1).is_err());
}

#[test]
fn a_members_signature_does_not_verify_under_value_rules() {
    let keys = Keys::new(Backend::default());
    for algorithm in [
        SignatureAlgorithm::Sha256WithRsa,
        #[cfg(feature = "sha1")]
        SignatureAlgorithm::Sha1WithRsa,
    ] {
        let members = protocol(SignedPart::Members, algorithm, SignatureEncoding::Base64);
        let value_rules = protocol(SignedPart::Value, algorithm, SignatureEncoding::Base64);
        for case in CASES {
            let signed_members = keys.python_sign(&members, "compact", case.value);
            let signed_value = keys.python_sign(&value_rules, "compact", case.value);
            let signature = |envelope: &[u8]| {
                let text = std::str::from_utf8(envelope).unwrap();
                text.split(",\"signature\":").nth(1).unwrap().to_owned()
            };
            // The Members signature moved into the envelope the Value rules expect.
            let moved = format!(
                "{{\"request\":{},\"signature\":{}",
                case.value,
                signature(&signed_members)
            );
            let swapped = format!(
                "{{\"request\":{},\"signature\":{}",
                case.value,
                signature(&signed_value)
            );
            for &backend in Backend::ALL {
                let public = keys.public(backend);
                let what = format!("{backend:?} {algorithm:?} {}", case.name);
                let received = Received::parse(Direction::Request, moved.as_bytes()).unwrap();
                received.verify(&members, &public).unwrap();
                assert!(
                    matches!(
                        received.verify(&value_rules, &public),
                        Err(EnvelopeError::BadSignature { .. })
                    ),
                    "{what}: a Members signature under Value rules"
                );
                let received = Received::parse(Direction::Request, swapped.as_bytes()).unwrap();
                received.verify(&value_rules, &public).unwrap();
                assert!(
                    received.verify(&members, &public).is_err(),
                    "{what}: a Value signature under Members rules"
                );
            }
            assert_eq!(
                keys.python_verify(&value_rules, Direction::Request, moved.as_bytes()),
                1
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A known answer, made once by the oracle with the public test key of `fixtures/`.

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
