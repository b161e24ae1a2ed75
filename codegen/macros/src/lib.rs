//! Attributes that turn a plain Rust struct into an AlipayHK endpoint, exactly as
//! `alipayhk-codegen` would from a YAML spec: the struct is read into the generator's own raw
//! documents, checked by its model (same rules, same messages) and emitted by its emitter.
//! Use them through the `alipayhk` crate, which re-exports them.
//!
//! # `#[alipayhk::endpoint(...)]`, on the request struct
//!
//! ```
//! use alipayhk::runtime::{EpochMillis, ResultInfo};
//!
//! /// Points a member holds.
//! #[alipayhk::endpoint(
//!     path = "/api/open/alipay/v1/merchant/points/query",
//!     response = QueryPointsResponse,
//!     result_codes(
//!         SUCCESS(S, "Success"),
//!         PARAM_ILLEGAL(F, "Illegal parameters"),
//!         UNKNOWN_EXCEPTION(U, "Unknown outcome; ask again"),
//!     ),
//! )]
//! #[alipayhk(exactly_one_of(user_id, open_id))]
//! pub struct QueryPointsRequest {
//!     /// The merchant's AlipayHK ID.
//!     #[alipayhk(max_length = 64)]
//!     pub merchant_id: String,
//!     /// The AlipayHK user.
//!     #[alipayhk(max_length = 32)]
//!     pub user_id: Option<String>,
//!     /// The user, as authorised for this merchant.
//!     #[alipayhk(max_length = 32)]
//!     pub open_id: Option<String>,
//!     /// Only points earned since then.
//!     #[alipayhk(minimum = 0)]
//!     pub since: Option<EpochMillis>,
//! }
//!
//! /// The answer.
//! #[alipayhk::response]
//! pub struct QueryPointsResponse {
//!     /// The outcome.
//!     #[alipayhk(alias = "resultInfo")]
//!     pub result: ResultInfo,
//!     /// Points held.
//!     pub points: Option<i64>,
//! }
//!
//! use alipayhk::runtime::{Endpoint, Validate};
//! let request = QueryPointsRequest::new("2160120000000001").user_id("2160220000000002");
//! assert!(request.validate().is_ok());
//! assert_eq!(QueryPointsRequest::NAME, "queryPoints");
//! assert!(QueryPointsRequest::new("2160120000000001").validate().is_err());
//! ```
//!
//! The struct is replaced by the generated one: the same fields, plus `new(...)` taking the
//! required (non-`Option`) fields, a setter per optional field, `Validate`, serde with the
//! wire names, and `Endpoint`. It must be named `<Endpoint>Request`; the endpoint's name
//! (`queryPoints` above) and its result-code enum (`QueryPointsResultCode`) derive from it.
//!
//! | Argument | Meaning |
//! |---|---|
//! | `path = "/api/..."` | The request path (required; no query string). |
//! | `method = "POST"` | The HTTP method; `POST`, the only one AlipayHK uses, by default. |
//! | `response = Type` | The response body: a `#[alipayhk::response]` struct, or any `serde::Deserialize + Debug` type. |
//! | `result_codes(CODE(S, "message"), …)` | The documented codes with their status `S`, `F` or `U`; emitted as `<Endpoint>ResultCode`. |
//! | `result_codes = Type` | Instead, an existing result-code type (one implementing `alipayhk::runtime::ResultCode`), such as another endpoint's. |
//! | `summary = "..."` | One line naming the endpoint. |
//!
//! # Field and struct options
//!
//! Doc comments become the generated docs. Wire names are the fields' names in
//! lowerCamelCase (`merchant_id` → `merchantId`). Field types are `String`, `i64`, `f64`,
//! `bool`, `EpochMillis`, `serde_json::Value`, `ResultInfo`, `Vec<_>`, `BTreeMap<String, _>`,
//! a type of yours (which, in a request, must implement `Validate`: use
//! `#[alipayhk::object]`), or any of these in `Option<_>` for an optional field.
//!
//! | On a field | Meaning |
//! |---|---|
//! | `#[alipayhk(rename = "wireName")]` | A wire name that is not the field's name in lowerCamelCase; the field must then be the wire name in snake_case. |
//! | `#[alipayhk(alias = "other")]` | Another name accepted when reading (repeatable). |
//! | `#[alipayhk(max_length = 64, min_length = 1)]` | Length limits of a string, in characters. |
//! | `#[alipayhk(identifier)]` | The field's type is a string newtype, such as `alipayhk::MerchantId` or one of yours with `as_str()` and `From<&str>`: `new` and setters take `impl Into<T>`, and length limits apply to its text. |
//! | `#[alipayhk(minimum = 0, maximum = 100)]` | Limits of a number or timestamp. |
//! | `#[alipayhk(nullable)]` | May be an explicit `null`. |
//! | `#[alipayhk(values(CLOSED = "Close it", UPDATE, "EAN-13"))]` | The field's type is an enum the attribute writes, with these wire values (and optional docs). |
//! | `#[alipayhk(sample = "2160120000000001")]` | An example value, shown in the docs. |
//!
//! | On the struct | Meaning |
//! |---|---|
//! | `#[alipayhk(exactly_one_of(a, b))]` | Exactly one of the optional fields `a`, `b` is set. |
//! | `#[alipayhk(at_least_one_of(a, b))]` | At least one is set. |
//! | `#[alipayhk(required_when(field, other = "VALUE"))]` | `field` is required when `other` (an enum, string or bool field) has that value. |
//!
//! ```
//! #[alipayhk::endpoint(
//!     path = "/api/open/alipay/v1/merchant/card/close",
//!     response = CloseCardResponse,
//!     result_codes = alipayhk::PassResultCode,
//! )]
//! #[alipayhk(required_when(reason, status = "CLOSED"))]
//! pub struct CloseCardRequest {
//!     /// What to do.
//!     #[alipayhk(values(CLOSED = "Close the card.", FROZEN))]
//!     pub status: CardStatus,
//!     /// Why; required when closing.
//!     #[alipayhk(max_length = 128)]
//!     pub reason: Option<String>,
//! }
//!
//! /// Any serde type works as a response.
//! #[derive(Debug, alipayhk::runtime::serde::Deserialize)]
//! #[serde(crate = "alipayhk::runtime::serde")]
//! pub struct CloseCardResponse {
//!     result: alipayhk::runtime::ResultInfo,
//! }
//!
//! use alipayhk::runtime::Validate;
//! assert!(CloseCardRequest::new(CardStatus::Closed).validate().is_err());
//! assert!(CloseCardRequest::new(CardStatus::Frozen).validate().is_ok());
//! ```
//!
//! # `#[alipayhk::object]` and `#[alipayhk::response]`
//!
//! The same field and struct options, for a nested object sent in requests (validated, with
//! closed enums) or for a response body (never validated; its enums keep values this version
//! does not know as `Unknown(String)`).
//!
//! # Mistakes
//!
//! A mistake is one compile error at the token that caused it, saying what is allowed, with
//! the struct left in place so the rest of the crate does not report errors of its own:
//!
//! ```compile_fail
//! #[alipayhk::endpoint(path = "/api/x", response = XResponse, result_codes(SUCCESS(S, "ok")))]
//! pub struct XRequest {
//!     #[alipayhk(maxlen = 64)] // unknown option `maxlen`, expected one of: rename, alias, max_length, …
//!     pub merchant_id: String,
//! }
//! # #[alipayhk::response] pub struct XResponse { pub result: alipayhk::runtime::ResultInfo }
//! ```

use alipayhk_codegen::emit::EmitOptions;
use alipayhk_codegen::model::ObjectRole;
use proc_macro::TokenStream;

/// Turns a request struct into an endpoint; see the [crate docs](crate).
#[proc_macro_attribute]
pub fn endpoint(args: TokenStream, item: TokenStream) -> TokenStream {
    alipayhk_codegen::attribute::endpoint(args.into(), item.into(), &options()).into()
}

/// Turns a struct into an object sent in requests: validated, with closed enums; see the
/// [crate docs](crate).
#[proc_macro_attribute]
pub fn object(args: TokenStream, item: TokenStream) -> TokenStream {
    alipayhk_codegen::attribute::object(args.into(), item.into(), ObjectRole::Request, &options())
        .into()
}

/// Turns a struct into a response body: open enums, no validation; see the
/// [crate docs](crate).
#[proc_macro_attribute]
pub fn response(args: TokenStream, item: TokenStream) -> TokenStream {
    alipayhk_codegen::attribute::object(args.into(), item.into(), ObjectRole::Response, &options())
        .into()
}

/// Expansions name the runtime through `alipayhk`, the one crate users depend on.
fn options() -> EmitOptions {
    EmitOptions {
        runtime: alipayhk_codegen::emit::runtime_path("::alipayhk::runtime"),
        serde_crate: Some("::alipayhk::runtime::serde".to_owned()),
        ..Default::default()
    }
}
