//! Which key a message is about: a leaf, so errors and crypto backends can name a key without
//! depending on the key types.

use std::fmt;

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
