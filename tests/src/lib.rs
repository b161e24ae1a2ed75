//! The workspace's cross-crate checks. This library is empty on purpose: the crate exists for
//! what sits beside it, which needs several crates at once.
//!
//! - `tests/`: end-to-end tests over 127.0.0.1 (client, gateway, webhooks, faults, restarts),
//!   drift and snapshot tests of the generated code, and the attribute macros compiled and
//!   used as a user would (`tests/attribute_macro/`); what must not compile is in the
//!   `alipayhk-compile-fail` crate;
//! - `benches/`: the signing, gateway and notification-store benchmarks (plain `main`s that
//!   print the tables of `docs/performance.md`);
//! - `kitchen-sink/`: a fixture spec using every construct, and the crate generated from it.

/// The README's Rust blocks, compiled as doc-tests of this crate (and run, unless `no_run`),
/// so a snippet a newcomer copies is one that builds.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The guide's pages in `docs/`, one item each, compiled and run the same way.
#[cfg(doctest)]
#[doc = include_str!("../../docs/families.md")]
pub struct FamiliesDoctests;

/// `docs/client.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/client.md")]
pub struct ClientDoctests;

/// `docs/webhooks.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/webhooks.md")]
pub struct WebhooksDoctests;

/// `docs/payments.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/payments.md")]
pub struct PaymentsDoctests;

/// `docs/reliability.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/reliability.md")]
pub struct ReliabilityDoctests;

/// `docs/gateway.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/gateway.md")]
pub struct GatewayDoctests;

/// `docs/performance.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/performance.md")]
pub struct PerformanceDoctests;

/// `docs/generator.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/generator.md")]
pub struct GeneratorDoctests;

/// `docs/contributing.md`.
#[cfg(doctest)]
#[doc = include_str!("../../docs/contributing.md")]
pub struct ContributingDoctests;

/// The crate READMEs crates.io shows. Their crates' docs do not include them, so their
/// examples are compiled here, with every crate of the workspace at hand.
#[cfg(doctest)]
#[doc = include_str!("../../generated/README.md")]
pub struct AlipayhkReadmeDoctests;

/// `runtime/README.md`.
#[cfg(doctest)]
#[doc = include_str!("../../runtime/README.md")]
pub struct RuntimeReadmeDoctests;

/// `runtime/cli/README.md`.
#[cfg(doctest)]
#[doc = include_str!("../../runtime/cli/README.md")]
pub struct CliReadmeDoctests;

/// `gateway/README.md`.
#[cfg(doctest)]
#[doc = include_str!("../../gateway/README.md")]
pub struct GatewayReadmeDoctests;

/// `codegen/README.md`.
#[cfg(doctest)]
#[doc = include_str!("../../codegen/README.md")]
pub struct CodegenReadmeDoctests;

/// The attribute macros' README (their crate docs), compiled here: its examples need
/// `alipayhk`, which depends on the macros crate.
#[cfg(doctest)]
#[doc = include_str!("../../codegen/macros/README.md")]
pub struct MacrosReadmeDoctests;
