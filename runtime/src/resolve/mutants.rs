//! Deliberately broken resolvers and intent stores, for the payments simulation and the tests
//! of the `reached` rule, of `settles` and of the intent stores' contract to show that they
//! catch them (`scripts/payments_in_doubt.sh`, `scripts/test.sh`). Compiled only with the feature `proof-mutants`, and
//! active only when `ALIPAYHK_PROOF_MUTANT` names one; never enable it in a service.

/// One broken behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mutant {
    /// The intent is written after the first send, not before: a crash in between forgets a
    /// call that may have happened.
    #[cfg_attr(not(feature = "client"), allow(dead_code))]
    WriteAfterSend,
    /// An unknown answer to the call is taken as a failure, without reading the outcome.
    #[cfg_attr(not(feature = "client"), allow(dead_code))]
    UnknownIsFailure,
    /// At the deadline the call is reported unresolved instead of cancelled.
    #[cfg_attr(not(feature = "client"), allow(dead_code))]
    NoCancel,
    /// A call settled by the state it sets (`reached`) is sent again without reading it.
    #[cfg_attr(not(feature = "client"), allow(dead_code))]
    BlindResend,
    /// A notification that settles a call (`settles`) is dropped.
    #[cfg_attr(not(feature = "client"), allow(dead_code))]
    NotificationIgnored,
    /// `PostgresIntentStore::claim_due` selects due intents without locking them, so two
    /// resumers can take the same one.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    ClaimUnlocked,
}

#[cfg(feature = "proof-mutants")]
pub(crate) fn active(mutant: Mutant) -> bool {
    use std::sync::OnceLock;
    static ACTIVE: OnceLock<Option<Mutant>> = OnceLock::new();
    let active = ACTIVE.get_or_init(|| {
        let mutant = match std::env::var("ALIPAYHK_PROOF_MUTANT").ok()?.as_str() {
            "write-after-send" => Mutant::WriteAfterSend,
            "unknown-is-failure" => Mutant::UnknownIsFailure,
            "no-cancel" => Mutant::NoCancel,
            "blind-resend" => Mutant::BlindResend,
            "notification-ignored" => Mutant::NotificationIgnored,
            "claim-unlocked" => Mutant::ClaimUnlocked,
            _ => return None,
        };
        tracing::error!(
            ?mutant,
            "a deliberately broken resolver is active (ALIPAYHK_PROOF_MUTANT)"
        );
        Some(mutant)
    });
    *active == Some(mutant)
}

#[cfg(not(feature = "proof-mutants"))]
pub(crate) const fn active(_: Mutant) -> bool {
    false
}
