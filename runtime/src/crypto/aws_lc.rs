//! The default backend, on aws-lc-rs (the same library rustls uses for TLS).

use std::sync::Arc;

use aws_lc_rs::cipher::{
    AES_128, AES_192, AES_256, DecryptionContext, PaddedBlockDecryptingKey,
    PaddedBlockEncryptingKey, UnboundCipherKey,
};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::rsa::{
    KeyPair, KeySize, Pkcs1PrivateDecryptingKey, Pkcs1PublicEncryptingKey, PrivateDecryptingKey,
    PublicEncryptingKey,
};
use aws_lc_rs::signature::{self, KeyPair as _, ParsedPublicKey, RsaSubjectPublicKey};
use zeroize::Zeroizing;

use super::{MIN_RSA_BITS, Primitives, PrivateKeyOps, PublicKeyOps};
use crate::error::KeyError;
use crate::keys::role::KeyRole;
use crate::keys::text::Der;

pub(crate) struct AwsLc;

struct AwsPrivateKey {
    signing: KeyPair,
    decrypting: Pkcs1PrivateDecryptingKey,
    rng: SystemRandom,
}

struct AwsPublicKey {
    spki: Vec<u8>,
    /// Parsed once: parsing the key for each verification (and building its Montgomery
    /// context) cost a gateway call as much as the verification itself.
    verifying: ParsedPublicKey,
    encrypting: Pkcs1PublicEncryptingKey,
    bits: usize,
}

impl AwsPrivateKey {
    fn new(signing: KeyPair, role: KeyRole) -> Result<Self, KeyError> {
        let bits = signing.public_modulus_len() * 8;
        if bits < MIN_RSA_BITS {
            return Err(KeyError::TooSmall { role, bits });
        }
        let pkcs8 = signing.as_der().map_err(|_| KeyError::Invalid {
            role,
            expected: "an RSA private key",
        })?;
        let decrypting = PrivateDecryptingKey::from_pkcs8(pkcs8.as_ref())
            .ok()
            .and_then(|key| Pkcs1PrivateDecryptingKey::new(key).ok())
            .ok_or(KeyError::Invalid {
                role,
                expected: "an RSA private key",
            })?;
        Ok(Self {
            signing,
            decrypting,
            rng: SystemRandom::new(),
        })
    }
}

impl PrivateKeyOps for AwsPrivateKey {
    fn sign_sha256(&self, message: &[u8]) -> Vec<u8> {
        let mut signature = vec![0; self.signing.public_modulus_len()];
        // Signing with a validated key into a buffer of the modulus size cannot fail.
        self.signing
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &self.rng,
                message,
                &mut signature,
            )
            .expect("RSA signing with a validated key");
        signature
    }

    fn decrypt_pkcs1v15(&self, ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let mut out = Zeroizing::new(vec![0; self.signing.public_modulus_len()]);
        let len = self.decrypting.decrypt(ciphertext, &mut out).ok()?.len();
        out.truncate(len);
        Some(out)
    }

    fn public_key(&self) -> Arc<dyn PublicKeyOps> {
        let spki = self
            .signing
            .public_key()
            .as_der()
            .expect("encoding a valid public key")
            .as_ref()
            .to_vec();
        Arc::new(public_from_spki(spki).expect("the public half of a valid key"))
    }

    fn pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(
            self.signing
                .as_der()
                .expect("encoding a valid key")
                .as_ref()
                .to_vec(),
        )
    }

    fn bits(&self) -> usize {
        self.signing.public_modulus_len() * 8
    }
}

fn public_from_spki(spki: Vec<u8>) -> Option<AwsPublicKey> {
    let encrypting =
        Pkcs1PublicEncryptingKey::new(PublicEncryptingKey::from_der(&spki).ok()?).ok()?;
    let bits = encrypting.key_size_bits();
    let verifying = ParsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &spki).ok()?;
    Some(AwsPublicKey {
        spki,
        verifying,
        encrypting,
        bits,
    })
}

impl PublicKeyOps for AwsPublicKey {
    fn verify_sha256(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verifying.verify_sig(message, signature).is_ok()
    }

    fn encrypt_pkcs1v15(&self, plaintext: &[u8]) -> Option<Vec<u8>> {
        let mut out = vec![0; self.encrypting.ciphertext_size()];
        let len = self.encrypting.encrypt(plaintext, &mut out).ok()?.len();
        out.truncate(len);
        Some(out)
    }

    fn spki_der(&self) -> Vec<u8> {
        self.spki.clone()
    }

    fn bits(&self) -> usize {
        self.bits
    }
}

impl Primitives for AwsLc {
    fn private_key(&self, der: &Der, role: KeyRole) -> Result<Box<dyn PrivateKeyOps>, KeyError> {
        let invalid = KeyError::Invalid {
            role,
            expected: "an RSA private key in PKCS#8 or PKCS#1 form",
        };
        let pair = match der {
            Der::Pkcs8(bytes) => KeyPair::from_pkcs8(bytes).map_err(|_| invalid)?,
            Der::Pkcs1Private(bytes) => KeyPair::from_der(bytes).map_err(|_| invalid)?,
            Der::Unlabelled(bytes) => {
                match KeyPair::from_pkcs8(bytes).or_else(|_| KeyPair::from_der(bytes)) {
                    Ok(pair) => pair,
                    // A public key pasted where the private key belongs is the commonest mix-up.
                    Err(_) if RsaSubjectPublicKey::from_der(bytes).is_ok() => {
                        return Err(KeyError::WrongKind {
                            role,
                            expected: "a private key",
                            found: "a public key",
                        });
                    }
                    Err(_) => return Err(invalid),
                }
            }
            Der::Spki(_) | Der::Pkcs1Public(_) => {
                return Err(KeyError::WrongKind {
                    role,
                    expected: "a private key",
                    found: "a public key",
                });
            }
        };
        Ok(Box::new(AwsPrivateKey::new(pair, role)?))
    }

    fn public_key(&self, der: &Der, role: KeyRole) -> Result<Arc<dyn PublicKeyOps>, KeyError> {
        let bytes: &[u8] = match der {
            Der::Spki(bytes) | Der::Pkcs1Public(bytes) => bytes,
            Der::Unlabelled(bytes) => bytes,
            Der::Pkcs8(_) | Der::Pkcs1Private(_) => {
                return Err(KeyError::WrongKind {
                    role,
                    expected: "a public key",
                    found: "a private key",
                });
            }
        };
        let Ok(parsed) = RsaSubjectPublicKey::from_der(bytes) else {
            if matches!(der, Der::Unlabelled(_))
                && (KeyPair::from_pkcs8(bytes).is_ok() || KeyPair::from_der(bytes).is_ok())
            {
                return Err(KeyError::WrongKind {
                    role,
                    expected: "a public key",
                    found: "a private key",
                });
            }
            return Err(KeyError::Invalid {
                role,
                expected: "an RSA public key in SubjectPublicKeyInfo or PKCS#1 form",
            });
        };
        let spki = parsed
            .as_der()
            .map_err(|_| KeyError::Invalid {
                role,
                expected: "an RSA public key",
            })?
            .as_ref()
            .to_vec();
        let key = public_from_spki(spki).ok_or(KeyError::Invalid {
            role,
            expected: "an RSA public key",
        })?;
        if key.bits < MIN_RSA_BITS {
            return Err(KeyError::TooSmall {
                role,
                bits: key.bits,
            });
        }
        Ok(Arc::new(key))
    }

    fn generate(&self, role: KeyRole) -> Result<Box<dyn PrivateKeyOps>, KeyError> {
        let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Invalid {
            role,
            expected: "a generated key",
        })?;
        Ok(Box::new(AwsPrivateKey::new(pair, role)?))
    }

    fn aes256_ecb_encrypt(&self, key: &[u8; 32], plaintext: &[u8]) -> Vec<u8> {
        let key = UnboundCipherKey::new(&AES_256, key).expect("a 32-byte AES-256 key");
        let cipher =
            PaddedBlockEncryptingKey::ecb_pkcs7(key).expect("ECB with PKCS#7 is supported");
        let mut buffer = plaintext.to_vec();
        cipher
            .encrypt(&mut buffer)
            .expect("ECB encryption of any length");
        buffer
    }

    fn aes_ecb_decrypt(&self, key: &[u8], ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let algorithm = match key.len() {
            16 => &AES_128,
            24 => &AES_192,
            32 => &AES_256,
            _ => return None,
        };
        let key = UnboundCipherKey::new(algorithm, key).ok()?;
        let cipher = PaddedBlockDecryptingKey::ecb_pkcs7(key).ok()?;
        let mut buffer = Zeroizing::new(ciphertext.to_vec());
        let len = cipher
            .decrypt(&mut buffer, DecryptionContext::None)
            .ok()?
            .len();
        buffer.truncate(len);
        Some(buffer)
    }

    fn fill_random(&self, out: &mut [u8]) {
        SystemRandom::new()
            .fill(out)
            .expect("the system random source");
    }

    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data);
        let mut out = [0u8; 32];
        out.copy_from_slice(digest.as_ref());
        out
    }
}
