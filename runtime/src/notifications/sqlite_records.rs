//! What the SQLite store and its handler transactions both do to a record: a leaf, so each
//! check and write has one text.

use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OptionalExtension, params};

use super::host_clock::HostInstant;
use crate::store_values::{FenceToken, StoreError};

/// Where the store reads its two clocks; tests step the wall clock.
#[derive(Debug, Clone, Copy)]
pub(super) struct Clocks {
    pub(super) wall: fn() -> SystemTime,
    pub(super) host: fn() -> HostInstant,
}

pub(super) const STATE_CLAIMED: i64 = 1;
pub(super) const STATE_RELEASED: i64 = 2;
pub(super) const STATE_ANSWERED: i64 = 3;

pub(super) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Whether `key` is claimed under `token`: `Superseded` if not.
pub(super) fn check_held(tx: &Connection, key: &[u8], token: FenceToken) -> Result<(), StoreError> {
    let current: Option<(i64, i64)> = tx
        .query_row(
            "SELECT token, state FROM alipayhk_notification_records WHERE key = ?1",
            params![key],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
        .map_err(StoreError::backend)?;
    match current {
        Some((current, STATE_CLAIMED)) if current as u64 == token.get() => Ok(()),
        _ => Err(StoreError::Superseded { token }),
    }
}

/// Records `answer` as `key`'s final answer, kept until at least `expires_at`.
pub(super) fn record_answer(
    tx: &Connection,
    key: &[u8],
    answer: &[u8],
    expires_at: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE alipayhk_notification_records
         SET state = ?2, answer = ?3, lease_boot = NULL, lease_until = NULL,
             expires_at = max(expires_at, ?4) WHERE key = ?1",
        params![key, STATE_ANSWERED, answer, expires_at],
    )
    .map(drop)
    .map_err(StoreError::backend)
}
