//! Runtime for the generated `alipayhk` client.
//!
//! - [`Endpoint`], [`Validate`] and the protocol's result object ([`ResultInfo`],
//!   [`ResultStatus`]): what every generated endpoint implements and carries;
//! - [`sign`]: the content to sign, SHA256withRSA signatures and the [`SignatureHeader`], as
//!   pure functions over bytes;
//! - [`Protocol`]: which wire protocol an endpoint speaks; [`head_body`] is the v1
//!   `{"request": {"head", "body"}, "signature"}` envelope, signed over the exact bytes sent;
//! - [`keys`]: the merchant's private key and AlipayHK's public key, from PEM or bare base64;
//! - [`encrypt`]: RSA_AES message encryption (experimental);
//! - [`Client`]: validate, serialize once, sign, send over rustls, verify, decrypt, parse, and
//!   map S / F / U to `Ok`, [`Error::Failed`] and [`Error::Unknown`]; [`retry`] resolves unknown
//!   outcomes by re-sending the same request, and [`resolve`] settles them by the spec's
//!   procedure (inquire, cancel at the deadline), written to an intent store before the first
//!   send so that a crash forgets nothing.
//! - [`server`] (feature `server`): the same protocol for the serving side, as an axum
//!   middleware that checks `Client-Id`, [`request_time`] and the signature;
//!   [`notifications`] runs each AlipayHK notification exactly once through a fenced store
//!   (in memory; `SqliteStore`, `PostgresStore`, `RedisStore` with their features); [`server::serve`] serves a
//!   router with header-read and idle timeouts and a connection cap;
//! - [`keys::files`]: private key files written 0600, with a warning for ones others can read.
//!
//! Most users depend on the generated `alipayhk` crate, which re-exports these items.
//!
//! **Names.** [`sign::SignedContent`] is what a signature covers, in both directions;
//! [`wire`] holds the protocol's header names, content types and time format; the private
//! `seal` module encrypts-and-signs and decrypts for the client and the server alike.
//! "Server" means only the serving side of the protocol ([`server`], with its listener [`server::serve`]); the
//! AlipayHK side of the API in the generated crate is `platform`.
//!
//! **Errors.** What a call can fail with ([`Error`], [`ProtocolError`], [`KeyError`],
//! [`HeaderError`], …) lives in one module and is re-exported here. An error that only one
//! module's functions return lives beside them: `ClientBuilder::build`'s [`BuildError`],
//! `server::Rejection`, `notifications::StoreError`, `request_time::StaleMessage`,
//! `keys::files::KeyFileError`.

// docs.rs builds with `--cfg docsrs`: items behind a feature show which one.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "client")]
mod client;
mod crypto;
pub mod encrypt;
mod endpoint;
mod error;
pub mod head_body;
pub mod keys;
#[cfg(feature = "server")]
pub mod notifications;
mod protocol;
#[cfg(any(feature = "client", feature = "server"))]
pub use time::request_time;
pub mod resolve;
mod result;
#[cfg(feature = "client")]
pub mod retry;
#[cfg(any(feature = "client", feature = "server"))]
mod seal;
#[cfg(feature = "server")]
pub mod server;
pub mod sign;
// The values the notification and intent stores share (keys, fence tokens, store errors).
#[cfg_attr(not(feature = "server"), allow(dead_code))]
mod store_values;
mod time;
mod unknown_value;
pub mod validation;
pub mod wire;

#[cfg(feature = "client")]
pub use client::{
    BuildError, Client, ClientBuilder, DEFAULT_USER_AGENT, PRODUCTION_BASE_URL, RequestTimeFormat,
    SignedRequest,
};
pub use crypto::Backend;
pub use endpoint::{Endpoint, HttpMethod, Idempotency};
pub use error::{Error, HeaderError, KeyError, ProtocolError, SignatureMismatch, UnknownReason};
pub use keys::{KeyRole, PrivateKey, PublicKey};
pub use protocol::{
    HeadBody, HeadBodyRules, Protocol, SignatureAlgorithm, SignatureEncoding, SignedPart,
};
/// The HTTP stack, for [`ClientBuilder::http_client`] and [`ClientBuilder::proxy`]: the same
/// version the runtime is built with.
#[cfg(feature = "client")]
pub use reqwest;
pub use result::{ResultCode, ResultInfo, ResultStatus};
#[cfg(feature = "client")]
pub use retry::{Resolved, RetryPolicy};
pub use sign::SignatureHeader;
pub use time::EpochMillis;
pub use unknown_value::UnknownValue;
pub use validation::{Basis, FieldPath, Rule, Strictness, Validate, ValidationError, Violation};

// Generated code names these through the runtime, so users need no direct dependency.
pub use serde;
pub use serde_json;
