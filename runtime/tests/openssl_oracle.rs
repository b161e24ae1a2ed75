//! The `openssl` CLI as an independent oracle: what the runtime signs, openssl verifies, and
//! the reverse; what the runtime encrypts, openssl decrypts, and the reverse. Round trips
//! within one implementation cannot catch a shared misunderstanding; these can.

use std::io::Write;
use std::process::{Command, Stdio};

use alipayhk_runtime::encrypt::{BodyCipher, RsaAesEcb};
use alipayhk_runtime::sign::{self, SignatureHeader};
use alipayhk_runtime::{Backend, KeyRole, PrivateKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

fn openssl(args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the openssl CLI");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Deterministic pseudo-random bodies, including multi-byte UTF-8 and JSON-ish punctuation.
fn bodies() -> Vec<Vec<u8>> {
    let alphabet: Vec<char> = "aZ09 {}\":,./+=\\\n\té會員卡😀".chars().collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..8)
        .map(|i| {
            let len = [0, 1, 15, 16, 17, 100, 1000, 5000][i];
            (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect::<String>()
                .into_bytes()
        })
        .collect()
}

struct Keys {
    dir: tempfile::TempDir,
    key: PrivateKey,
}

impl Keys {
    /// A fresh key written to PEM files, loaded on `backend`.
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
}

#[test]
fn runtime_signatures_verify_with_openssl() {
    for &backend in Backend::ALL {
        let keys = Keys::new(backend);
        for (i, body) in bodies().into_iter().enumerate() {
            let signature = sign::SignedContent {
                method: "POST",
                path: "/api/open/x",
                client_id: "CID",
                time: "2024-05-22T06:42:21+05:30",
                body: &body,
            }
            .sign(&keys.key);
            let content = sign::SignedContent {
                method: "POST",
                path: "/api/open/x",
                client_id: "CID",
                time: "2024-05-22T06:42:21+05:30",
                body: &body,
            }
            .to_bytes();
            let sig_path = keys.path(&format!("sig{i}"));
            std::fs::write(&sig_path, &signature).unwrap();
            let out = openssl(
                &[
                    "dgst",
                    "-sha256",
                    "-verify",
                    &keys.path("public.pem"),
                    "-signature",
                    &sig_path,
                ],
                &content,
            );
            assert_eq!(
                String::from_utf8_lossy(&out).trim(),
                "Verified OK",
                "{backend:?} body {i}"
            );
        }
    }
}

#[test]
fn openssl_signatures_verify_in_the_runtime_and_match_byte_for_byte() {
    for &backend in Backend::ALL {
        let keys = Keys::new(backend);
        let public = keys.key.public_key();
        for (i, body) in bodies().into_iter().enumerate() {
            let content = sign::SignedContent {
                method: "POST",
                path: "/p",
                client_id: "CID",
                time: "1732787128015",
                body: &body,
            }
            .to_bytes();
            let signature = openssl(
                &["dgst", "-sha256", "-sign", &keys.path("private.pem")],
                &content,
            );
            sign::SignedContent {
                method: "POST",
                path: "/p",
                client_id: "CID",
                time: "1732787128015",
                body: &body,
            }
            .verify(&public, &signature)
            .unwrap();
            // PKCS#1 v1.5 is deterministic: both implementations produce the same bytes.
            assert_eq!(
                sign::SignedContent {
                    method: "POST",
                    path: "/p",
                    client_id: "CID",
                    time: "1732787128015",
                    body: &body
                }
                .sign(&keys.key),
                signature,
                "{backend:?} body {i}"
            );
            let header = SignatureHeader::new("1", signature).to_header_value();
            assert_eq!(
                SignatureHeader::parse(&header).unwrap().signature.len(),
                256
            );
        }
    }
}

#[test]
fn runtime_ciphertexts_decrypt_with_openssl() {
    for &backend in Backend::ALL {
        let keys = Keys::new(backend);
        for (i, body) in bodies().into_iter().enumerate() {
            let sealed = RsaAesEcb.encrypt(&keys.key.public_key(), "1", &body);
            let wrapped = sealed.header.split("symmetricKey=").nth(1).unwrap();
            let wrapped = STANDARD
                .decode(
                    percent_encoding::percent_decode_str(wrapped)
                        .decode_utf8()
                        .unwrap()
                        .as_bytes(),
                )
                .unwrap();
            let wrapped_path = keys.path(&format!("wrapped{i}"));
            std::fs::write(&wrapped_path, &wrapped).unwrap();
            let aes_key = openssl(
                &[
                    "pkeyutl",
                    "-decrypt",
                    "-inkey",
                    &keys.path("private.pem"),
                    "-pkeyopt",
                    "rsa_padding_mode:pkcs1",
                    "-in",
                    &wrapped_path,
                ],
                b"",
            );
            assert_eq!(aes_key.len(), 32, "an AES-256 key");
            let hex: String = aes_key.iter().map(|b| format!("{b:02x}")).collect();
            let plaintext = openssl(
                &["enc", "-d", "-aes-256-ecb", "-K", &hex, "-a", "-A"],
                &sealed.body,
            );
            assert_eq!(plaintext, body, "{backend:?} body {i}");
        }
    }
}

/// An `Encrypt` header whose `symmetricKey` is `aes_key` wrapped by openssl (RSA PKCS#1 v1.5)
/// with the public key of `keys`; `name` is the scratch file for the key.
fn encrypt_header(keys: &Keys, name: &str, aes_key: &[u8]) -> String {
    let key_path = keys.path(name);
    std::fs::write(&key_path, aes_key).unwrap();
    let wrapped = openssl(
        &[
            "pkeyutl",
            "-encrypt",
            "-pubin",
            "-inkey",
            &keys.path("public.pem"),
            "-pkeyopt",
            "rsa_padding_mode:pkcs1",
            "-in",
            &key_path,
        ],
        b"",
    );
    let encoded = STANDARD.encode(&wrapped);
    let escaped =
        percent_encoding::utf8_percent_encode(&encoded, percent_encoding::NON_ALPHANUMERIC);
    format!("algorithm=RSA_AES, keyVersion=1, symmetricKey={escaped}")
}

#[test]
fn openssl_ciphertexts_decrypt_in_the_runtime_with_every_aes_key_size() {
    for &backend in Backend::ALL {
        let keys = Keys::new(backend);
        for (i, body) in bodies().into_iter().enumerate() {
            // A sender may wrap an AES-128, -192 or -256 key: each is accepted.
            let (size, cipher) = [
                (16u8, "-aes-128-ecb"),
                (24, "-aes-192-ecb"),
                (32, "-aes-256-ecb"),
            ][i % 3];
            let aes_key: Vec<u8> = (0..size)
                .map(|b| b.wrapping_mul(37).wrapping_add(i as u8))
                .collect();
            let hex: String = aes_key.iter().map(|b| format!("{b:02x}")).collect();
            let ciphertext = openssl(&["enc", cipher, "-K", &hex, "-a", "-A"], &body);
            let header = encrypt_header(&keys, &format!("aes{i}"), &aes_key);
            let plaintext = RsaAesEcb.decrypt(&keys.key, &header, &ciphertext).unwrap();
            assert_eq!(
                plaintext.as_slice(),
                body.as_slice(),
                "{backend:?} body {i}, AES-{}",
                size as u32 * 8
            );
        }
        // A wrapped key of another size is refused like any bad wrap.
        let header = encrypt_header(&keys, "aes20", &[7u8; 20]);
        assert!(
            RsaAesEcb
                .decrypt(&keys.key, &header, b"AAAAAAAAAAAAAAAAAAAAAA==")
                .is_err()
        );
    }
}

#[test]
fn openssl_is_available_as_an_oracle() {
    let version = openssl(&["version"], b"");
    assert!(String::from_utf8_lossy(&version).starts_with("OpenSSL"));
}
