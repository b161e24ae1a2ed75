//! The cryptographic backend: RSA signing and verification (PKCS#1 v1.5, SHA-256), RSA key
//! wrapping (PKCS#1 v1.5 encryption) and AES-256-ECB with PKCS#7 padding.
//!
//! Everything above this module (signing strings, headers, encryption framing) is
//! backend-independent; a backend only performs these primitive operations. Each key
//! remembers the backend that loaded it, and RSA_AES uses the backend of the key involved.

#[cfg(feature = "aws-lc")]
mod aws_lc;
#[cfg(feature = "sha1")]
pub(crate) mod legacy_sha1;
#[cfg(feature = "rust-crypto")]
mod rust_crypto;

#[cfg(not(any(feature = "aws-lc", feature = "rust-crypto")))]
compile_error!(
    "alipayhk-runtime needs a crypto backend: enable `aws-lc` (default) or `rust-crypto`"
);

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::error::KeyError;
use crate::keys::role::KeyRole;
use crate::keys::text::Der;

/// Operations on a private key.
pub(crate) trait PrivateKeyOps: Send + Sync {
    /// SHA256withRSA (RSASSA-PKCS1-v1_5) signature of `message`.
    fn sign_sha256(&self, message: &[u8]) -> Vec<u8>;
    /// RSAES-PKCS1-v1_5 decryption; `None` on any failure, without saying which.
    fn decrypt_pkcs1v15(&self, ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>>;
    /// The matching public key.
    fn public_key(&self) -> Arc<dyn PublicKeyOps>;
    /// PKCS#8 DER of the key.
    fn pkcs8_der(&self) -> Zeroizing<Vec<u8>>;
    /// Modulus size in bits.
    fn bits(&self) -> usize;
}

/// Operations on a public key.
pub(crate) trait PublicKeyOps: Send + Sync {
    /// Whether `signature` is a valid SHA256withRSA signature of `message`.
    fn verify_sha256(&self, message: &[u8], signature: &[u8]) -> bool;
    /// RSAES-PKCS1-v1_5 encryption of a short secret.
    fn encrypt_pkcs1v15(&self, plaintext: &[u8]) -> Option<Vec<u8>>;
    /// SubjectPublicKeyInfo DER of the key.
    fn spki_der(&self) -> Vec<u8>;
    /// Modulus size in bits.
    fn bits(&self) -> usize;
}

/// The library that performs RSA and AES operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// aws-lc-rs: the default, and the library rustls already builds. Feature `aws-lc`.
    #[cfg(feature = "aws-lc")]
    AwsLc,
    /// Pure Rust: `rsa` 0.10 (not 0.9, which is open to the Marvin timing attack,
    /// RUSTSEC-2023-0071), `sha2`, `aes` and `ecb`. For targets that cannot build C.
    /// Feature `rust-crypto`.
    #[cfg(feature = "rust-crypto")]
    RustCrypto,
}

impl Backend {
    /// Every backend this build includes, the default first.
    pub const ALL: &'static [Backend] = &[
        #[cfg(feature = "aws-lc")]
        Backend::AwsLc,
        #[cfg(feature = "rust-crypto")]
        Backend::RustCrypto,
    ];

    /// aws-lc-rs when built in, otherwise the pure-Rust backend.
    pub const fn default_backend() -> Self {
        Self::ALL[0]
    }

    pub(crate) fn primitives(self) -> &'static dyn Primitives {
        match self {
            #[cfg(feature = "aws-lc")]
            Self::AwsLc => &aws_lc::AwsLc,
            #[cfg(feature = "rust-crypto")]
            Self::RustCrypto => &rust_crypto::RustCrypto,
        }
    }
}

impl Default for Backend {
    fn default() -> Self {
        Self::default_backend()
    }
}

/// A provider of the primitives.
pub(crate) trait Primitives: Send + Sync {
    /// A private key from DER.
    fn private_key(&self, der: &Der, role: KeyRole) -> Result<Box<dyn PrivateKeyOps>, KeyError>;
    /// A public key from DER.
    fn public_key(&self, der: &Der, role: KeyRole) -> Result<Arc<dyn PublicKeyOps>, KeyError>;
    /// A new 2048-bit private key.
    fn generate(&self, role: KeyRole) -> Result<Box<dyn PrivateKeyOps>, KeyError>;
    /// AES-256-ECB with PKCS#7 padding.
    fn aes256_ecb_encrypt(&self, key: &[u8; 32], plaintext: &[u8]) -> Vec<u8>;
    /// AES-256-ECB decryption; `None` when the length or padding is wrong.
    fn aes_ecb_decrypt(&self, key: &[u8], ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>>;
    /// Cryptographically secure random bytes.
    fn fill_random(&self, out: &mut [u8]);
    /// SHA-256 of `data`.
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    fn sha256(&self, data: &[u8]) -> [u8; 32];
}

pub(crate) use crate::keys::der::MIN_RSA_BITS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_backend_is_listed_default_first() {
        #[cfg(all(feature = "aws-lc", feature = "rust-crypto"))]
        assert_eq!(Backend::ALL, &[Backend::AwsLc, Backend::RustCrypto]);
        #[cfg(feature = "aws-lc")]
        assert_eq!(Backend::default(), Backend::AwsLc);
        #[cfg(not(feature = "aws-lc"))]
        assert_eq!(Backend::default(), Backend::RustCrypto);
    }
}
