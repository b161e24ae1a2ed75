//! Key text to DER: PEM with any of the four RSA labels, or the bare base64 the AlipayHK
//! portal hands out. A leaf below the key types and the crypto backends, so neither reaches up
//! for it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::role::KeyRole;
use crate::error::KeyError;

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
    pub(crate) fn is_public(&self) -> bool {
        matches!(self, Self::Spki(_) | Self::Pkcs1Public(_))
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Self::Pkcs8(der) | Self::Pkcs1Private(der) | Self::Unlabelled(der) => der,
            Self::Spki(der) | Self::Pkcs1Public(der) => der,
        }
    }

    /// Refuses a key below 2048 bits by name, before a backend reports it as unreadable.
    pub(crate) fn check_size(&self, role: KeyRole) -> Result<(), KeyError> {
        match super::der::rsa_modulus_bits(self.bytes()) {
            Some(bits) if bits < super::der::MIN_RSA_BITS => Err(KeyError::TooSmall { role, bits }),
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
