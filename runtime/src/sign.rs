//! Request and response signatures, as pure functions over bytes: [`SignedContent`] says
//! what is signed, in both directions.
//!
//! The content to sign is `METHOD SP path LF client-id "." time "." body`, hashed with SHA-256
//! and signed with RSASSA-PKCS1-v1_5. The signature travels base64-encoded (with padding), then
//! URL-encoded, in `Signature: algorithm=RSA256,keyVersion=N,signature=...`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::error::{HeaderError, SignatureMismatch};
use crate::keys::{PrivateKey, PublicKey};

/// What form-style URL encoding (Java's `URLEncoder`) leaves alone.
pub(crate) const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'*');

/// What a signature covers: `METHOD SP path LF client-id "." time "." body`. One value for
/// both directions, so the client and the server cannot assemble it differently.
///
/// `path` is the request path without query string; `time` is the `Request-Time` (or
/// `Response-Time`) header value exactly as sent; `body` is the exact body bytes sent (the
/// ciphertext, when the body is encrypted). A response is signed over its request's method
/// and path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedContent<'a> {
    /// The HTTP method, upper case.
    pub method: &'a str,
    /// The path, without query string.
    pub path: &'a str,
    /// The `Client-Id`.
    pub client_id: &'a str,
    /// The `Request-Time` or `Response-Time`, as sent.
    pub time: &'a str,
    /// The body bytes, as sent.
    pub body: &'a [u8],
}

impl SignedContent<'_> {
    /// The exact bytes that are signed.
    pub fn to_bytes(&self) -> Vec<u8> {
        let Self {
            method,
            path,
            client_id,
            time,
            body,
        } = *self;
        let mut content = Vec::with_capacity(
            method.len() + path.len() + client_id.len() + time.len() + body.len() + 4,
        );
        content.extend_from_slice(method.as_bytes());
        content.push(b' ');
        content.extend_from_slice(path.as_bytes());
        content.push(b'\n');
        content.extend_from_slice(client_id.as_bytes());
        content.push(b'.');
        content.extend_from_slice(time.as_bytes());
        content.push(b'.');
        content.extend_from_slice(body);
        content
    }

    /// Signs the content with `key` (SHA256withRSA); the raw signature bytes.
    pub fn sign(&self, key: &PrivateKey) -> Vec<u8> {
        key.sign_sha256(&self.to_bytes())
    }

    /// Verifies a raw signature over the content with `key`.
    pub fn verify(&self, key: &PublicKey, signature: &[u8]) -> Result<(), SignatureMismatch> {
        if key.verify_sha256(&self.to_bytes(), signature) {
            Ok(())
        } else {
            Err(SignatureMismatch { role: key.role() })
        }
    }
}

/// The `Signature` header: algorithm, key version and signature bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    /// The key version, when given; the gateway uses the latest key when it is absent.
    pub key_version: Option<String>,
    /// The raw signature bytes.
    pub signature: Vec<u8>,
}

impl SignatureHeader {
    /// A header for a signature made with key version `key_version`.
    pub fn new(key_version: impl Into<String>, signature: Vec<u8>) -> Self {
        Self {
            key_version: Some(key_version.into()),
            signature,
        }
    }

    /// The header value: `algorithm=RSA256,keyVersion=N,signature=<url-encoded base64>`.
    pub fn to_header_value(&self) -> String {
        let encoded = STANDARD.encode(&self.signature);
        let escaped = utf8_percent_encode(&encoded, FORM);
        match &self.key_version {
            Some(version) => format!("algorithm=RSA256,keyVersion={version},signature={escaped}"),
            None => format!("algorithm=RSA256,signature={escaped}"),
        }
    }

    /// Reads a header value. Accepts `, ` as well as `,` between items, either percent-hex
    /// case, and a raw (not URL-encoded) base64 signature; splits each item on its first `=`.
    pub fn parse(value: &str) -> Result<Self, HeaderError> {
        const HEADER: &str = "Signature";
        let mut algorithm = None;
        let mut key_version = None;
        let mut signature = None;
        for (key, item_value) in key_values(HEADER, value)? {
            match key {
                "algorithm" => algorithm = Some(item_value),
                "keyVersion" => key_version = Some(item_value.to_owned()),
                "signature" => signature = Some(item_value),
                _ => {}
            }
        }
        // AlipayHK's pages say `algorithm` defaults to RSA256 when omitted, and some show it
        // as `sha256withrsa`: all three mean SHA256withRSA. Anything else is refused by name.
        if let Some(algorithm) = algorithm
            && !is_rsa256(algorithm)
        {
            return Err(HeaderError::UnsupportedAlgorithm {
                header: HEADER,
                algorithm: algorithm.chars().take(40).collect(),
                expected: "RSA256 (or SHA256withRSA)",
            });
        }
        let signature = signature.ok_or(HeaderError::Missing {
            header: HEADER,
            key: "signature",
        })?;
        let signature = decode_base64_item(HEADER, "signature", signature)?;
        Ok(Self {
            key_version,
            signature,
        })
    }
}

/// Checks a value that goes into a header and into `Signature`'s `key=value,…` list (a
/// `Client-Id`, a `keyVersion`): printable ASCII without spaces, `,` or `=`, so it can neither
/// break the header nor add an item to it. Says why not.
pub fn check_header_item(value: &str) -> Result<(), &'static str> {
    if value.is_empty() {
        Err("it is empty")
    } else if value.bytes().any(|b| b.is_ascii_control()) {
        Err("it contains a control character (such as CR or LF)")
    } else if value.bytes().any(|b| b == b',' || b == b'=') {
        Err("it contains `,` or `=`, which would add an item to the Signature header")
    } else if !value.bytes().all(|b| b.is_ascii_graphic()) {
        Err("it contains a space or a non-ASCII character")
    } else {
        Ok(())
    }
}

/// Whether `algorithm` names SHA256withRSA, in any of the spellings AlipayHK's pages use.
fn is_rsa256(algorithm: &str) -> bool {
    ["RSA256", "SHA256withRSA"]
        .iter()
        .any(|name| algorithm.eq_ignore_ascii_case(name))
}

/// Splits `k=v,k=v` (with optional spaces) into pairs, each on its first `=`.
pub(crate) fn key_values<'a>(
    header: &'static str,
    value: &'a str,
) -> Result<Vec<(&'a str, &'a str)>, HeaderError> {
    value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.split_once('=')
                .map(|(k, v)| (k.trim(), v.trim()))
                .ok_or_else(|| HeaderError::NotKeyValue {
                    header,
                    item: item.to_owned(),
                })
        })
        .collect()
}

/// Percent-decodes (without turning `+` into a space, so raw base64 survives), then
/// base64-decodes.
pub(crate) fn decode_base64_item(
    header: &'static str,
    key: &'static str,
    value: &str,
) -> Result<Vec<u8>, HeaderError> {
    let bad = || HeaderError::BadValue { header, key };
    let decoded = percent_decode_str(value).decode_utf8().map_err(|_| bad())?;
    STANDARD.decode(decoded.as_bytes()).map_err(|_| bad())
}

/// Base64, then form-style URL encoding, as header values carry binary items.
pub(crate) fn encode_base64_item(bytes: &[u8]) -> String {
    utf8_percent_encode(&STANDARD.encode(bytes), FORM).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_byte_exact() {
        let content = SignedContent {
            method: "POST",
            path: "/a/b",
            client_id: "C1",
            time: "2024-05-22T06:42:21+05:30",
            body: "{\"k\":\"é\"}".as_bytes(),
        }
        .to_bytes();
        assert_eq!(
            content,
            "POST /a/b\nC1.2024-05-22T06:42:21+05:30.{\"k\":\"é\"}".as_bytes()
        );
    }

    #[test]
    fn header_round_trips_and_accepts_every_documented_variant() {
        let header = SignatureHeader::new("1", vec![0xfb, 0xff, 0xfe, 0x00]);
        let value = header.to_header_value();
        assert_eq!(
            value,
            "algorithm=RSA256,keyVersion=1,signature=%2B%2F%2F%2BAA%3D%3D"
        );
        assert_eq!(SignatureHeader::parse(&value).unwrap(), header);
        for variant in [
            "algorithm=RSA256, keyVersion=1, signature=%2b%2f%2f%2bAA%3d%3d",
            "signature=+//+AA==,algorithm=rsa256,keyVersion=1",
            " algorithm = RSA256 ,keyVersion=1,signature=%2B%2F%2F%2BAA%3D%3D, extra=ignored",
            // No algorithm means RSA256; the SHA256withRSA spelling is the same algorithm.
            "keyVersion=1,signature=%2B%2F%2F%2BAA%3D%3D",
            "algorithm=sha256withrsa,keyVersion=1,signature=%2B%2F%2F%2BAA%3D%3D",
            "algorithm=SHA256withRSA,keyVersion=1,signature=%2B%2F%2F%2BAA%3D%3D",
        ] {
            assert_eq!(
                SignatureHeader::parse(variant).unwrap(),
                header,
                "{variant}"
            );
        }
    }

    #[test]
    fn header_errors_are_specific() {
        assert_eq!(
            SignatureHeader::parse("algorithm=RSA256,keyVersion=1").unwrap_err(),
            HeaderError::Missing {
                header: "Signature",
                key: "signature"
            }
        );
        assert_eq!(
            SignatureHeader::parse("algorithm=ECC224,signature=AA%3D%3D").unwrap_err(),
            HeaderError::UnsupportedAlgorithm {
                header: "Signature",
                algorithm: "ECC224".into(),
                expected: "RSA256 (or SHA256withRSA)"
            }
        );
        assert!(matches!(
            SignatureHeader::parse("algorithm=RSA256,garbage").unwrap_err(),
            HeaderError::NotKeyValue { .. }
        ));
        assert!(matches!(
            SignatureHeader::parse("algorithm=RSA256,signature=%%%").unwrap_err(),
            HeaderError::BadValue { .. }
        ));
    }
}
