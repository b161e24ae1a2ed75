//! The oracle, keys, protocols and bodies every test here shares.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub(crate) use alipayhk_runtime::head_body::{
    Direction, EnvelopeError, Outgoing, Received, signed_bytes,
};
pub(crate) use alipayhk_runtime::{
    Backend, HeadBody, HeadBodyRules, KeyRole, PrivateKey, PublicKey, SignatureAlgorithm,
    SignatureEncoding, SignedPart,
};

pub(crate) const FUNCTION: &str = "alipay.intl.oauth.auth.prepareForRedirect";

pub(crate) const ORACLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracles/head_body.py");

/// Fails the test, saying what to install, when the oracle cannot run.
pub(crate) fn require_python() {
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
pub(crate) fn oracle(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>) {
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

pub(crate) fn part_arg(part: SignedPart) -> &'static str {
    match part {
        SignedPart::Value => "value",
        SignedPart::Members => "members",
    }
}

pub(crate) fn algorithm_arg(algorithm: SignatureAlgorithm) -> &'static str {
    match algorithm {
        SignatureAlgorithm::Sha256WithRsa => "sha256",
        SignatureAlgorithm::Sha1WithRsa => "sha1",
    }
}

pub(crate) fn encoding_arg(encoding: SignatureEncoding) -> &'static str {
    match encoding {
        SignatureEncoding::Base64 => "base64",
        SignatureEncoding::Base64UrlEncoded => "base64url",
    }
}

pub(crate) fn protocol(
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
pub(crate) fn every_protocol() -> Vec<HeadBody> {
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

pub(crate) fn other_part(part: SignedPart) -> SignedPart {
    match part {
        SignedPart::Value => SignedPart::Members,
        SignedPart::Members => SignedPart::Value,
    }
}

pub(crate) struct Keys {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) key: PrivateKey,
}

impl Keys {
    /// A fresh key, loaded on `backend`, written to `private.pem` (PKCS#8) and `public.pem`.
    pub(crate) fn new(backend: Backend) -> Self {
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

    pub(crate) fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// The public key, loaded on `backend`.
    pub(crate) fn public(&self, backend: Backend) -> PublicKey {
        PublicKey::parse_with(
            &self.key.public_key().to_pem(),
            KeyRole::MerchantPublic,
            backend,
        )
        .unwrap()
    }

    /// The oracle's verdict on `envelope`: 0 verified, 1 bad signature, 2 not an envelope.
    pub(crate) fn python_verify(
        &self,
        protocol: &HeadBody,
        direction: Direction,
        envelope: &[u8],
    ) -> i32 {
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
    pub(crate) fn python_sign(&self, protocol: &HeadBody, layout: &str, value: &str) -> Vec<u8> {
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
pub(crate) fn refused(envelope: &[u8], protocol: &HeadBody, key: &PublicKey) -> bool {
    match Received::parse(Direction::Request, envelope) {
        Err(_) => true,
        Ok(received) => received.verify(protocol, key).is_err(),
    }
}

/// The position of `value` in `envelope`: where the runtime must find the signed bytes.
pub(crate) fn value_range(envelope: &[u8], value: &str) -> std::ops::Range<usize> {
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
pub(crate) const BODIES: &[&str] = &[
    "{}",
    r#"{"merchantName":"會員卡 café 😀","escaped":"Jos\u00e9 \/ \"Q\"","n":[1,2.5e3,null,true]}"#,
    "{ \"spaced\" : \"yes\" ,\n\t\"nested\":{ } }",
];
