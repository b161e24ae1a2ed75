//! RSA keys: the merchant's private key and AlipayHK's public key, from PEM or bare base64.
//!
//! AlipayHK's portal hands out keys as one line of base64 without PEM armour; tools produce
//! PEM with either the PKCS#8 or the PKCS#1 label. Both are accepted. Key material is never
//! printed: `Debug` shows only the key size, and errors name the key, never its bytes.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

// Leaves that import nothing above them: the crypto backends and the errors use them too.
pub(crate) mod der;
pub mod files;
pub(crate) mod role;
pub(crate) mod text;

use crate::crypto::{Backend, PrivateKeyOps, PublicKeyOps};
use crate::error::KeyError;
pub use role::KeyRole;
use text::{Der, decode};

/// An RSA private key: signs (SHA256withRSA) and unwraps RSA_AES session keys.
///
/// Cloning is cheap: clones share the key material, which is held once and zeroized by the
/// backend when the last clone is dropped.
#[derive(Clone)]
pub struct PrivateKey {
    inner: std::sync::Arc<dyn PrivateKeyOps>,
    role: KeyRole,
    backend: Backend,
}

impl PrivateKey {
    /// The merchant's private key, from PEM or bare base64 (PKCS#8 or PKCS#1).
    pub fn merchant(text: &str) -> Result<Self, KeyError> {
        Self::parse(text, KeyRole::MerchantPrivate)
    }

    /// A private key in the given role, from PEM or bare base64 (PKCS#8 or PKCS#1).
    pub fn parse(text: &str, role: KeyRole) -> Result<Self, KeyError> {
        Self::parse_with(text, role, Backend::default())
    }

    /// The same, on a chosen crypto backend.
    pub fn parse_with(text: &str, role: KeyRole, backend: Backend) -> Result<Self, KeyError> {
        let der = decode(text, role)?;
        der.check_size(role)?;
        if der.is_public() {
            return Err(KeyError::WrongKind {
                role,
                expected: "a private key",
                found: "a public key",
            });
        }
        let inner = backend.primitives().private_key(&der, role)?.into();
        Ok(Self {
            inner,
            role,
            backend,
        })
    }

    /// Generates a new 2048-bit key, for tests and for the local gateway.
    pub fn generate(role: KeyRole) -> Result<Self, KeyError> {
        let backend = Backend::default();
        let inner = backend.primitives().generate(role)?.into();
        Ok(Self {
            inner,
            role,
            backend,
        })
    }

    /// The backend that performs this key's operations.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The key as PKCS#8 PEM, for writing key files. Handle the result as a secret.
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        armour("PRIVATE KEY", &self.inner.pkcs8_der())
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        let role = match self.role {
            KeyRole::MerchantPrivate | KeyRole::MerchantPublic => KeyRole::MerchantPublic,
            KeyRole::PlatformPrivate | KeyRole::PlatformPublic => KeyRole::PlatformPublic,
        };
        PublicKey {
            inner: self.inner.public_key(),
            role,
            backend: self.backend,
        }
    }

    /// What this key is for.
    pub fn role(&self) -> KeyRole {
        self.role
    }

    /// SHA256withRSA signature of `message`.
    pub(crate) fn sign_sha256(&self, message: &[u8]) -> Vec<u8> {
        self.inner.sign_sha256(message)
    }

    /// A signature of `message` with `algorithm`; `None` for SHA1withRSA in a build without
    /// the `sha1` feature.
    pub(crate) fn sign_with(
        &self,
        algorithm: crate::SignatureAlgorithm,
        message: &[u8],
    ) -> Option<Vec<u8>> {
        match algorithm {
            crate::SignatureAlgorithm::Sha256WithRsa => Some(self.sign_sha256(message)),
            #[cfg(feature = "sha1")]
            crate::SignatureAlgorithm::Sha1WithRsa => {
                crate::crypto::legacy_sha1::sign(&self.inner.pkcs8_der(), message)
            }
            #[cfg(not(feature = "sha1"))]
            crate::SignatureAlgorithm::Sha1WithRsa => None,
        }
    }

    /// RSAES-PKCS1-v1_5 decryption; `None` on any failure, without saying which.
    pub(crate) fn decrypt_pkcs1v15(&self, ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        self.inner.decrypt_pkcs1v15(ciphertext)
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PrivateKey({}, RSA-{}, <redacted>)",
            self.role,
            self.inner.bits()
        )
    }
}

/// An RSA public key: verifies SHA256withRSA signatures and wraps RSA_AES session keys.
/// Cloning is cheap: clones share the key.
#[derive(Clone)]
pub struct PublicKey {
    inner: std::sync::Arc<dyn PublicKeyOps>,
    role: KeyRole,
    backend: Backend,
}

impl PublicKey {
    /// AlipayHK's public key, from PEM or bare base64 (SubjectPublicKeyInfo or PKCS#1).
    pub fn platform(text: &str) -> Result<Self, KeyError> {
        Self::parse(text, KeyRole::PlatformPublic)
    }

    /// A public key in the given role, from PEM or bare base64.
    pub fn parse(text: &str, role: KeyRole) -> Result<Self, KeyError> {
        Self::parse_with(text, role, Backend::default())
    }

    /// The same, on a chosen crypto backend.
    pub fn parse_with(text: &str, role: KeyRole, backend: Backend) -> Result<Self, KeyError> {
        let der = decode(text, role)?;
        der.check_size(role)?;
        if matches!(der, Der::Pkcs8(_) | Der::Pkcs1Private(_)) {
            return Err(KeyError::WrongKind {
                role,
                expected: "a public key",
                found: "a private key",
            });
        }
        let inner = backend.primitives().public_key(&der, role)?;
        Ok(Self {
            inner,
            role,
            backend,
        })
    }

    /// The backend that performs this key's operations.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The key as SubjectPublicKeyInfo PEM.
    pub fn to_pem(&self) -> String {
        armour("PUBLIC KEY", &self.inner.spki_der()).to_string()
    }

    /// Whether two keys are the same key.
    pub fn same_key_as(&self, other: &PublicKey) -> bool {
        self.inner.spki_der() == other.inner.spki_der()
    }

    /// What this key is for.
    pub fn role(&self) -> KeyRole {
        self.role
    }

    /// Whether `signature` is a valid SHA256withRSA signature of `message`.
    pub(crate) fn verify_sha256(&self, message: &[u8], signature: &[u8]) -> bool {
        self.inner.verify_sha256(message, signature)
    }

    /// Whether `signature` is a valid signature of `message` with `algorithm` (never, for
    /// SHA1withRSA in a build without the `sha1` feature).
    pub(crate) fn verify_with(
        &self,
        algorithm: crate::SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        match algorithm {
            crate::SignatureAlgorithm::Sha256WithRsa => self.verify_sha256(message, signature),
            #[cfg(feature = "sha1")]
            crate::SignatureAlgorithm::Sha1WithRsa => {
                crate::crypto::legacy_sha1::verify(&self.inner.spki_der(), message, signature)
            }
            #[cfg(not(feature = "sha1"))]
            crate::SignatureAlgorithm::Sha1WithRsa => false,
        }
    }

    /// RSAES-PKCS1-v1_5 encryption of a short secret.
    pub(crate) fn encrypt_pkcs1v15(&self, plaintext: &[u8]) -> Option<Vec<u8>> {
        self.inner.encrypt_pkcs1v15(plaintext)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({}, RSA-{})", self.role, self.inner.bits())
    }
}

/// `der` in PEM armour under `label`, 64 characters a line.
fn armour(label: &str, der: &[u8]) -> Zeroizing<String> {
    let body = Zeroizing::new(STANDARD.encode(der));
    let mut out = Zeroizing::new(format!("-----BEGIN {label}-----\n"));
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}
