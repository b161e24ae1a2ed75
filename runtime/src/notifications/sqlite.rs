//! A durable [`NotificationStore`] in an SQLite file (feature `sqlite`).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::store::{Claim, ClaimId, NotificationKey, NotificationStore, StoreError};
use crate::EpochMillis;

/// A [`NotificationStore`] in an SQLite database file: what was handled survives a restart,
/// a deploy or a crash, and several processes on one host may share the file.
///
/// Each call is one transaction (`BEGIN IMMEDIATE`, so concurrent claims serialize), run on
/// tokio's blocking pool. The journal is WAL with `synchronous = FULL`: a completed answer is
/// on disk before the notification is answered. Times are wall-clock milliseconds, since they
/// must mean the same after a restart. Expired records are deleted through an index on their
/// expiry.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    connection: Arc<Mutex<Connection>>,
    retention: Duration,
    lease: Duration,
}

const SCHEMA: &str = "
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    PRAGMA busy_timeout = 5000;
    CREATE TABLE IF NOT EXISTS alipayhk_notifications (
        key BLOB PRIMARY KEY NOT NULL,  -- SHA-256 of the notification's key
        claim INTEGER,                  -- the holder's claim id while in progress
        answer BLOB,                    -- the answer given, once handled
        expires_at INTEGER NOT NULL     -- epoch ms: the lease's end, then the retention's
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS alipayhk_notifications_expiry
        ON alipayhk_notifications (expires_at);
";

fn backend(error: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Backend(Box::new(error))
}

fn millis(at: SystemTime) -> i64 {
    EpochMillis::from(at).as_millis()
}

fn duration_millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, with a 48-hour retention and a
    /// 60-second lease.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let connection = Connection::open(path).map_err(backend)?;
        connection.execute_batch(SCHEMA).map_err(backend)?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            retention: Duration::from_secs(48 * 3600),
            lease: Duration::from_secs(60),
        })
    }

    /// How long an answer is remembered.
    pub fn with_retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// How long a claim holds before a re-delivery may take it over.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Runs `work` in one immediate transaction on the blocking pool.
    async fn transaction<T, W>(&self, work: W) -> Result<T, StoreError>
    where
        T: Send + 'static,
        W: FnOnce(&rusqlite::Transaction<'_>, i64) -> rusqlite::Result<T> + Send + 'static,
    {
        let connection = self.connection.clone();
        tokio::task::spawn_blocking(move || {
            // A panic cannot leave the connection mid-transaction: the transaction rolls back
            // when dropped.
            let mut connection = connection.lock().unwrap_or_else(|e| e.into_inner());
            let tx = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            let value = work(&tx, millis(SystemTime::now())).map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(value)
        })
        .await
        .map_err(backend)?
    }
}

impl NotificationStore for SqliteStore {
    async fn claim(&self, key: &NotificationKey) -> Result<Claim, StoreError> {
        let key = *key.as_bytes();
        let lease = duration_millis(self.lease);
        self.transaction(move |tx, now| {
            tx.execute(
                "DELETE FROM alipayhk_notifications WHERE expires_at <= ?1",
                params![now],
            )?;
            let existing: Option<Option<Vec<u8>>> = tx
                .query_row(
                    "SELECT answer FROM alipayhk_notifications WHERE key = ?1",
                    params![&key[..]],
                    |row| row.get(0),
                )
                .optional()?;
            Ok(match existing {
                Some(Some(answer)) => Claim::Answered(answer),
                Some(None) => Claim::InProgress,
                None => {
                    let claim = ClaimId::random();
                    tx.execute(
                        "INSERT INTO alipayhk_notifications (key, claim, answer, expires_at) VALUES (?1, ?2, NULL, ?3)",
                        params![&key[..], claim.0 as i64, now.saturating_add(lease)],
                    )?;
                    Claim::New(claim)
                }
            })
        })
        .await
    }

    async fn complete(
        &self,
        key: &NotificationKey,
        _claim: ClaimId,
        answer: Vec<u8>,
    ) -> Result<(), StoreError> {
        let key = *key.as_bytes();
        let retention = duration_millis(self.retention);
        self.transaction(move |tx, now| {
            tx.execute(
                "INSERT INTO alipayhk_notifications (key, claim, answer, expires_at) VALUES (?1, NULL, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET claim = NULL, answer = excluded.answer, expires_at = excluded.expires_at",
                params![&key[..], answer, now.saturating_add(retention)],
            )
            .map(drop)
        })
        .await
    }

    async fn release(&self, key: &NotificationKey, claim: ClaimId) -> Result<(), StoreError> {
        let key = *key.as_bytes();
        self.transaction(move |tx, _| {
            tx.execute(
                "DELETE FROM alipayhk_notifications WHERE key = ?1 AND claim = ?2 AND answer IS NULL",
                params![&key[..], claim.0 as i64],
            )
            .map(drop)
        })
        .await
    }

    fn retention(&self) -> Duration {
        self.retention
    }
}
