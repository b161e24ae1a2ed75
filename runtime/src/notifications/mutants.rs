//! Deliberately broken behaviours, for the exactly-once proof to show that it catches them
//! (`scripts/exactly_once.sh`). Compiled only with the feature `proof-mutants`, and active only
//! when `ALIPAYHK_PROOF_MUTANT` names one; never enable it in a service.
//!
//! A check that has never failed is not evidence: each mutant removes one of the things the
//! proof claims to rely on, and the proof must report a loss, a double or an unexplained
//! re-run when it runs against it.

/// One broken behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mutant {
    /// `PostgresStore::claim` takes every key, answered or held: nothing is de-duplicated.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    NoDedup,
    /// `PostgresStore`'s fenced statements (renew, complete, release, and the handler
    /// transaction's commit) ignore the token.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    IgnoreFence,
    /// `PostgresStore`'s tokens count from 1 per record, as a per-key counter would, instead
    /// of starting at the database clock: a record lost and claimed again repeats a token.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    TokenRestart,
    /// The supervisor never renews a claim, and never notices that it lost one.
    NoRenewal,
    /// A stopped handler's claim is released without waiting for its task to end.
    ReleaseUnawaited,
}

#[cfg(feature = "proof-mutants")]
pub(crate) fn active(mutant: Mutant) -> bool {
    use std::sync::OnceLock;
    static ACTIVE: OnceLock<Option<Mutant>> = OnceLock::new();
    let active = ACTIVE.get_or_init(|| {
        let name = std::env::var("ALIPAYHK_PROOF_MUTANT").ok()?;
        let mutant = match name.as_str() {
            "no-dedup" => Mutant::NoDedup,
            "ignore-fence" => Mutant::IgnoreFence,
            "token-restart" => Mutant::TokenRestart,
            "no-renewal" => Mutant::NoRenewal,
            "release-unawaited" => Mutant::ReleaseUnawaited,
            _ => return None,
        };
        tracing::error!(
            ?mutant,
            "a deliberately broken notification store is active (ALIPAYHK_PROOF_MUTANT)"
        );
        Some(mutant)
    });
    *active == Some(mutant)
}

#[cfg(not(feature = "proof-mutants"))]
pub(crate) const fn active(_: Mutant) -> bool {
    false
}
