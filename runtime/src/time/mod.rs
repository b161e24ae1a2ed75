//! Time: [`EpochMillis`], the protocol's `Request-Time` check ([`request_time`]) and its
//! RFC 3339 text (`rfc3339`).

#[cfg(any(feature = "client", feature = "server"))]
pub mod request_time;
// Formatting serves `EpochMillis::to_rfc3339` always; parsing only the `Request-Time` check.
#[cfg_attr(not(any(feature = "client", feature = "server")), allow(dead_code))]
pub(crate) mod rfc3339;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// `now + d` on tokio's clock, or a century on when that overflows: a limit of `Duration::MAX`
/// means "never", not a panic. Shared by `serve`'s timeouts and the in-memory store.
#[cfg(feature = "server")]
pub(crate) fn instant_after(now: tokio::time::Instant, d: Duration) -> tokio::time::Instant {
    now.checked_add(d)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 86_400)))
        .unwrap_or(now)
}

/// A point in time as milliseconds since the Unix epoch, the way AlipayHK pass APIs send dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EpochMillis(pub i64);

impl EpochMillis {
    /// The current time.
    pub fn now() -> Self {
        Self::from(SystemTime::now())
    }

    /// Milliseconds since the Unix epoch.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// The time in RFC 3339 (ISO-8601) UTC with whole seconds, as the payments pages'
    /// `paymentTime` and `refundTime` give it: `2026-12-02T11:41:08Z`.
    pub fn to_rfc3339(self) -> String {
        rfc3339::format_utc(self.0)
    }
}

impl From<SystemTime> for EpochMillis {
    fn from(time: SystemTime) -> Self {
        // Times before 1970 are negative; i64 milliseconds cover ±292 million years.
        let millis = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |m| -m),
        };
        Self(millis)
    }
}

impl From<EpochMillis> for SystemTime {
    fn from(time: EpochMillis) -> Self {
        let magnitude = Duration::from_millis(time.0.unsigned_abs());
        if time.0 >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }
}

impl From<i64> for EpochMillis {
    fn from(millis: i64) -> Self {
        Self(millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways_around_the_epoch() {
        for millis in [-1_500, 0, 1_640_970_061_000] {
            let t = EpochMillis(millis);
            assert_eq!(EpochMillis::from(SystemTime::from(t)), t);
        }
    }

    #[test]
    fn serializes_as_a_bare_number() {
        assert_eq!(
            serde_json::to_string(&EpochMillis(1_640_970_061_000)).unwrap(),
            "1640970061000"
        );
    }
}
