//! How patient the resolver is: the merchant's deadline, how long a cancel may take, and the
//! waits between reads, which grow and are jittered.

use std::time::Duration;

/// How long and how often the resolver works on one call.
///
/// The defaults are for a payment at a counter, where a person waits. No AlipayHK page says how
/// long a payment may stay processing; they are what an experienced payments engineer would
/// choose, and why:
///
/// - `deadline` 60 s: a user at a till gives up within a minute, and the payment code they
///   showed expires soon after; past it, a payment that has not said `S` is cancelled so that
///   it can never be taken later from a user who walked away.
/// - `cancel_window` 120 s: a cancel is idempotent and cheap, so it is repeated for twice the
///   deadline before the resolver gives up and reports the call unresolved, loudly: only an
///   outage longer than that leaves a call to a person. It runs from the first cancel, so a
///   process that resumes a call long after its deadline still tries for the whole window.
/// - waits from 500 ms, doubling to at most 5 s, each jittered (half fixed, half random), so
///   that the resolvers of many payments that failed together do not inquire in lockstep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvePolicy {
    /// From the intent's writing to the cancel.
    pub deadline: Duration,
    /// From the first cancel (at the deadline, or when a resumer takes over a call past it) to
    /// giving up on the cancel.
    pub cancel_window: Duration,
    /// The first wait between two reads.
    pub initial_backoff: Duration,
    /// The longest wait.
    pub max_backoff: Duration,
}

impl Default for ResolvePolicy {
    fn default() -> Self {
        Self {
            deadline: Duration::from_secs(60),
            cancel_window: Duration::from_secs(120),
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// The shortest step of a series, whatever the policy says: a zero wait would make a call
/// that stays processing a loop of inquiries as fast as AlipayHK answers them.
const SHORTEST_WAIT: Duration = Duration::from_millis(10);

/// The waits of one call: each the next step of the exponential series, half of it fixed and
/// half random.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    next: Duration,
    max: Duration,
}

impl Backoff {
    pub(crate) fn new(policy: &ResolvePolicy) -> Self {
        let first = policy.initial_backoff.max(SHORTEST_WAIT);
        Self {
            next: first,
            max: policy.max_backoff.max(first),
        }
    }

    /// The next wait.
    pub(crate) fn wait(&mut self) -> Duration {
        let step = self.next;
        self.next = (self.next * 2).min(self.max);
        let mut random = [0u8; 8];
        crate::Backend::default()
            .primitives()
            .fill_random(&mut random);
        let fraction = u64::from_le_bytes(random) as f64 / u64::MAX as f64;
        step / 2 + step.mul_f64(fraction / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_to_the_cap_and_stay_within_half_of_each_step() {
        let policy = ResolvePolicy::default();
        let mut backoff = Backoff::new(&policy);
        let mut step = policy.initial_backoff;
        for _ in 0..10 {
            let wait = backoff.wait();
            assert!(
                wait >= step / 2 && wait <= step,
                "{wait:?} for a step of {step:?}"
            );
            step = (step * 2).min(policy.max_backoff);
        }
    }

    #[test]
    fn a_zero_wait_is_raised_to_the_shortest() {
        let policy = ResolvePolicy {
            initial_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
            ..ResolvePolicy::default()
        };
        let mut backoff = Backoff::new(&policy);
        for _ in 0..5 {
            assert!(backoff.wait() >= SHORTEST_WAIT / 2);
        }
    }
}
