//! What the runtime seals, Python verifies; what Python signs, the runtime verifies.

use super::support::*;

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
                        // Python finds the value where the runtime wrote it, and no other part.
                        let mut wrong = protocol;
                        wrong.rules.signed = other_part(protocol.rules.signed);
                        assert_eq!(
                            keys.python_verify(&wrong, direction, &envelope),
                            1,
                            "{what}, checked over the other part"
                        );
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
pub(crate) struct Case {
    pub(crate) name: &'static str,
    pub(crate) value: &'static str,
    pub(crate) client_id: &'static str,
    pub(crate) function: &'static str,
    /// The `body` object's exact text (`{}` when there is none).
    pub(crate) body: &'static str,
}

pub(crate) const CASES: &[Case] = &[
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

pub(crate) const LAYOUTS: &[&str] = &["compact", "spaced", "signature-first"];

#[test]
fn python_signed_envelopes_verify_in_the_runtime() {
    let keys = Keys::new(Backend::default());
    for (p, protocol) in every_protocol().into_iter().enumerate() {
        for (c, case) in CASES.iter().enumerate() {
            // Every layout of the envelope around the value meets every case somewhere.
            let layout = LAYOUTS[(p + c) % LAYOUTS.len()];
            let envelope = keys.python_sign(&protocol, layout, case.value);
            let what = format!("{} ({layout}), {:?}", case.name, protocol.rules);
            if c == 0 {
                assert_eq!(
                    keys.python_verify(&protocol, Direction::Request, &envelope),
                    0,
                    "{what}"
                );
            }
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
