//! What the shipped intent stores share: the default lease, and how an intent is written in a
//! SQL row. The SQLite and PostgreSQL stores write the same columns with the same words, so an
//! operator reads (and a migration moves) either table alike.

use std::time::Duration;

#[cfg(any(feature = "sqlite", feature = "postgres"))]
use super::intent_store::{
    FenceToken, Intent, IntentKey, IntentRecord, Settlement, Stage, StoreError,
};

/// The lease of every shipped intent store unless set otherwise: the notification stores'
/// 30 s, for the same reason: an intent whose process died is resumed by another within 30 s,
/// while a live holder has time for several renewals.
pub(crate) const DEFAULT_INTENT_LEASE: Duration = Duration::from_secs(30);

/// The columns an [`IntentRecord`] is read from, in [`StoredIntent`]'s order.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) const RECORD_COLUMNS: &str =
    "key, endpoint, request, deadline_ms, stage, settlement, outcome";

/// A settlement as its two columns: its kind (`settlement`) and what it carries (`outcome`:
/// the response or result JSON, or the reason a person must look, as UTF-8).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn settlement_columns(settlement: &Settlement) -> (&'static str, Option<&[u8]>) {
    match settlement {
        Settlement::Done(response) => ("done", Some(response)),
        Settlement::Failed(result) => ("failed", Some(result)),
        Settlement::Cancelled => ("cancelled", None),
        Settlement::Unresolved(reason) => ("unresolved", Some(reason.as_bytes())),
    }
}

/// An unsigned value (a deadline, a token) as a signed 64-bit column: both databases' integers
/// are signed. Real values are far below `i64::MAX`; larger ones are clamped, never wrapped.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn signed(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// A token read back from its column.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn token_from(column: i64) -> FenceToken {
    FenceToken::new(u64::try_from(column).unwrap_or(0))
}

/// One row's [`RECORD_COLUMNS`], as read.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) struct StoredIntent {
    pub(crate) key: String,
    pub(crate) endpoint: String,
    pub(crate) request: Vec<u8>,
    pub(crate) deadline_ms: i64,
    pub(crate) stage: String,
    pub(crate) settlement: Option<String>,
    pub(crate) outcome: Option<Vec<u8>>,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl StoredIntent {
    /// The record, or [`StoreError::Backend`] for a row no store of ours wrote (an unknown
    /// stage or settlement): refused rather than guessed at, since a guess could settle or
    /// re-send a payment.
    pub(crate) fn into_record(self) -> Result<IntentRecord, StoreError> {
        let unreadable = |column: &'static str, value: &str| {
            StoreError::backend(Unreadable {
                key: self.key.clone(),
                column,
                value: value.to_owned(),
            })
        };
        let stage =
            Stage::from_stored(&self.stage).ok_or_else(|| unreadable("stage", &self.stage))?;
        let payload = || self.outcome.clone().unwrap_or_default();
        let settlement = match self.settlement.as_deref() {
            None => None,
            Some("done") => Some(Settlement::Done(payload())),
            Some("failed") => Some(Settlement::Failed(payload())),
            Some("cancelled") => Some(Settlement::Cancelled),
            Some("unresolved") => Some(Settlement::Unresolved(
                String::from_utf8_lossy(&payload()).into_owned(),
            )),
            Some(other) => return Err(unreadable("settlement", other)),
        };
        Ok(IntentRecord {
            intent: Intent {
                key: IntentKey::from_stored(self.key),
                endpoint: self.endpoint,
                request: self.request,
                deadline_ms: u64::try_from(self.deadline_ms).unwrap_or(0),
            },
            stage,
            settlement,
        })
    }
}

/// What `claim_due` hands out, gathered in rounds: each readable row, oldest deadline first.
/// A row this version cannot read (a newer version's, or one edited by hand) is logged and
/// left held until its lease runs out, and the next round takes one more in its place:
/// failing the claim for it, or handing out fewer, would let such rows stop every resume, in
/// every process, behind them.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) struct Claimed {
    limit: usize,
    records: Vec<(FenceToken, IntentRecord)>,
    /// The last round took fewer than it asked for: nothing more is due.
    drained: bool,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl Claimed {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            limit,
            records: Vec::new(),
            drained: false,
        }
    }

    /// How many rows the next round takes; `None` once enough are held or none is left due.
    pub(crate) fn wanted(&self) -> Option<usize> {
        let wanted = self.limit.saturating_sub(self.records.len());
        (!self.drained && wanted > 0).then_some(wanted)
    }

    /// One round's rows, of `asked`.
    pub(crate) fn add(&mut self, rows: Vec<(FenceToken, StoredIntent)>, asked: usize) {
        self.drained = rows.len() < asked;
        for (token, row) in rows {
            match row.into_record() {
                Ok(record) => self.records.push((token, record)),
                Err(error) => tracing::error!(
                    ?error,
                    "an intent this version cannot read is left to one that can, or to a person; it holds up no other"
                ),
            }
        }
    }

    /// Oldest deadline first, as `claim_due` promises (`RETURNING`'s order is unspecified).
    pub(crate) fn into_oldest_first(mut self) -> Vec<(FenceToken, IntentRecord)> {
        self.records.sort_by(|(_, a), (_, b)| {
            (a.intent.deadline_ms, &a.intent.key).cmp(&(b.intent.deadline_ms, &b.intent.key))
        });
        self.records
    }
}

/// A row holds a value no store of ours writes.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[derive(Debug, thiserror::Error)]
#[error("intent {key} has an unreadable {column}: {value:?}")]
struct Unreadable {
    key: String,
    column: &'static str,
    value: String,
}

#[cfg(all(test, any(feature = "sqlite", feature = "postgres")))]
mod tests {
    use super::*;

    fn stored(settlement: Option<&str>, outcome: Option<&[u8]>) -> StoredIntent {
        StoredIntent {
            key: "k".to_owned(),
            endpoint: "pay".to_owned(),
            request: b"{}".to_vec(),
            deadline_ms: 5,
            stage: "cancelling".to_owned(),
            settlement: settlement.map(str::to_owned),
            outcome: outcome.map(<[u8]>::to_vec),
        }
    }

    #[test]
    fn every_settlement_reads_back_as_written() {
        for settlement in [
            Settlement::Done(b"{\"ok\":1}".to_vec()),
            Settlement::Failed(b"{\"resultStatus\":\"F\"}".to_vec()),
            Settlement::Cancelled,
            Settlement::Unresolved("cancel not confirmed".to_owned()),
        ] {
            let (kind, outcome) = settlement_columns(&settlement);
            let record = stored(Some(kind), outcome).into_record().unwrap();
            assert_eq!(record.settlement, Some(settlement));
            assert_eq!(record.stage, Stage::Cancelling);
        }
    }

    #[test]
    fn a_row_no_store_wrote_is_refused_not_guessed() {
        assert!(stored(Some("maybe"), None).into_record().is_err());
        let mut row = stored(None, None);
        row.stage = "sent".to_owned();
        assert!(row.into_record().is_err());
    }
}
