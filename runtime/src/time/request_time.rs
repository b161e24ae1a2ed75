//! `Request-Time` and `Response-Time`: reading the value and deciding whether it is fresh.
//!
//! The SDKs send two forms (see the protocol notes): ISO-8601 with an offset
//! (`2024-05-22T06:42:21+00:00`, `2024-05-22T06:42:21.1234567Z`) and epoch milliseconds
//! (`1732787128015`). Both are read; anything else is refused, since a signature over a time
//! nobody can read proves nothing about when it was made.

use std::time::{Duration, SystemTime};

use crate::EpochMillis;

/// Why a message's time was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StaleMessage {
    /// The value is neither ISO-8601 with an offset nor epoch milliseconds.
    #[error("{header} `{value}` is neither ISO-8601 with an offset nor epoch milliseconds")]
    Unreadable {
        /// The header.
        header: &'static str,
        /// The value, cut to 40 characters (it is not secret: it is signed, not signing).
        value: String,
    },
    /// Older than the window allows: a replay, or a clock far behind.
    #[error("{header} is {} s old; at most {} s is accepted", seconds(*age_ms), seconds(*max_ms))]
    TooOld {
        /// The header.
        header: &'static str,
        /// How old, in milliseconds.
        age_ms: u64,
        /// The limit, in milliseconds.
        max_ms: u64,
    },
    /// Further ahead than the allowed clock skew.
    #[error(
        "{header} is {} s in the future; at most {} s of clock skew is accepted",
        seconds(*ahead_ms),
        seconds(*max_ms)
    )]
    FromTheFuture {
        /// The header.
        header: &'static str,
        /// How far ahead, in milliseconds.
        ahead_ms: u64,
        /// The limit, in milliseconds.
        max_ms: u64,
    },
}

/// Milliseconds as seconds, with the fraction only when there is one: `300`, `0.7`.
fn seconds(millis: u64) -> String {
    if millis.is_multiple_of(1000) {
        (millis / 1000).to_string()
    } else {
        format!("{:.3}", millis as f64 / 1000.0)
            .trim_end_matches('0')
            .to_owned()
    }
}

/// Reads a `Request-Time` / `Response-Time` value: ISO-8601 with an offset, or epoch
/// milliseconds. `None` for anything else.
pub fn parse(value: &str) -> Option<EpochMillis> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // 13 digits reach the year 2286; more is no time anyone sends.
        return value.parse::<i64>().ok().map(EpochMillis);
    }
    crate::time::rfc3339::parse_millis(value).map(EpochMillis)
}

/// How far a message's time may be from the receiver's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    /// How far ahead of our clock a time may be (the two clocks' skew). Default 5 minutes.
    pub max_skew: Duration,
    /// How old a message may be. Default 25 hours: AlipayHK's retry span (24 h 22 min) and a
    /// margin, so a re-delivery is accepted even if it kept its first `Request-Time`. The
    /// notification stores keep records longer than this (50 h), so a replay is caught
    /// either by its age or by the store.
    pub max_age: Duration,
}

impl Default for Freshness {
    fn default() -> Self {
        Self {
            max_skew: Duration::from_secs(5 * 60),
            max_age: Duration::from_secs(25 * 3600),
        }
    }
}

impl Freshness {
    /// Checks `value` (the header `header`) against `now`.
    pub fn check(
        &self,
        header: &'static str,
        value: &str,
        now: SystemTime,
    ) -> Result<EpochMillis, StaleMessage> {
        let time = parse(value).ok_or_else(|| StaleMessage::Unreadable {
            header,
            value: value.chars().take(40).collect(),
        })?;
        let now = EpochMillis::from(now).as_millis();
        let offset = i128::from(now) - i128::from(time.as_millis());
        let millis = |m: u128| u64::try_from(m).unwrap_or(u64::MAX);
        let (max_age, max_skew) = (self.max_age.as_millis(), self.max_skew.as_millis());
        if offset > 0 && offset.unsigned_abs() > max_age {
            return Err(StaleMessage::TooOld {
                header,
                age_ms: millis(offset.unsigned_abs()),
                max_ms: millis(max_age),
            });
        }
        if offset < 0 && offset.unsigned_abs() > max_skew {
            return Err(StaleMessage::FromTheFuture {
                header,
                ahead_ms: millis(offset.unsigned_abs()),
                max_ms: millis(max_skew),
            });
        }
        Ok(time)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_732_787_128_015;

    fn now() -> SystemTime {
        SystemTime::from(EpochMillis(NOW))
    }

    #[test]
    fn reads_every_form_the_sdks_send() {
        for (value, millis) in [
            ("1732787128015", NOW),
            ("2024-11-28T09:45:28+00:00", 1_732_787_128_000),
            ("2024-11-28T15:15:28+05:30", 1_732_787_128_000),
            ("2024-11-28T09:45:28.0150000Z", NOW),
        ] {
            assert_eq!(parse(value), Some(EpochMillis(millis)), "{value}");
        }
    }

    #[test]
    fn refuses_what_no_sdk_sends() {
        for value in [
            "",
            "banana",
            "2024-11-28T09:45:28",
            "2024-11-28",
            "-5",
            "99999999999999999999999",
        ] {
            assert_eq!(parse(value), None, "{value}");
            assert!(matches!(
                Freshness::default().check("Request-Time", value, now()),
                Err(StaleMessage::Unreadable { .. })
            ));
        }
    }

    #[test]
    fn the_window_is_max_age_back_and_max_skew_ahead() {
        let window = Freshness::default();
        let at = |offset_ms: i64| (NOW + offset_ms).to_string();
        assert!(window.check("Request-Time", &at(0), now()).is_ok());
        assert!(window.check("Request-Time", &at(299_000), now()).is_ok());
        assert!(matches!(
            window.check("Request-Time", &at(301_000), now()),
            Err(StaleMessage::FromTheFuture {
                ahead_ms: 301_000,
                max_ms: 300_000,
                ..
            })
        ));
        assert!(
            window
                .check("Request-Time", &at(-24 * 3_600_000), now())
                .is_ok()
        );
        let short = Freshness {
            max_skew: Duration::from_millis(700),
            max_age: Duration::from_millis(700),
        };
        let refused = short.check("Request-Time", &at(-900), now()).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "Request-Time is 0.9 s old; at most 0.7 s is accepted"
        );
        assert!(matches!(
            window.check("Request-Time", &at(-26 * 3_600_000), now()),
            Err(StaleMessage::TooOld {
                age_ms: 93_600_000,
                ..
            })
        ));
        for old in ["0", "1999-01-01T00:00:00Z"] {
            assert!(matches!(
                window.check("Request-Time", old, now()),
                Err(StaleMessage::TooOld { .. })
            ));
        }
        assert!(matches!(
            window.check("Request-Time", "2034-11-28T09:45:28Z", now()),
            Err(StaleMessage::FromTheFuture { .. })
        ));
    }
}
