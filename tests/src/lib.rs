//! The workspace's cross-crate checks. This library is empty on purpose: the crate exists for
//! what sits beside it, which needs several crates at once.
//!
//! - `tests/`: end-to-end tests over 127.0.0.1 (client, gateway, webhooks, faults, restarts),
//!   drift and snapshot tests of the generated code, and the attribute macros compiled and
//!   used as a user would (`tests/attribute_macro/`); what must not compile is in the
//!   `alipayhk-compile-fail` crate;
//! - `benches/`: the signing, gateway and notification-store benchmarks (plain `main`s that
//!   print tables for the README);
//! - `kitchen-sink/`: a fixture spec using every construct, and the crate generated from it.

/// The README's Rust blocks, compiled as doc-tests of this crate (and run, unless `no_run`),
/// so a snippet a newcomer copies is one that builds.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The attribute macros' README (their crate docs), compiled here: its examples need
/// `alipayhk`, which depends on the macros crate.
#[cfg(doctest)]
#[doc = include_str!("../../codegen/macros/README.md")]
pub struct MacrosReadmeDoctests;
