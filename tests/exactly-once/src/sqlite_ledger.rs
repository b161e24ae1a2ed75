//! The ledger in an SQLite file.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use alipayhk::runtime::notifications::FenceToken;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{Applied, LedgerError, Tally};

/// The ledger in an SQLite file: one immediate transaction per write.
pub struct SqliteLedger {
    connection: Arc<Mutex<Connection>>,
}

impl SqliteLedger {
    /// Opens (creating) the file.
    pub fn open(path: &str) -> Result<Self, LedgerError> {
        // Servers that start at once race to switch the new file to WAL, and SQLite then
        // answers "database is locked" without waiting: try again for a while.
        let mut attempts = 0;
        let connection = loop {
            match Self::open_once(path) {
                Err(rusqlite::Error::SqliteFailure(error, _))
                    if error.code == rusqlite::ErrorCode::DatabaseBusy && attempts < 200 =>
                {
                    attempts += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                other => break other?,
            }
        };
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
        })
    }

    fn open_once(path: &str) -> Result<Connection, rusqlite::Error> {
        let connection = Connection::open(path)?;
        connection.busy_timeout(Duration::from_secs(30))?;
        connection.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS proof_ledger (bill TEXT NOT NULL, token INTEGER NOT NULL, pid INTEGER NOT NULL);
             CREATE INDEX IF NOT EXISTS proof_ledger_bill ON proof_ledger (bill);
             CREATE TABLE IF NOT EXISTS proof_reruns (bill TEXT NOT NULL, earlier_pid INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS proof_superseded (bill TEXT NOT NULL);",
        )?;
        Ok(connection)
    }

    /// See [`Ledger::apply`](super::Ledger::apply).
    pub async fn apply(
        &self,
        bill: &str,
        token: FenceToken,
        pid: u32,
    ) -> Result<Applied, LedgerError> {
        let connection = self.connection.clone();
        let bill = bill.to_owned();
        let token = token.get() as i64;
        tokio::task::spawn_blocking(move || -> Result<Applied, LedgerError> {
            let mut connection = connection.lock().unwrap_or_else(|e| e.into_inner());
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let newest: Option<(i64, u32)> = tx
                .query_row(
                    "SELECT token, pid FROM proof_ledger WHERE bill = ?1 ORDER BY token DESC LIMIT 1",
                    params![bill],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let applied = match newest {
                Some((newest, _)) if newest >= token => {
                    tx.execute("INSERT INTO proof_superseded VALUES (?1)", params![bill])?;
                    Applied::Superseded
                }
                Some((_, earlier)) => {
                    tx.execute("INSERT INTO proof_reruns VALUES (?1, ?2)", params![bill, earlier])?;
                    Applied::Earlier { pid: earlier }
                }
                None => {
                    tx.execute("INSERT INTO proof_ledger VALUES (?1, ?2, ?3)", params![bill, token, pid])?;
                    Applied::New
                }
            };
            tx.commit()?;
            Ok(applied)
        })
        .await?
    }

    /// See [`Ledger::tally`](super::Ledger::tally).
    pub async fn tally(&self) -> Result<Tally, LedgerError> {
        let connection = self.connection.lock().unwrap_or_else(|e| e.into_inner());
        let mut tally = Tally::default();
        let mut entries =
            connection.prepare("SELECT bill, count(*) FROM proof_ledger GROUP BY bill")?;
        for row in entries.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))? {
            let (bill, n) = row?;
            tally.entries.insert(bill, n);
        }
        let mut reruns = connection.prepare("SELECT bill, earlier_pid FROM proof_reruns")?;
        for row in reruns.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))? {
            tally.reruns.push(row?);
        }
        tally.superseded =
            connection.query_row("SELECT count(*) FROM proof_superseded", [], |r| {
                r.get::<_, i64>(0)
            })? as u64;
        Ok(tally)
    }
}
