//! A handler's writes in the SQLite file, in one transaction with the notification's record.

use std::any::Any;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::Mutex;

use super::handler_transaction::{Boxed, Commit};
use super::sqlite_records::{Clocks, check_held, millis, record_answer};
use super::store::{FenceToken, NotificationKey, StoreError};
use crate::EpochMillis;

/// The transaction a delivery's handler writes in, on `SqliteStore`'s own file
/// ([`Delivery::sqlite`](super::Delivery::sqlite)).
///
/// Begun (`BEGIN IMMEDIATE`, on a connection of its own) on the first [`run`](Self::run).
/// When the handler answers `S`, the router checks that the claim is still the current one,
/// records the answer in the same transaction, and commits: the handler's writes and the
/// record commit together, or not at all. Any other ending rolls the writes back.
///
/// Do not `COMMIT` or `ROLLBACK` yourself, and keep the transaction short: SQLite has one
/// writer, and every other claim on the file waits for it.
pub struct SqliteTransaction {
    path: PathBuf,
    key: NotificationKey,
    token: FenceToken,
    retention: Duration,
    clocks: Clocks,
    began: AtomicBool,
    slot: Mutex<Slot>,
}

impl std::fmt::Debug for SqliteTransaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteTransaction")
            .field("key", &self.key)
            .field("token", &self.token)
            .field("began", &self.began.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// The transaction's connection. A connection dropped with its transaction open (a future
/// cancelled while its work ran) rolls the transaction back as SQLite closes it.
enum Slot {
    Idle,
    Open(Connection),
    Ended,
}

const ENDED: StoreError =
    StoreError::Transaction("has ended: its delivery was answered or stopped");

impl SqliteTransaction {
    pub(super) fn new(
        path: PathBuf,
        key: NotificationKey,
        token: FenceToken,
        retention: Duration,
        clocks: Clocks,
    ) -> Self {
        Self {
            path,
            key,
            token,
            retention,
            clocks,
            began: AtomicBool::new(false),
            slot: Mutex::new(Slot::Idle),
        }
    }

    /// Runs `work` on the transaction's connection, on tokio's blocking pool; the transaction
    /// is begun by the first call. Fails once the delivery has been answered or stopped.
    pub async fn run<T, W>(&self, work: W) -> Result<T, StoreError>
    where
        T: Send + 'static,
        W: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let mut slot = self.slot.lock().await;
        let connection = match std::mem::replace(&mut *slot, Slot::Ended) {
            Slot::Open(connection) => Some(connection),
            Slot::Idle => None,
            Slot::Ended => return Err(ENDED),
        };
        let path = self.path.clone();
        let (connection, outcome) = tokio::task::spawn_blocking(move || {
            let connection = match connection {
                Some(connection) => connection,
                None => {
                    let connection = Connection::open(&path)?;
                    connection.busy_timeout(Duration::from_secs(5))?;
                    connection.execute_batch("BEGIN IMMEDIATE")?;
                    connection
                }
            };
            let outcome = work(&connection);
            Ok::<_, rusqlite::Error>((connection, outcome))
        })
        .await
        .map_err(StoreError::backend)?
        .map_err(|error| {
            // Only opening or beginning fails here: nothing was begun, so it may be tried again.
            *slot = Slot::Idle;
            StoreError::backend(error)
        })?;
        *slot = Slot::Open(connection);
        self.began.store(true, Ordering::SeqCst);
        outcome.map_err(StoreError::backend)
    }
}

impl Commit for SqliteTransaction {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn began(&self) -> bool {
        self.began.load(Ordering::SeqCst)
    }

    fn commit(&self, answer: Vec<u8>) -> Boxed<'_, Result<(), StoreError>> {
        Box::pin(async move {
            let mut slot = self.slot.lock().await;
            let Slot::Open(connection) = std::mem::replace(&mut *slot, Slot::Ended) else {
                return Err(StoreError::Transaction("was never begun"));
            };
            let (key, token) = (*self.key.as_bytes(), self.token);
            let wall = EpochMillis::from((self.clocks.wall)()).as_millis();
            let expires_at = wall.saturating_add(millis(self.retention));
            tokio::task::spawn_blocking(move || {
                let recorded = check_held(&connection, &key, token)
                    .and_then(|()| record_answer(&connection, &key, &answer, expires_at));
                match recorded {
                    Ok(()) => connection
                        .execute_batch("COMMIT")
                        .map_err(StoreError::backend),
                    // Dropping the connection rolls the transaction back.
                    Err(error) => Err(error),
                }
            })
            .await
            .map_err(StoreError::backend)?
        })
    }

    fn roll_back(&self) -> Boxed<'_, ()> {
        Box::pin(async move {
            let mut slot = self.slot.lock().await;
            if let Slot::Open(connection) = std::mem::replace(&mut *slot, Slot::Ended) {
                // Closing the connection rolls the transaction back; off the async threads.
                let _ = tokio::task::spawn_blocking(move || drop(connection)).await;
            }
        })
    }
}
