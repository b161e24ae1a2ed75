//! The merchant's ledger in the exactly-once proof, in the same kind of database as the
//! notification store: the side effect a points notification has, written with the fencing
//! pattern the runtime's docs describe.
//!
//! Every write is appended (`bill`, `token`, `pid`), never updated, and under a per-bill lock:
//!
//! - a bill with an entry of a **larger** token: this run was superseded; nothing is written
//!   and the run is counted as superseded (it answers `U`);
//! - a bill with an entry of a **smaller** token: an earlier run wrote it and its process
//!   died before the answer was recorded; nothing is written, the run is counted as a re-run
//!   with the earlier writer's pid, and it answers `S`;
//! - otherwise the entry is appended.
//!
//! A bill with two entries is a double. Re-runs are not: only `S` is final, so a run that
//! wrote and then answered `U` (its ledger reply lost, its process killed or paused before
//! the answer was recorded) is run again, and the ledger tells it the bill is written.

use std::time::Duration;

use alipayhk::runtime::notifications::FenceToken;

mod postgres_ledger;
mod redis_ledger;
mod sqlite_ledger;

pub use postgres_ledger::PostgresLedger;
pub use redis_ledger::RedisLedger;
pub use sqlite_ledger::SqliteLedger;

/// What a run's write came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Written.
    New,
    /// Already written by an earlier run, in process `pid`.
    Earlier {
        /// The earlier writer's process.
        pid: u32,
    },
    /// A later run has written: this one was superseded.
    Superseded,
}

/// What the driver reads back.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Entries per bill.
    pub entries: std::collections::BTreeMap<String, u32>,
    /// Re-runs: the bill and the pid of its earlier writer.
    pub reruns: Vec<(String, u32)>,
    /// Runs refused by their token.
    pub superseded: u64,
}

/// A ledger in one of the three databases.
pub enum Ledger {
    /// PostgreSQL.
    Postgres(PostgresLedger),
    /// Redis.
    Redis(RedisLedger),
    /// An SQLite file.
    Sqlite(SqliteLedger),
}

/// A ledger error, as text (the proof prints it).
pub type LedgerError = Box<dyn std::error::Error + Send + Sync>;

impl Ledger {
    /// Opens the ledger of `kind` (`postgres`, `redis`, `sqlite`) at `url` (a path for SQLite).
    pub async fn open(kind: &str, url: &str) -> Result<Self, LedgerError> {
        Ok(match kind {
            "postgres" => Self::Postgres(PostgresLedger::connect(url).await?),
            "redis" => Self::Redis(RedisLedger::connect(url).await?),
            "sqlite" => Self::Sqlite(SqliteLedger::open(url)?),
            other => return Err(format!("no ledger kind {other}").into()),
        })
    }

    /// Writes `bill` under `token` for process `pid`, with the fencing rule above.
    pub async fn apply(
        &self,
        bill: &str,
        token: FenceToken,
        pid: u32,
    ) -> Result<Applied, LedgerError> {
        match self {
            Self::Postgres(l) => l.apply(bill, token, pid).await,
            Self::Redis(l) => l.apply(bill, token, pid).await,
            Self::Sqlite(l) => l.apply(bill, token, pid).await,
        }
    }

    /// Everything written.
    pub async fn tally(&self) -> Result<Tally, LedgerError> {
        match self {
            Self::Postgres(l) => l.tally().await,
            Self::Redis(l) => l.tally().await,
            Self::Sqlite(l) => l.tally().await,
        }
    }
}

/// How long the servers' claims hold unrenewed: short, so a killed server's claims are
/// taken over within the driver's patience.
pub const LEASE: Duration = Duration::from_secs(2);
