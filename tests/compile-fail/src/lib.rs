//! Empty on purpose: the crate exists for its `trybuild` cases, each a program that must not
//! compile, with the error a user sees checked in beside it.
//!
//! - `attribute/`: mistakes in `#[alipayhk::endpoint]`, `#[alipayhk::object]` and
//!   `#[alipayhk::response]`, each reported at the token that caused it;
//! - `unverified/`: there is no way to reach a generated handler without the signature check;
//! - `semver/`: the generated enums can grow and the identifiers cannot be swapped.
