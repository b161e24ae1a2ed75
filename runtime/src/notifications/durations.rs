//! The durations every store and router is built on: AlipayHK's re-delivery schedule, and the
//! default retention and lease derived from it.

use std::time::Duration;

/// The waits between AlipayHK's deliveries of one notification, until one is answered `S`:
/// 2 min, 10 min, 10 min, 1 h, 2 h, 6 h and 15 h; 24 h 22 min in all
/// ([`ALIPAYHK_RETRY_SPAN`]).
pub const ALIPAYHK_REDELIVERY: [Duration; 7] = [
    Duration::from_secs(2 * 60),
    Duration::from_secs(10 * 60),
    Duration::from_secs(10 * 60),
    Duration::from_secs(3600),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(6 * 3600),
    Duration::from_secs(15 * 3600),
];

/// How long AlipayHK keeps re-delivering: the sum of [`ALIPAYHK_REDELIVERY`], 24 h 22 min.
pub const ALIPAYHK_RETRY_SPAN: Duration = {
    let mut seconds = 0;
    let mut i = 0;
    while i < ALIPAYHK_REDELIVERY.len() {
        seconds += ALIPAYHK_REDELIVERY[i].as_secs();
        i += 1;
    }
    Duration::from_secs(seconds)
};

/// The default retention of every store shipped: 50 hours, more than AlipayHK's retry span
/// (24 h 22 min), the default maximum age of a notification (25 h) and the allowed clock skew
/// (5 min) together. A record then outlives every delivery of its notification that could
/// still be accepted, even one that never reached us and is replayed at the end of its age.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(50 * 3600);

/// The default lease: a holder renews every quarter of it and stops its handler when no
/// renewal was confirmed for three quarters, so a live handler keeps its claim through two
/// failed renewals, and a dead one's claim is taken over within 30 s.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_span_is_24_hours_22_minutes() {
        assert_eq!(
            ALIPAYHK_RETRY_SPAN,
            Duration::from_secs(24 * 3600 + 22 * 60)
        );
    }
}
