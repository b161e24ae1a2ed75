//! The ledger in PostgreSQL.

use alipayhk::runtime::notifications::FenceToken;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use super::{Applied, LedgerError, Tally};

/// The ledger in PostgreSQL: appended rows, a transaction-scoped advisory lock per bill.
pub struct PostgresLedger {
    pool: Pool,
}

impl PostgresLedger {
    /// Connects and creates the tables.
    pub async fn connect(url: &str) -> Result<Self, LedgerError> {
        let config: tokio_postgres::Config = url.parse()?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(8)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()?;
        let mut client = pool.get().await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock(42)", &[]).await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS proof_ledger (bill text NOT NULL, token bigint NOT NULL, pid int NOT NULL);
             CREATE TABLE IF NOT EXISTS proof_reruns (bill text NOT NULL, earlier_pid int NOT NULL);
             CREATE TABLE IF NOT EXISTS proof_superseded (bill text NOT NULL);",
        )
        .await?;
        tx.commit().await?;
        drop(client);
        Ok(Self { pool })
    }

    /// See [`Ledger::apply`](super::Ledger::apply).
    pub async fn apply(
        &self,
        bill: &str,
        token: FenceToken,
        pid: u32,
    ) -> Result<Applied, LedgerError> {
        let token = token.get() as i64;
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&bill])
            .await?;
        let row = tx
            .query_opt(
                "SELECT token, pid FROM proof_ledger WHERE bill = $1 ORDER BY token DESC LIMIT 1",
                &[&bill],
            )
            .await?;
        let applied = match row.map(|r| (r.get::<_, i64>(0), r.get::<_, i32>(1))) {
            Some((newest, _)) if newest >= token => {
                tx.execute("INSERT INTO proof_superseded VALUES ($1)", &[&bill])
                    .await?;
                Applied::Superseded
            }
            Some((_, earlier)) => {
                tx.execute(
                    "INSERT INTO proof_reruns VALUES ($1, $2)",
                    &[&bill, &earlier],
                )
                .await?;
                Applied::Earlier {
                    pid: earlier as u32,
                }
            }
            None => {
                tx.execute(
                    "INSERT INTO proof_ledger VALUES ($1, $2, $3)",
                    &[&bill, &token, &(pid as i32)],
                )
                .await?;
                Applied::New
            }
        };
        tx.commit().await?;
        Ok(applied)
    }

    /// See [`Ledger::tally`](super::Ledger::tally).
    pub async fn tally(&self) -> Result<Tally, LedgerError> {
        let client = self.pool.get().await?;
        let mut tally = Tally::default();
        for row in client
            .query("SELECT bill, count(*) FROM proof_ledger GROUP BY bill", &[])
            .await?
        {
            tally
                .entries
                .insert(row.get(0), row.get::<_, i64>(1) as u32);
        }
        for row in client
            .query("SELECT bill, earlier_pid FROM proof_reruns", &[])
            .await?
        {
            tally.reruns.push((row.get(0), row.get::<_, i32>(1) as u32));
        }
        let superseded = client
            .query_one("SELECT count(*) FROM proof_superseded", &[])
            .await?;
        tally.superseded = superseded.get::<_, i64>(0) as u64;
        Ok(tally)
    }
}
