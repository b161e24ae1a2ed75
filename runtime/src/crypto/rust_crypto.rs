//! The pure-Rust backend: `rsa` 0.10 with `sha2`, and `aes` with `ecb`.

use std::sync::Arc;

use aes::{Aes128, Aes192, Aes256};
use ecb::cipher::block_padding::Pkcs7;
use ecb::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyInit};
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{MIN_RSA_BITS, Primitives, PrivateKeyOps, PublicKeyOps};
use crate::error::KeyError;
use crate::keys::role::KeyRole;
use crate::keys::text::Der;

pub(crate) struct RustCrypto;

struct RcPrivateKey {
    key: rsa::PrivateKey,
    public: Arc<RcPublicKey>,
}

struct RcPublicKey {
    key: rsa::PublicKey,
    spki: Vec<u8>,
    bits: usize,
}

fn public(key: rsa::PublicKey, role: KeyRole) -> Result<RcPublicKey, KeyError> {
    let bits = key.size() * 8;
    if bits < MIN_RSA_BITS {
        return Err(KeyError::TooSmall { role, bits });
    }
    let spki = key
        .to_public_key_der()
        .map_err(|_| KeyError::Invalid {
            role,
            expected: "an RSA public key",
        })?
        .as_bytes()
        .to_vec();
    Ok(RcPublicKey { key, spki, bits })
}

fn private(key: rsa::PrivateKey, role: KeyRole) -> Result<RcPrivateKey, KeyError> {
    let public = Arc::new(public(key.to_public_key(), role)?);
    Ok(RcPrivateKey { key, public })
}

impl PrivateKeyOps for RcPrivateKey {
    fn sign_sha256(&self, message: &[u8]) -> Vec<u8> {
        // Signing with a validated key cannot fail.
        self.key
            .pkcs1v15_sign::<Sha256>(message)
            .expect("RSA signing with a validated key")
    }

    fn decrypt_pkcs1v15(&self, ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        self.key
            .pkcs1v15_decrypt(ciphertext)
            .ok()
            .map(Zeroizing::new)
    }

    fn public_key(&self) -> Arc<dyn PublicKeyOps> {
        self.public.clone()
    }

    fn pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(
            self.key
                .to_pkcs8_der()
                .expect("encoding a valid key")
                .as_bytes()
                .to_vec(),
        )
    }

    fn bits(&self) -> usize {
        self.public.bits
    }
}

impl PublicKeyOps for RcPublicKey {
    fn verify_sha256(&self, message: &[u8], signature: &[u8]) -> bool {
        self.key
            .pkcs1v15_verify::<Sha256>(message, signature)
            .is_ok()
    }

    fn encrypt_pkcs1v15(&self, plaintext: &[u8]) -> Option<Vec<u8>> {
        self.key.pkcs1v15_encrypt(plaintext).ok()
    }

    fn spki_der(&self) -> Vec<u8> {
        self.spki.clone()
    }

    fn bits(&self) -> usize {
        self.bits
    }
}

fn is_public_der(bytes: &[u8]) -> bool {
    rsa::PublicKey::from_public_key_der(bytes).is_ok()
        || rsa::PublicKey::from_pkcs1_der(bytes).is_ok()
}

fn is_private_der(bytes: &[u8]) -> bool {
    rsa::PrivateKey::from_pkcs8_der(bytes).is_ok() || rsa::PrivateKey::from_pkcs1_der(bytes).is_ok()
}

impl Primitives for RustCrypto {
    fn private_key(&self, der: &Der, role: KeyRole) -> Result<Box<dyn PrivateKeyOps>, KeyError> {
        let invalid = KeyError::Invalid {
            role,
            expected: "an RSA private key in PKCS#8 or PKCS#1 form",
        };
        let wrong = KeyError::WrongKind {
            role,
            expected: "a private key",
            found: "a public key",
        };
        let key = match der {
            Der::Pkcs8(bytes) => rsa::PrivateKey::from_pkcs8_der(bytes).map_err(|_| invalid)?,
            Der::Pkcs1Private(bytes) => {
                rsa::PrivateKey::from_pkcs1_der(bytes).map_err(|_| invalid)?
            }
            Der::Unlabelled(bytes) => match rsa::PrivateKey::from_pkcs8_der(bytes)
                .or_else(|_| rsa::PrivateKey::from_pkcs1_der(bytes))
            {
                Ok(key) => key,
                Err(_) if is_public_der(bytes) => return Err(wrong),
                Err(_) => return Err(invalid),
            },
            Der::Spki(_) | Der::Pkcs1Public(_) => return Err(wrong),
        };
        Ok(Box::new(private(key, role)?))
    }

    fn public_key(&self, der: &Der, role: KeyRole) -> Result<Arc<dyn PublicKeyOps>, KeyError> {
        let invalid = KeyError::Invalid {
            role,
            expected: "an RSA public key in SubjectPublicKeyInfo or PKCS#1 form",
        };
        let wrong = KeyError::WrongKind {
            role,
            expected: "a public key",
            found: "a private key",
        };
        let key = match der {
            Der::Spki(bytes) => rsa::PublicKey::from_public_key_der(bytes).map_err(|_| invalid)?,
            Der::Pkcs1Public(bytes) => {
                rsa::PublicKey::from_pkcs1_der(bytes).map_err(|_| invalid)?
            }
            Der::Unlabelled(bytes) => match rsa::PublicKey::from_public_key_der(bytes)
                .or_else(|_| rsa::PublicKey::from_pkcs1_der(bytes))
            {
                Ok(key) => key,
                Err(_) if is_private_der(bytes) => return Err(wrong),
                Err(_) => return Err(invalid),
            },
            Der::Pkcs8(_) | Der::Pkcs1Private(_) => return Err(wrong),
        };
        Ok(Arc::new(public(key, role)?))
    }

    fn generate(&self, role: KeyRole) -> Result<Box<dyn PrivateKeyOps>, KeyError> {
        let key =
            rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).map_err(|_| KeyError::Invalid {
                role,
                expected: "a generated key",
            })?;
        Ok(Box::new(private(key, role)?))
    }

    fn aes256_ecb_encrypt(&self, key: &[u8; 32], plaintext: &[u8]) -> Vec<u8> {
        ecb::Encryptor::<Aes256>::new(key.into()).encrypt_padded_vec::<Pkcs7>(plaintext)
    }

    fn aes_ecb_decrypt(&self, key: &[u8], ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let plaintext = match key.len() {
            16 => ecb::Decryptor::<Aes128>::new_from_slice(key)
                .ok()?
                .decrypt_padded_vec::<Pkcs7>(ciphertext),
            24 => ecb::Decryptor::<Aes192>::new_from_slice(key)
                .ok()?
                .decrypt_padded_vec::<Pkcs7>(ciphertext),
            32 => ecb::Decryptor::<Aes256>::new_from_slice(key)
                .ok()?
                .decrypt_padded_vec::<Pkcs7>(ciphertext),
            _ => return None,
        };
        plaintext.ok().map(Zeroizing::new)
    }

    fn fill_random(&self, out: &mut [u8]) {
        getrandom::fill(out).expect("the system random source");
    }

    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        use sha2::Digest;
        Sha256::digest(data).into()
    }
}
