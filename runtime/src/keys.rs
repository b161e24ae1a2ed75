//! RSA keys: the merchant's private key and AlipayHK's public key, from PEM or bare base64.
//!
//! AlipayHK's portal hands out keys as one line of base64 without PEM armour; tools produce
//! PEM with either the PKCS#8 or the PKCS#1 label. Both are accepted. Key material is never
//! printed: `Debug` shows only the key size, and errors name the key, never its bytes.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::crypto::{Backend, PrivateKeyOps, PublicKeyOps};
use crate::error::KeyError;

/// Which key a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRole {
    /// The merchant's private key: signs requests, unwraps keys of encrypted responses.
    MerchantPrivate,
    /// AlipayHK's public key: verifies responses, wraps keys of encrypted requests.
    PlatformPublic,
    /// The merchant's public key, as the gateway side holds it.
    MerchantPublic,
    /// AlipayHK's private key, as the gateway side holds it.
    PlatformPrivate,
}

impl fmt::Display for KeyRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::MerchantPrivate => "merchant private key",
            Self::PlatformPublic => "AlipayHK public key",
            Self::MerchantPublic => "merchant public key",
            Self::PlatformPrivate => "AlipayHK private key",
        })
    }
}

/// DER bytes and what the armour (if any) said they were.
pub(crate) enum Der {
    /// `BEGIN PRIVATE KEY` (PKCS#8).
    Pkcs8(Zeroizing<Vec<u8>>),
    /// `BEGIN RSA PRIVATE KEY` (PKCS#1).
    Pkcs1Private(Zeroizing<Vec<u8>>),
    /// `BEGIN PUBLIC KEY` (SubjectPublicKeyInfo).
    Spki(Vec<u8>),
    /// `BEGIN RSA PUBLIC KEY` (PKCS#1).
    Pkcs1Public(Vec<u8>),
    /// Bare base64: the format is found by trying each.
    Unlabelled(Zeroizing<Vec<u8>>),
}

impl Der {
    fn is_public(&self) -> bool {
        matches!(self, Self::Spki(_) | Self::Pkcs1Public(_))
    }
}

impl Der {
    fn bytes(&self) -> &[u8] {
        match self {
            Self::Pkcs8(der) | Self::Pkcs1Private(der) | Self::Unlabelled(der) => der,
            Self::Spki(der) | Self::Pkcs1Public(der) => der,
        }
    }

    /// Refuses a key below 2048 bits by name, before a backend reports it as unreadable.
    fn check_size(&self, role: KeyRole) -> Result<(), KeyError> {
        match crate::der::rsa_modulus_bits(self.bytes()) {
            Some(bits) if bits < crate::crypto::MIN_RSA_BITS => {
                Err(KeyError::TooSmall { role, bits })
            }
            _ => Ok(()),
        }
    }
}

/// Reads PEM (any of the four RSA labels) or a bare base64 string into DER. A leading
/// byte-order mark (as some Windows editors write) is ignored; an encrypted PEM is named.
pub(crate) fn decode(text: &str, role: KeyRole) -> Result<Der, KeyError> {
    let text = text.trim_start_matches('\u{feff}').trim();
    let Some(rest) = text.strip_prefix("-----BEGIN ") else {
        let compact: Zeroizing<String> =
            Zeroizing::new(text.chars().filter(|c| !c.is_whitespace()).collect());
        if compact.is_empty() {
            return Err(KeyError::Empty { role });
        }
        let der = STANDARD
            .decode(compact.as_bytes())
            .map_err(|_| KeyError::NotBase64 { role })?;
        return Ok(Der::Unlabelled(Zeroizing::new(der)));
    };
    let (label, body) = rest.split_once("-----").ok_or(KeyError::BadPem { role })?;
    // PKCS#8 `ENCRYPTED PRIVATE KEY`, or OpenSSL's legacy `Proc-Type: 4,ENCRYPTED` header.
    if label == "ENCRYPTED PRIVATE KEY" || body.contains("Proc-Type: 4,ENCRYPTED") {
        return Err(KeyError::Encrypted { role });
    }
    let end = format!("-----END {label}-----");
    let body = body
        .split(end.as_str())
        .next()
        .filter(|_| text.contains(&end))
        .ok_or(KeyError::BadPem { role })?;
    let compact: Zeroizing<String> =
        Zeroizing::new(body.chars().filter(|c| !c.is_whitespace()).collect());
    let der = Zeroizing::new(
        STANDARD
            .decode(compact.as_bytes())
            .map_err(|_| KeyError::NotBase64 { role })?,
    );
    match label {
        "PRIVATE KEY" => Ok(Der::Pkcs8(der)),
        "RSA PRIVATE KEY" => Ok(Der::Pkcs1Private(der)),
        "PUBLIC KEY" => Ok(Der::Spki(der.to_vec())),
        "RSA PUBLIC KEY" => Ok(Der::Pkcs1Public(der.to_vec())),
        other => Err(KeyError::UnsupportedLabel {
            role,
            label: other.to_owned(),
        }),
    }
}

/// An RSA private key: signs (SHA256withRSA) and unwraps RSA_AES session keys.
pub struct PrivateKey {
    pub(crate) inner: Box<dyn PrivateKeyOps>,
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
        let inner = backend.primitives().private_key(&der, role)?;
        Ok(Self {
            inner,
            role,
            backend,
        })
    }

    /// Generates a new 2048-bit key, for tests and for the local gateway.
    pub fn generate(role: KeyRole) -> Result<Self, KeyError> {
        let backend = Backend::default();
        let inner = backend.primitives().generate(role)?;
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
        pem("PRIVATE KEY", &self.inner.pkcs8_der())
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
#[derive(Clone)]
pub struct PublicKey {
    pub(crate) inner: std::sync::Arc<dyn PublicKeyOps>,
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
        pem("PUBLIC KEY", &self.inner.spki_der()).to_string()
    }

    /// Whether two keys are the same key.
    pub fn same_key_as(&self, other: &PublicKey) -> bool {
        self.inner.spki_der() == other.inner.spki_der()
    }

    /// What this key is for.
    pub fn role(&self) -> KeyRole {
        self.role
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({}, RSA-{})", self.role, self.inner.bits())
    }
}

fn pem(label: &str, der: &[u8]) -> Zeroizing<String> {
    let body = Zeroizing::new(STANDARD.encode(der));
    let mut out = Zeroizing::new(format!("-----BEGIN {label}-----\n"));
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}
