//! A durable [`NotificationStore`] in an SQLite file (feature `sqlite`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::durations::{DEFAULT_LEASE, DEFAULT_RETENTION};
use super::handler_transaction::DeliveryTransaction;
use super::host_clock::{self, HostInstant};
use super::sqlite_records::{
    Clocks, STATE_ANSWERED, STATE_CLAIMED, STATE_RELEASED, check_held, millis, record_answer,
};
use super::sqlite_transaction::SqliteTransaction;
use super::store::{Claim, FenceToken, NotificationKey, NotificationStore, StoreError};
use crate::EpochMillis;

/// A [`NotificationStore`] in an SQLite database file: what was handled survives a restart,
/// a deploy or a crash, and several processes on **one host** may share the file (for
/// several hosts, use `PostgresStore` or `RedisStore`).
///
/// Each call is one transaction (`BEGIN IMMEDIATE`, so concurrent claims serialize), run on
/// tokio's blocking pool. The journal is WAL with `synchronous = FULL`: a completed answer is
/// on disk before the notification is answered.
///
/// Two clocks, each for what it can measure: leases are on the host's boot clock (Linux's
/// `CLOCK_BOOTTIME` and boot id, the same in every process on the host), so a wall-clock
/// step neither steals a live claim nor stretches a dead one; retention is on the wall clock,
/// since it must mean the same after a reboot (a step of minutes against 26 hours of
/// retention changes nothing that matters). Off Linux, leases use the wall clock too.
///
/// A handler's writes can commit with the record ([`Delivery::sqlite`](super::Delivery::sqlite)),
/// on a connection of their own to the same file. SQLite has one writer at a time: while a
/// handler's transaction is open, every other claim on the file waits for it (up to the
/// 5-second busy timeout, then it answers `U`), so keep those transactions short.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    connection: Arc<Mutex<Connection>>,
    /// The file, for the handlers' own connections; `None` for `:memory:`.
    path: Option<PathBuf>,
    retention: Duration,
    lease: Duration,
    clocks: Clocks,
}

const SCHEMA: &str = "
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    CREATE TABLE IF NOT EXISTS alipayhk_notification_records (
        key BLOB PRIMARY KEY NOT NULL,  -- SHA-256 of the notification's key
        token INTEGER NOT NULL,         -- the fencing token of the latest claim
        state INTEGER NOT NULL,         -- 1 claimed, 2 released, 3 answered (S, final)
        answer BLOB,                    -- the S answer, once answered
        lease_boot TEXT,                -- the run of the host clock the lease is measured on
        lease_until INTEGER,            -- host-clock ms the lease runs to, while claimed
        expires_at INTEGER NOT NULL     -- wall-clock epoch ms the record is kept to
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS alipayhk_notification_records_expiry
        ON alipayhk_notification_records (expires_at);
";

/// Files written by earlier versions keep their answers: each becomes a final record.
const MIGRATE_V1: &str = "
    INSERT OR IGNORE INTO alipayhk_notification_records (key, token, state, answer, expires_at)
        SELECT key, 1, 3, answer, expires_at FROM alipayhk_notifications WHERE answer IS NOT NULL;
    DROP TABLE alipayhk_notifications;
";

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, with a 50-hour retention and a
    /// 30-second lease.
    /// A new file is created readable by its owner only (mode 0600 on Unix): it holds
    /// notification keys and answers. SQLite gives its journal and WAL files the same mode.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let connection = open_file(path.as_ref(), Self::prepare)?;
        let path = path.as_ref();
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            path: (path.as_os_str() != ":memory:").then(|| path.to_owned()),
            retention: DEFAULT_RETENTION,
            lease: DEFAULT_LEASE,
            clocks: Clocks {
                wall: SystemTime::now,
                host: host_clock::now,
            },
        })
    }

    /// The schema and the v1 migration, on a connection that already waits on a busy file.
    fn prepare(connection: &Connection) -> Result<(), rusqlite::Error> {
        connection.execute_batch(SCHEMA)?;
        let v1: bool = connection.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alipayhk_notifications'",
            [],
            |row| row.get::<_, i64>(0),
        )? > 0;
        if v1 {
            connection.execute_batch(&format!("BEGIN IMMEDIATE; {MIGRATE_V1} COMMIT;"))?;
        }
        Ok(())
    }

    /// How long a record is kept after its last use.
    pub fn with_retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// How long a claim holds unrenewed before a re-delivery may take it over.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Runs `work` in one immediate transaction on the blocking pool, with the clocks read
    /// once the transaction holds the file.
    async fn transaction<T, W>(&self, work: W) -> Result<T, StoreError>
    where
        T: Send + 'static,
        W: FnOnce(&rusqlite::Transaction<'_>, Now) -> Result<T, StoreError> + Send + 'static,
    {
        let connection = self.connection.clone();
        let clocks = self.clocks;
        let (lease, retention) = (millis(self.lease), millis(self.retention));
        tokio::task::spawn_blocking(move || {
            // A panic cannot leave the connection mid-transaction: the transaction rolls back
            // when dropped.
            let mut connection = connection.lock().unwrap_or_else(|e| e.into_inner());
            let tx = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(StoreError::backend)?;
            let host = (clocks.host)();
            let wall_time = (clocks.wall)();
            let wall = EpochMillis::from(wall_time).as_millis();
            let now = Now {
                lease_until: host.millis.saturating_add(lease),
                host,
                expires_at: wall.saturating_add(retention),
                wall,
                wall_micros: wall_time
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX)),
            };
            let value = work(&tx, now)?;
            tx.commit().map_err(StoreError::backend)?;
            Ok(value)
        })
        .await
        .map_err(StoreError::backend)?
    }
}

impl Now {
    /// The wall clock in microseconds, as PostgreSQL's and Redis's tokens: a claim written
    /// in its own transaction after a record was lost is at least a microsecond later than
    /// that record's last claim. (Milliseconds were not enough: on a fast disk the claims of
    /// one millisecond repeated a lost record's token, as the store contract found.)
    fn token_floor(&self) -> FenceToken {
        FenceToken::new(self.wall_micros)
    }
}

/// The clocks as one transaction reads them, and the times that follow.
struct Now {
    host: HostInstant,
    wall: i64,
    wall_micros: u64,
    lease_until: i64,
    expires_at: i64,
}

impl NotificationStore for SqliteStore {
    async fn claim(&self, key: &NotificationKey) -> Result<Claim, StoreError> {
        let key = *key.as_bytes();
        self.transaction(move |tx, now| {
            let run = |sql: &str, p: &[&dyn rusqlite::ToSql]| {
                tx.execute(sql, p).map(drop).map_err(StoreError::backend)
            };
            run(
                "DELETE FROM alipayhk_notification_records WHERE expires_at <= ?1",
                params![now.wall],
            )?;
            type Row = (i64, i64, Option<Vec<u8>>, Option<String>, Option<i64>);
            let existing: Option<Row> = tx
                .query_row(
                    "SELECT token, state, answer, lease_boot, lease_until
                     FROM alipayhk_notification_records WHERE key = ?1",
                    params![&key[..]],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)),
                )
                .optional()
                .map_err(StoreError::backend)?;
            let token = match existing {
                Some((token, STATE_ANSWERED, answer, ..)) => {
                    run(
                        "UPDATE alipayhk_notification_records SET expires_at = max(expires_at, ?2) WHERE key = ?1",
                        params![&key[..], now.expires_at],
                    )?;
                    let _ = token;
                    return Ok(Claim::Answered(answer.unwrap_or_default()));
                }
                Some((_, STATE_CLAIMED, _, Some(boot), Some(until)))
                    if boot == now.host.boot && until > now.host.millis =>
                {
                    return Ok(Claim::InProgress);
                }
                // At least the wall clock in microseconds: a token never repeats, even for a
                // record that was lost (a restored file).
                Some((token, ..)) => FenceToken::new(token as u64).next().max(now.token_floor()),
                None => now.token_floor(),
            };
            run(
                "INSERT INTO alipayhk_notification_records
                     (key, token, state, answer, lease_boot, lease_until, expires_at)
                 VALUES (?1, ?2, ?3, NULL, ?4, ?5, ?6)
                 ON CONFLICT (key) DO UPDATE SET token = excluded.token, state = excluded.state,
                     answer = NULL, lease_boot = excluded.lease_boot,
                     lease_until = excluded.lease_until, expires_at = excluded.expires_at",
                params![
                    &key[..],
                    token.get() as i64,
                    STATE_CLAIMED,
                    now.host.boot,
                    now.lease_until,
                    now.expires_at
                ],
            )?;
            Ok(Claim::New(token))
        })
        .await
    }

    async fn renew(&self, key: &NotificationKey, token: FenceToken) -> Result<(), StoreError> {
        let key = *key.as_bytes();
        self.transaction(move |tx, now| {
            check_held(tx, &key, token)?;
            tx.execute(
                "UPDATE alipayhk_notification_records
                 SET lease_boot = ?2, lease_until = ?3, expires_at = max(expires_at, ?4) WHERE key = ?1",
                params![&key[..], now.host.boot, now.lease_until, now.expires_at],
            )
            .map(drop)
            .map_err(StoreError::backend)
        })
        .await
    }

    async fn complete(
        &self,
        key: &NotificationKey,
        token: FenceToken,
        answer: Vec<u8>,
    ) -> Result<(), StoreError> {
        let key = *key.as_bytes();
        self.transaction(move |tx, now| {
            check_held(tx, &key, token)?;
            record_answer(tx, &key, &answer, now.expires_at)
        })
        .await
    }

    async fn release(&self, key: &NotificationKey, token: FenceToken) -> Result<(), StoreError> {
        let key = *key.as_bytes();
        self.transaction(move |tx, now| {
            check_held(tx, &key, token)?;
            // The record stays, with its token, so the next claim's token is larger.
            tx.execute(
                "UPDATE alipayhk_notification_records
                 SET state = ?2, lease_boot = NULL, lease_until = NULL,
                     expires_at = max(expires_at, ?3) WHERE key = ?1",
                params![&key[..], STATE_RELEASED, now.expires_at],
            )
            .map(drop)
            .map_err(StoreError::backend)
        })
        .await
    }

    fn transaction(&self, key: &NotificationKey, token: FenceToken) -> Option<DeliveryTransaction> {
        let path = self.path.clone()?;
        Some(DeliveryTransaction::new(SqliteTransaction::new(
            path,
            *key,
            token,
            self.retention,
            self.clocks,
        )))
    }

    fn lease(&self) -> Duration {
        self.lease
    }

    fn retention(&self) -> Duration {
        self.retention
    }
}

/// Opens the store file at `path` (shared by the notification and intent stores): created
/// readable by its owner only if new, the 5-second busy timeout set before the first statement
/// (so the pragmas and the schema already wait on a busy file), then `prepare` run on it.
///
/// Processes that open a new file at once can race to switch it to WAL, and SQLite then
/// answers "database is locked" at once instead of waiting: the open is tried again, for as
/// long as the busy timeout would have waited.
pub(crate) fn open_file(
    path: &Path,
    prepare: impl Fn(&Connection) -> Result<(), rusqlite::Error>,
) -> Result<Connection, StoreError> {
    create_private(path)?;
    let open_once = || {
        let connection = Connection::open(path)?;
        connection.busy_timeout(Duration::from_secs(5))?;
        prepare(&connection)?;
        Ok(connection)
    };
    let mut attempts = 0;
    loop {
        match open_once() {
            Err(rusqlite::Error::SqliteFailure(error, _))
                if error.code == rusqlite::ErrorCode::DatabaseBusy && attempts < 100 =>
            {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
            other => return other.map_err(StoreError::backend),
        }
    }
}

/// Creates `path` with mode 0600 if it does not exist yet, so SQLite opens that file instead
/// of creating one with the process's umask.
fn create_private(path: &Path) -> Result<(), StoreError> {
    if path.as_os_str() == ":memory:" || path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(StoreError::backend(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stepped_wall() -> SystemTime {
        // An hour ahead of the real clock: an NTP step, or an operator's mistake.
        SystemTime::now() + Duration::from_secs(3600)
    }

    #[tokio::test]
    async fn a_wall_clock_step_neither_steals_nor_stretches_a_claim() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n.db");
        let lease = Duration::from_millis(300);
        let store = SqliteStore::open(&path).unwrap().with_lease(lease);
        let mut stepped = SqliteStore::open(&path).unwrap().with_lease(lease);
        stepped.clocks.wall = stepped_wall;
        let key = NotificationKey::new("TEST_CLIENT", "pointsBillNotify", &["B-1"]);
        let Claim::New(first) = store.claim(&key).await.unwrap() else {
            panic!("claimed")
        };
        // Seen by a process whose wall clock jumped an hour ahead, the live claim holds.
        assert_eq!(stepped.claim(&key).await.unwrap(), Claim::InProgress);
        // And once its lease has really run out, it is taken over, step or not.
        tokio::time::sleep(lease + Duration::from_millis(100)).await;
        let Claim::New(second) = stepped.claim(&key).await.unwrap() else {
            panic!("taken over")
        };
        assert!(second > first);
    }

    #[test]
    #[cfg(unix)]
    fn a_new_database_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notifications.sqlite");
        let store = SqliteStore::open(&path).unwrap();
        drop(store);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }

    #[test]
    fn opening_a_busy_file_waits_instead_of_failing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("busy.db");
        let holder = Connection::open(&path).unwrap();
        holder
            .execute_batch("BEGIN EXCLUSIVE; CREATE TABLE t (x);")
            .unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(500));
            holder.execute_batch("COMMIT;").unwrap();
        });
        // The busy timeout is set before the first statement, so the pragmas wait for the
        // other connection's transaction instead of failing with "database is locked".
        SqliteStore::open(&path).unwrap();
        release.join().unwrap();
    }

    #[tokio::test]
    async fn files_of_the_earlier_schema_keep_their_answers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        let key = NotificationKey::new("TEST_CLIENT", "pointsBillNotify", &["B-1"]);
        let old = Connection::open(&path).unwrap();
        old.execute_batch(
            "CREATE TABLE alipayhk_notifications (key BLOB PRIMARY KEY NOT NULL, claim INTEGER,
             answer BLOB, expires_at INTEGER NOT NULL) WITHOUT ROWID;",
        )
        .unwrap();
        old.execute(
            "INSERT INTO alipayhk_notifications VALUES (?1, NULL, ?2, ?3)",
            params![&key.as_bytes()[..], b"answer".to_vec(), i64::MAX],
        )
        .unwrap();
        drop(old);
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(
            store.claim(&key).await.unwrap(),
            Claim::Answered(b"answer".to_vec())
        );
    }
}
