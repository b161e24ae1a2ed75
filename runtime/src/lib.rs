//! Runtime for the generated `alipayhk` client.
//!
//! This crate holds what every generated endpoint relies on: the [`Endpoint`] trait that
//! describes a request, the [`Validate`] trait and its typed [`Violation`]s, the protocol's
//! result object ([`ResultInfo`], [`ResultStatus`]) and the wire time type [`EpochMillis`].
//!
//! Most users depend on the generated `alipayhk` crate, which re-exports these items.

mod endpoint;
mod result;
mod time;
pub mod validation;

pub use endpoint::{Endpoint, HttpMethod};
pub use result::{ResultCode, ResultInfo, ResultStatus};
pub use time::EpochMillis;
pub use validation::{FieldPath, Rule, Validate, ValidationError, Violation};

// Generated code names these through the runtime, so users need no direct dependency.
pub use serde;
pub use serde_json;
