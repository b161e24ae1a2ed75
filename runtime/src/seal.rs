//! The two halves of the protocol that both sides perform, written once: *seal* a body
//! (encrypt it for the peer when asked; sign what is sent) and *open* one (decrypt it when it
//! came encrypted). The client seals requests and opens responses; the server opens requests
//! and seals responses.

use std::borrow::Cow;

use zeroize::Zeroizing;

use crate::encrypt::{BodyCipher, DecryptionFailed};
use crate::keys::{PrivateKey, PublicKey};
use crate::sign::{SignatureHeader, SignedContent};
use crate::wire;

/// A body ready to sign: the bytes to send, their content type, and the `Encrypt` header when
/// they are ciphertext.
pub(crate) struct SealedBody {
    pub(crate) body: Vec<u8>,
    pub(crate) content_type: &'static str,
    pub(crate) encrypt: Option<String>,
}

impl SealedBody {
    /// The headers that describe the body (`Content-Type`, and `Encrypt` when there is one),
    /// and the body.
    pub(crate) fn into_parts(self) -> (Vec<(&'static str, String)>, Vec<u8>) {
        let mut headers = vec![(wire::CONTENT_TYPE, self.content_type.to_owned())];
        headers.extend(self.encrypt.map(|value| (wire::ENCRYPT, value)));
        (headers, self.body)
    }
}

/// Encrypts `plain` for `recipient` with `cipher` when `encrypt` is set; JSON as it is
/// otherwise.
pub(crate) fn seal_body(
    cipher: &dyn BodyCipher,
    recipient: &PublicKey,
    key_version: &str,
    plain: Vec<u8>,
    encrypt: bool,
) -> SealedBody {
    if encrypt {
        let sealed = cipher.encrypt(recipient, key_version, &plain);
        SealedBody {
            body: sealed.body,
            content_type: wire::ENCRYPTED,
            encrypt: Some(sealed.header),
        }
    } else {
        SealedBody {
            body: plain,
            content_type: wire::JSON,
            encrypt: None,
        }
    }
}

/// The `Signature` header value for `content`, signed with `key`.
pub(crate) fn signature_header(
    key: &PrivateKey,
    key_version: &str,
    content: SignedContent<'_>,
) -> String {
    SignatureHeader::new(key_version, content.sign(key)).to_header_value()
}

/// The plaintext of a received body: decrypted with `own` when it came with an `Encrypt`
/// header, borrowed as it is otherwise.
pub(crate) fn open_body<'a>(
    cipher: &dyn BodyCipher,
    own: &PrivateKey,
    encrypt: Option<&str>,
    body: &'a [u8],
) -> Result<Cow<'a, [u8]>, DecryptionFailed> {
    match encrypt {
        Some(header) => {
            let plain: Zeroizing<Vec<u8>> = cipher.decrypt(own, header, body)?;
            Ok(Cow::Owned(plain.to_vec()))
        }
        None => Ok(Cow::Borrowed(body)),
    }
}
