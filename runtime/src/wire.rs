//! The protocol's fixed vocabulary, in one place for the client and the server: header
//! names, content types and how a time is written.

/// `Client-Id`: who is calling, as AlipayHK assigned it.
pub const CLIENT_ID: &str = "Client-Id";
/// `Request-Time`: when the request was signed.
pub const REQUEST_TIME: &str = "Request-Time";
/// `Response-Time`: when the response was signed.
pub const RESPONSE_TIME: &str = "Response-Time";
/// `Signature`: `algorithm=RSA256,keyVersion=N,signature=…`.
pub const SIGNATURE: &str = "Signature";
/// `Encrypt`: `algorithm=RSA_AES,keyVersion=N,symmetricKey=…`, on an encrypted body.
pub const ENCRYPT: &str = "Encrypt";
/// `Content-Type`.
pub const CONTENT_TYPE: &str = "Content-Type";
/// `Tracer-Id`: AlipayHK's ID for a request, to quote to its support.
pub const TRACER_ID: &str = "Tracer-Id";

/// The content type of a plain JSON body.
pub const JSON: &str = "application/json; charset=UTF-8";
/// The content type of an encrypted body (base64 text).
pub const ENCRYPTED: &str = "text/plain; charset=UTF-8";

/// Now as RFC 3339 with offset and whole seconds, `2024-05-22T06:42:21+00:00`, as the docs
/// write `Request-Time` and `Response-Time`.
#[cfg(any(feature = "client", feature = "server"))]
pub fn rfc3339_now() -> String {
    crate::time::rfc3339::format_utc(crate::EpochMillis::now().as_millis())
}
