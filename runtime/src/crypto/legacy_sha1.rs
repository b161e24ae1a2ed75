//! SHA1withRSA (RSASSA-PKCS1-v1_5 with SHA-1), for the v1 endpoints whose signing page
//! requires it (HK Auto Debit), on every backend.
//!
//! aws-lc-rs verifies SHA-1 signatures (as legacy) but has no API to make one, so both
//! directions use the `rsa` crate here whatever the key's backend: one implementation of a
//! legacy algorithm, rather than two that could disagree. The key is parsed from its DER on
//! each call; SHA-1 endpoints are few and slow-moving, and caching it would keep a second copy
//! of the private key alive.

use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use sha1::Sha1;

/// The SHA1withRSA signature of `message` by the PKCS#8 key `pkcs8_der`; `None` only when
/// the DER is not an RSA key (which a loaded key's never is).
pub(crate) fn sign(pkcs8_der: &[u8], message: &[u8]) -> Option<Vec<u8>> {
    let key = rsa::PrivateKey::from_pkcs8_der(pkcs8_der).ok()?;
    key.pkcs1v15_sign::<Sha1>(message).ok()
}

/// Whether `signature` is a SHA1withRSA signature of `message` by the key `spki_der`.
pub(crate) fn verify(spki_der: &[u8], message: &[u8], signature: &[u8]) -> bool {
    rsa::PublicKey::from_public_key_der(spki_der)
        .is_ok_and(|key| key.pkcs1v15_verify::<Sha1>(message, signature).is_ok())
}
