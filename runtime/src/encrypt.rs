//! Message encryption, `Encrypt: algorithm=RSA_AES,keyVersion=N,symmetricKey=...`.
//!
//! **Experimental.** AlipayHK documents RSA_AES only partly. This implements the byte-level
//! scheme of Ant Group's sister gateway (ZOLOZ), which uses the same headers: a random
//! AES-256 key encrypts the body in ECB mode with PKCS#7 padding, the ciphertext travels as
//! base64 text (`Content-Type: text/plain`), and the AES key is wrapped with the recipient's
//! RSA public key (PKCS#1 v1.5), base64- and URL-encoded into `symmetricKey`. The signature
//! covers the base64 ciphertext. The scheme sits behind [`BodyCipher`] so mode and padding can
//! change once AlipayHK confirms them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::keys::{PrivateKey, PublicKey};
use crate::sign::{decode_base64_item, encode_base64_item, key_values};

/// An encrypted body and the `Encrypt` header that lets the recipient decrypt it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedBody {
    /// The `Encrypt` header value.
    pub header: String,
    /// The body to send (and sign): base64 text.
    pub body: Vec<u8>,
}

/// The body could not be decrypted. Deliberately does not say whether the key unwrap or the
/// body failed: telling them apart would be a padding oracle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the encrypted body could not be decrypted")]
pub struct DecryptionFailed;

/// A scheme for encrypting message bodies.
pub trait BodyCipher: Send + Sync {
    /// Encrypts `plaintext` for the holder of `recipient`'s private key.
    fn encrypt(&self, recipient: &PublicKey, key_version: &str, plaintext: &[u8]) -> EncryptedBody;
    /// Decrypts a body sent with the `Encrypt` header value `header`, using our private key.
    fn decrypt(
        &self,
        own: &PrivateKey,
        header: &str,
        body: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, DecryptionFailed>;
}

/// RSA_AES as ZOLOZ implements it: AES-256-ECB/PKCS#7 body, RSA PKCS#1 v1.5 key wrap.
#[derive(Debug, Clone, Copy, Default)]
pub struct RsaAesEcb;

const HEADER: &str = "Encrypt";

impl BodyCipher for RsaAesEcb {
    fn encrypt(&self, recipient: &PublicKey, key_version: &str, plaintext: &[u8]) -> EncryptedBody {
        let backend = recipient.backend().primitives();
        let mut key = Zeroizing::new([0u8; 32]);
        backend.fill_random(key.as_mut());
        let ciphertext = backend.aes256_ecb_encrypt(&key, plaintext);
        // Wrapping 32 bytes with a key of at least 2048 bits always fits.
        let wrapped = recipient
            .encrypt_pkcs1v15(key.as_ref())
            .expect("a 32-byte key fits an RSA-2048 block");
        EncryptedBody {
            header: format!(
                "algorithm=RSA_AES,keyVersion={key_version},symmetricKey={}",
                encode_base64_item(&wrapped)
            ),
            body: STANDARD.encode(ciphertext).into_bytes(),
        }
    }

    fn decrypt(
        &self,
        own: &PrivateKey,
        header: &str,
        body: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, DecryptionFailed> {
        let wrapped = parse_header(header).ok_or(DecryptionFailed)?;
        let ciphertext = STANDARD
            .decode(body.trim_ascii())
            .map_err(|_| DecryptionFailed)?;
        let backend = own.backend().primitives();
        // Whatever the unwrap gives, decrypt the body with some key: a bad wrap and a bad body
        // then cost the same work and give the same error (implicit rejection).
        let mut fallback = Zeroizing::new(vec![0u8; 32]);
        backend.fill_random(fallback.as_mut());
        let unwrapped = own.decrypt_pkcs1v15(&wrapped);
        // AES-128, -192 and -256 keys are accepted: the docs do not fix the size a sender
        // uses, only that we send 256.
        let unwrapped_ok = unwrapped
            .as_ref()
            .is_some_and(|k| matches!(k.len(), 16 | 24 | 32));
        let key: &[u8] = match unwrapped.as_ref().filter(|_| unwrapped_ok) {
            Some(k) => k,
            None => &fallback,
        };
        let plaintext = backend.aes_ecb_decrypt(key, &ciphertext);
        match plaintext {
            Some(plaintext) if unwrapped_ok => Ok(plaintext),
            _ => Err(DecryptionFailed),
        }
    }
}

/// The wrapped key from an `Encrypt` header, or `None` when the header is not RSA_AES.
fn parse_header(value: &str) -> Option<Vec<u8>> {
    let pairs = key_values(HEADER, value).ok()?;
    let algorithm = pairs
        .iter()
        .find(|(k, _)| *k == "algorithm")
        .map(|(_, v)| *v)?;
    // The docs' samples also say `RSA`; their header table says only RSA_AES exists.
    if !(algorithm.eq_ignore_ascii_case("RSA_AES") || algorithm.eq_ignore_ascii_case("RSA")) {
        return None;
    }
    let key = pairs
        .iter()
        .find(|(k, _)| *k == "symmetricKey")
        .map(|(_, v)| *v)?;
    decode_base64_item(HEADER, "symmetricKey", key).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeyRole;

    #[test]
    fn round_trips_and_rejects_tampering_with_one_error() {
        let own = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
        let message = "{\"passId\":\"會員\"}".as_bytes();
        let sealed = RsaAesEcb.encrypt(&own.public_key(), "1", message);
        assert!(
            sealed
                .header
                .starts_with("algorithm=RSA_AES,keyVersion=1,symmetricKey=")
        );
        assert_eq!(
            RsaAesEcb
                .decrypt(&own, &sealed.header, &sealed.body)
                .unwrap()
                .as_slice(),
            message
        );

        let mut body = sealed.body.clone();
        let last = body.len() - 5;
        body[last] = if body[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            RsaAesEcb.decrypt(&own, &sealed.header, &body),
            Err(DecryptionFailed)
        );
        let other = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
        assert_eq!(
            RsaAesEcb.decrypt(&other, &sealed.header, &sealed.body),
            Err(DecryptionFailed)
        );
        assert_eq!(
            RsaAesEcb.decrypt(&own, "algorithm=PGP,symmetricKey=AA", &sealed.body),
            Err(DecryptionFailed)
        );
    }

    /// What one backend seals, the other opens: the scheme does not depend on the library.
    #[cfg(all(feature = "aws-lc", feature = "rust-crypto"))]
    #[test]
    fn backends_interoperate() {
        use crate::crypto::Backend;
        let generated = PrivateKey::generate(KeyRole::MerchantPrivate).unwrap();
        let pem = generated.to_pkcs8_pem();
        let aws = PrivateKey::parse_with(&pem, KeyRole::MerchantPrivate, Backend::AwsLc).unwrap();
        let pure =
            PrivateKey::parse_with(&pem, KeyRole::MerchantPrivate, Backend::RustCrypto).unwrap();
        for (from, to) in [(&aws, &pure), (&pure, &aws)] {
            let sealed = RsaAesEcb.encrypt(&from.public_key(), "1", b"{\"a\":1}");
            assert_eq!(
                RsaAesEcb
                    .decrypt(to, &sealed.header, &sealed.body)
                    .unwrap()
                    .as_slice(),
                b"{\"a\":1}"
            );
        }
    }
}
