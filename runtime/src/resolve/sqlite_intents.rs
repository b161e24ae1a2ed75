//! A durable [`IntentStore`] in an SQLite file (feature `sqlite`).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::intent_rows::{
    Claimed, DEFAULT_INTENT_LEASE, RECORD_COLUMNS, StoredIntent, settlement_columns, signed,
    token_from,
};
use super::intent_store::{
    Begin, FenceToken, Intent, IntentKey, IntentRecord, IntentStore, Settlement, Stage, StoreError,
};
use crate::EpochMillis;
use crate::notifications::host_clock::{self, HostInstant};
use crate::notifications::sqlite::open_file;

/// An [`IntentStore`] in an SQLite database file: an unsettled call survives a restart, a
/// deploy or a crash, and the processes of **one host** may share the file (for several
/// hosts, use `PostgresIntentStore`). The file may be the notification store's
/// (`SqliteStore`): the table is `alipayhk_intents`.
///
/// The discipline is `SqliteStore`'s, for the same reasons:
///
/// - Each call is one `BEGIN IMMEDIATE` transaction, run on tokio's blocking pool, so
///   concurrent begins and claims serialize. The journal is WAL with `synchronous = FULL`: an
///   intent is on disk before its call is first sent.
/// - Leases are on the host's boot clock (`CLOCK_BOOTTIME` and the boot id on Linux), the same
///   in every process on the host, so a wall-clock step neither steals a live hold nor
///   stretches a dead one. Off Linux they use the wall clock.
/// - A new token is one more than the row's and at least the wall clock in microseconds, so a
///   token never repeats for a key even if its row was lost (a restored file).
///
/// Settled intents are kept: the table is the merchant's record of how each call ended. An
/// operator may delete settled rows (`settlement IS NOT NULL`) once they are no longer wanted;
/// an unsettled row must never be deleted, since it is a call whose outcome nobody knows yet.
#[derive(Debug, Clone)]
pub struct SqliteIntentStore {
    connection: Arc<Mutex<Connection>>,
    lease: Duration,
    /// Where the clocks are read; a test steps the wall clock.
    wall: fn() -> SystemTime,
    host: fn() -> HostInstant,
}

const SCHEMA: &str = "
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    CREATE TABLE IF NOT EXISTS alipayhk_intents (
        key TEXT PRIMARY KEY NOT NULL,  -- client id, endpoint and key values, length-prefixed
        endpoint TEXT NOT NULL,         -- the endpoint's spec name: what resume dispatches on
        request BLOB NOT NULL,          -- the request JSON as first written, never replaced
        deadline_ms INTEGER NOT NULL,   -- wall-clock epoch ms the merchant stops waiting
        stage TEXT NOT NULL,            -- pending or cancelling: what a resumer does next
        settlement TEXT,                -- done, failed, cancelled or unresolved: final
        outcome BLOB,                   -- the response, the result, or the unresolved reason
        token INTEGER NOT NULL,         -- the fencing token of the latest hold
        holds INTEGER NOT NULL,         -- how many holds were taken: 1, then one a resume
        lease_boot TEXT,                -- the run of the host clock the lease is measured on
        lease_until INTEGER,            -- host-clock ms the hold runs to; NULL when not held
        created_at INTEGER NOT NULL,    -- wall-clock epoch ms it was written
        settled_at INTEGER              -- wall-clock epoch ms it was settled
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS alipayhk_intents_due
        ON alipayhk_intents (deadline_ms) WHERE settlement IS NULL;
";

/// Unsettled, and nobody's lease is live (`?1` the host clock's boot, `?2` its ms): `begin`
/// and `claim_due` may take it. A lease taken under another boot died with its process.
const FREE: &str = "settlement IS NULL
    AND (lease_until IS NULL OR lease_boot IS NOT ?1 OR lease_until <= ?2)";

/// The condition of every fenced write (`?1` key, `?2` token): the hold is the current one,
/// and neither released nor settled.
const FENCE: &str = "key = ?1 AND token = ?2 AND settlement IS NULL AND lease_until IS NOT NULL";

impl SqliteIntentStore {
    /// Opens (creating if needed) the database at `path`, with a 30-second lease. A new file
    /// is created readable by its owner only (mode 0600 on Unix): it holds payment requests.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let connection = open_file(path.as_ref(), |c| c.execute_batch(SCHEMA))?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            lease: DEFAULT_INTENT_LEASE,
            wall: SystemTime::now,
            host: host_clock::now,
        })
    }

    /// [`open`](Self::open), off the async runtime: creating the file and its schema waits on
    /// the disk (and on other processes opening it).
    pub async fn connect(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_owned();
        tokio::task::spawn_blocking(move || Self::open(path))
            .await
            .map_err(StoreError::backend)?
    }

    /// How long a hold lasts unrenewed before another resolver may take the intent over.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Runs `work` in one immediate transaction on the blocking pool, with the clocks read
    /// once the transaction holds the file (so no other writer's clock reading comes between).
    async fn transaction<T, W>(&self, work: W) -> Result<T, StoreError>
    where
        T: Send + 'static,
        W: FnOnce(&rusqlite::Transaction<'_>, &Now) -> Result<T, StoreError> + Send + 'static,
    {
        let connection = self.connection.clone();
        let (wall, host) = (self.wall, self.host);
        let lease = i64::try_from(self.lease.as_millis()).unwrap_or(i64::MAX);
        tokio::task::spawn_blocking(move || {
            // A panic cannot leave the connection mid-transaction: it rolls back when dropped.
            let mut connection = connection.lock().unwrap_or_else(|e| e.into_inner());
            let tx = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(StoreError::backend)?;
            let host = host();
            let wall = wall();
            let now = Now {
                lease_until: host.millis.saturating_add(lease),
                host,
                wall_ms: EpochMillis::from(wall).as_millis(),
                wall_micros: wall
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX)),
            };
            let value = work(&tx, &now)?;
            tx.commit().map_err(StoreError::backend)?;
            Ok(value)
        })
        .await
        .map_err(StoreError::backend)?
    }

    /// One fenced write: `write` runs an `UPDATE … WHERE {FENCE}` with the key as `?1` and
    /// the token as `?2`; `Superseded` when it changed no row.
    async fn fenced<W>(
        &self,
        key: &IntentKey,
        token: FenceToken,
        write: W,
    ) -> Result<(), StoreError>
    where
        W: FnOnce(&rusqlite::Transaction<'_>, &Now, &str, i64) -> rusqlite::Result<usize>
            + Send
            + 'static,
    {
        let key = key.as_str().to_owned();
        let changed = self
            .transaction(move |tx, now| {
                write(tx, now, &key, token_column(token)).map_err(StoreError::backend)
            })
            .await?;
        match changed {
            0 => Err(StoreError::Superseded { token }),
            _ => Ok(()),
        }
    }
}

/// The clocks as one transaction reads them, and what follows from them.
struct Now {
    host: HostInstant,
    /// Host-clock ms a hold taken now runs to.
    lease_until: i64,
    wall_ms: i64,
    wall_micros: u64,
}

impl Now {
    /// The token of a new hold on a row whose latest token is `last` (`None`: no row): one
    /// more, and at least the wall clock in microseconds, so that even a row that was lost
    /// and written again never repeats a token its old holder may still write with.
    fn token_after(&self, last: Option<i64>) -> FenceToken {
        let floor = FenceToken::new(self.wall_micros);
        last.map_or(floor, |last| token_from(last).next().max(floor))
    }
}

fn token_column(token: FenceToken) -> i64 {
    signed(token.get())
}

/// [`RECORD_COLUMNS`] from `row`, starting at column `at`.
fn stored(row: &Row<'_>, at: usize) -> rusqlite::Result<StoredIntent> {
    Ok(StoredIntent {
        key: row.get(at)?,
        endpoint: row.get(at + 1)?,
        request: row.get(at + 2)?,
        deadline_ms: row.get(at + 3)?,
        stage: row.get(at + 4)?,
        settlement: row.get(at + 5)?,
        outcome: row.get(at + 6)?,
    })
}

impl IntentStore for SqliteIntentStore {
    async fn begin(&self, intent: &Intent) -> Result<Begin, StoreError> {
        let intent = intent.clone();
        self.transaction(move |tx, now| {
            let found = tx
                .query_row(
                    &format!(
                        "SELECT {RECORD_COLUMNS}, token, lease_boot, lease_until
                         FROM alipayhk_intents WHERE key = ?1"
                    ),
                    params![intent.key.as_str()],
                    |row| Ok((stored(row, 0)?, row.get(7)?, row.get(8)?, row.get(9)?)),
                )
                .optional()
                .map_err(StoreError::backend)?;
            let Some((row, token, boot, until)) = found else {
                let token = now.token_after(None);
                tx.execute(
                    "INSERT INTO alipayhk_intents (key, endpoint, request, deadline_ms, stage,
                         token, holds, lease_boot, lease_until, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8, ?9)",
                    params![
                        intent.key.as_str(),
                        intent.endpoint,
                        intent.request,
                        signed(intent.deadline_ms),
                        Stage::Pending.as_str(),
                        token_column(token),
                        now.host.boot,
                        now.lease_until,
                        now.wall_ms,
                    ],
                )
                .map_err(StoreError::backend)?;
                return Ok(Begin::New(token));
            };
            let (token, boot, until): (i64, Option<String>, Option<i64>) = (token, boot, until);
            let record = row.into_record()?;
            if let Some(settlement) = record.settlement {
                return Ok(Begin::Settled(settlement));
            }
            let live = until.is_some_and(|until| {
                boot.as_deref() == Some(now.host.boot.as_str()) && until > now.host.millis
            });
            if live {
                return Ok(Begin::Held);
            }
            let token = now.token_after(Some(token));
            tx.execute(
                "UPDATE alipayhk_intents SET token = ?2, holds = holds + 1, lease_boot = ?3,
                     lease_until = ?4 WHERE key = ?1",
                params![
                    intent.key.as_str(),
                    token_column(token),
                    now.host.boot,
                    now.lease_until
                ],
            )
            .map_err(StoreError::backend)?;
            // The stored record, not `intent`: a resumed call goes on with its first request.
            Ok(Begin::Resumed(token, record))
        })
        .await
    }

    async fn claim_due(
        &self,
        limit: usize,
        endpoints: &[&str],
    ) -> Result<Vec<(FenceToken, IntentRecord)>, StoreError> {
        // One parameter however many endpoints: a JSON array, read back by `json_each`.
        let endpoints = serde_json::to_string(endpoints).map_err(StoreError::backend)?;
        self.transaction(move |tx, now| {
            // Every row's new token is computed in SQL from the same floor: `token_after`.
            let sql = format!(
                "UPDATE alipayhk_intents SET token = max(token + 1, ?3), holds = holds + 1,
                     lease_boot = ?1, lease_until = ?4
                 WHERE key IN (SELECT key FROM alipayhk_intents WHERE {FREE}
                                   AND endpoint IN (SELECT value FROM json_each(?6))
                               ORDER BY deadline_ms, key LIMIT ?5)
                 RETURNING token, {RECORD_COLUMNS}"
            );
            let floor = signed(now.wall_micros);
            let mut statement = tx.prepare(&sql).map_err(StoreError::backend)?;
            let mut claimed = Claimed::new(limit);
            while let Some(wanted) = claimed.wanted() {
                let wanted_rows = i64::try_from(wanted).unwrap_or(i64::MAX);
                let rows = statement
                    .query_map(
                        params![
                            now.host.boot,
                            now.host.millis,
                            floor,
                            now.lease_until,
                            wanted_rows,
                            endpoints
                        ],
                        |row| Ok((token_from(row.get(0)?), stored(row, 1)?)),
                    )
                    .and_then(|rows| rows.collect::<Result<Vec<_>, _>>());
                claimed.add(rows.map_err(StoreError::backend)?, wanted);
            }
            Ok(claimed.into_oldest_first())
        })
        .await
    }

    async fn renew(&self, key: &IntentKey, token: FenceToken) -> Result<(), StoreError> {
        self.fenced(key, token, |tx, now, key, token| {
            tx.execute(
                &format!(
                    "UPDATE alipayhk_intents SET lease_boot = ?3, lease_until = ?4 WHERE {FENCE}"
                ),
                params![key, token, now.host.boot, now.lease_until],
            )
        })
        .await
    }

    async fn advance(
        &self,
        key: &IntentKey,
        token: FenceToken,
        stage: Stage,
    ) -> Result<(), StoreError> {
        self.fenced(key, token, move |tx, _, key, token| {
            tx.execute(
                &format!("UPDATE alipayhk_intents SET stage = ?3 WHERE {FENCE}"),
                params![key, token, stage.as_str()],
            )
        })
        .await
    }

    async fn settle(
        &self,
        key: &IntentKey,
        token: FenceToken,
        settlement: &Settlement,
    ) -> Result<(), StoreError> {
        let settlement = settlement.clone();
        self.fenced(key, token, move |tx, now, key, token| {
            let (kind, outcome) = settlement_columns(&settlement);
            tx.execute(
                &format!(
                    "UPDATE alipayhk_intents SET settlement = ?3, outcome = ?4,
                         lease_boot = NULL, lease_until = NULL, settled_at = ?5
                     WHERE {FENCE}"
                ),
                params![key, token, kind, outcome, now.wall_ms],
            )
        })
        .await
    }

    async fn settle_from_notification(
        &self,
        key: &IntentKey,
        settlement: &Settlement,
    ) -> Result<bool, StoreError> {
        let key = key.as_str().to_owned();
        let settlement = settlement.clone();
        self.transaction(move |tx, now| {
            let token: Option<i64> = tx
                .query_row(
                    "SELECT token FROM alipayhk_intents
                     WHERE key = ?1 AND settlement IS NULL AND stage = 'pending'",
                    params![key],
                    |row| row.get(0),
                )
                .optional()
                .map_err(StoreError::backend)?;
            let Some(token) = token else {
                return Ok(false);
            };
            // A new token, whoever held it: the holder's next fenced write is refused.
            let (kind, outcome) = settlement_columns(&settlement);
            tx.execute(
                "UPDATE alipayhk_intents SET settlement = ?2, outcome = ?3, token = ?4,
                     lease_boot = NULL, lease_until = NULL, settled_at = ?5 WHERE key = ?1",
                params![
                    key,
                    kind,
                    outcome,
                    token_column(now.token_after(Some(token))),
                    now.wall_ms
                ],
            )
            .map_err(StoreError::backend)?;
            Ok(true)
        })
        .await
    }

    async fn release(&self, key: &IntentKey, token: FenceToken) -> Result<(), StoreError> {
        // The token stays, so the next hold's is larger.
        self.fenced(key, token, |tx, _, key, token| {
            tx.execute(
                &format!(
                    "UPDATE alipayhk_intents SET lease_boot = NULL, lease_until = NULL
                     WHERE {FENCE}"
                ),
                params![key, token],
            )
        })
        .await
    }

    async fn get(&self, key: &IntentKey) -> Result<Option<IntentRecord>, StoreError> {
        let key = key.as_str().to_owned();
        self.transaction(move |tx, _| {
            tx.query_row(
                &format!("SELECT {RECORD_COLUMNS} FROM alipayhk_intents WHERE key = ?1"),
                params![key],
                |row| stored(row, 0),
            )
            .optional()
            .map_err(StoreError::backend)?
            .map(StoredIntent::into_record)
            .transpose()
        })
        .await
    }

    fn lease(&self) -> Duration {
        self.lease
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent() -> Intent {
        Intent {
            key: IntentKey::new("TEST_CLIENT", "pay", &["P-1"]),
            endpoint: "pay".to_owned(),
            request: b"{}".to_vec(),
            deadline_ms: 1,
        }
    }

    #[tokio::test]
    async fn a_wall_clock_step_neither_steals_a_hold_nor_repeats_a_token() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("intents.db");
        let lease = Duration::from_millis(300);
        let store = SqliteIntentStore::open(&path).unwrap().with_lease(lease);
        let mut ahead = SqliteIntentStore::open(&path).unwrap().with_lease(lease);
        ahead.wall = || SystemTime::now() + Duration::from_secs(3600);
        let mut behind = SqliteIntentStore::open(&path).unwrap().with_lease(lease);
        behind.wall = || SystemTime::now() - Duration::from_secs(3600);
        let Begin::New(first) = store.begin(&intent()).await.unwrap() else {
            panic!("new")
        };
        // A process whose wall clock jumped an hour ahead sees the live hold.
        assert_eq!(ahead.begin(&intent()).await.unwrap(), Begin::Held);
        assert!(ahead.claim_due(10, &["pay"]).await.unwrap().is_empty());
        tokio::time::sleep(lease + Duration::from_millis(100)).await;
        // And one an hour behind, once the lease has really run out, takes it over with a
        // larger token all the same.
        let Begin::Resumed(second, _) = behind.begin(&intent()).await.unwrap() else {
            panic!("resumed")
        };
        assert!(second > first, "{second} after {first}");
    }

    #[tokio::test]
    async fn the_file_may_be_the_notification_stores() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.db");
        let notifications = crate::notifications::SqliteStore::open(&path).unwrap();
        let intents = SqliteIntentStore::connect(&path).await.unwrap();
        assert!(matches!(
            intents.begin(&intent()).await.unwrap(),
            Begin::New(_)
        ));
        let key =
            crate::notifications::NotificationKey::new("TEST_CLIENT", "notifyPayment", &["1"]);
        use crate::notifications::NotificationStore;
        assert!(matches!(
            notifications.claim(&key).await.unwrap(),
            crate::notifications::Claim::New(_)
        ));
    }
}
