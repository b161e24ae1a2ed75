//! Any change inside the signed value, a changed signature, a key given twice or a malformed envelope is refused.

use super::sealing::CASES;
use super::support::*;

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

/// A refusal's reason is logged and sent back, so it names what is wrong, never what was sent.
#[test]
fn a_refusal_says_what_is_wrong_without_the_content() {
    let secret = "s3cr3t-".repeat(10_000);
    for envelope in [
        format!(r#"{{"request":{{"head":"{secret}","body":{{}}}}}}"#),
        format!(r#"{{"request":{{"head":{{"clientId":["{secret}"]}}}}}}"#),
        format!(r#"{{"request":"{secret}"}}"#),
        format!(r#"{{"request":{{"head":{{}}}},"signature":["{secret}"]}}"#),
        r#"{"request":{"head":{"clientId":31415926535897932384}}}"#.to_owned(),
        r#"{"request":{"head":{"clientId":-31415926535.897}}}"#.to_owned(),
    ] {
        let Err(EnvelopeError::NotEnvelope { reason, .. }) =
            Received::parse(Direction::Request, envelope.as_bytes())
        else {
            panic!("accepted: {}", &envelope[..60]);
        };
        assert!(
            !reason.contains("s3cr3t") && !reason.contains("31415"),
            "{reason}"
        );
        assert!(reason.len() < 200, "{reason}");
    }
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
