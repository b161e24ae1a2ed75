//! How the PostgreSQL stores (notifications, and the resolver's intents) reach the server: the
//! pool [`connect`](super::PostgresStore::connect) builds, the durability checks and schema run
//! before the first call, and one statement run on a pooled connection.
//!
//! A pooled connection goes back to the pool only after a clean exchange. A statement whose
//! future is dropped mid-flight (a timeout, a stopped handler) leaves its connection waiting
//! for a reply; a transaction left open leaves it inside that transaction. Returned to the
//! pool, such a connection would hang or corrupt the next caller's work, and deadpool's
//! recycling checks only that the connection is open. So a [`Checkout`] is returned to the pool
//! by [`release`](Checkout::release) alone; dropped any other way, it is detached and closed,
//! and the server rolls back whatever it had open.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{NoTls, Row};

use super::postgres_sql::SETTINGS;
use super::store::StoreError;

/// A connection out of the pool for one exchange.
pub(crate) struct Checkout(Option<Box<Object>>);

impl Checkout {
    /// A connection from `pool`.
    pub(crate) async fn get(pool: &Pool) -> Result<Self, StoreError> {
        let object = pool.get().await.map_err(StoreError::backend)?;
        Ok(Self(Some(Box::new(object))))
    }

    pub(crate) fn client(&self) -> &tokio_postgres::Client {
        self.0.as_deref().expect("held until released or dropped")
    }

    /// Returns the connection to the pool: its exchange ended cleanly.
    pub(crate) fn release(mut self) {
        drop(self.0.take());
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        if let Some(object) = self.0.take() {
            drop(Object::take(*object));
        }
    }
}

/// The pool a store's `connect(url)` builds (`postgres://user:password@host:port/database`):
/// plain TCP, 16 connections, 5-second timeouts, TCP keepalives.
pub(crate) fn pool(url: &str) -> Result<Pool, StoreError> {
    let mut config: tokio_postgres::Config = url.parse().map_err(StoreError::backend)?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(5));
    }
    // A database that stops answering while the connection stays open (a partition)
    // is noticed by the kernel, not only by our timeouts.
    config.keepalives(true);
    config.keepalives_idle(Duration::from_secs(10));
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(16)
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .wait_timeout(Some(Duration::from_secs(5)))
        .create_timeout(Some(Duration::from_secs(5)))
        .build()
        .map_err(StoreError::backend)
}

/// Before a store's first call: refuses a server that could lose what it acknowledged
/// ([`check_durability`]), then runs `schema` (`CREATE … IF NOT EXISTS`) in a transaction.
pub(crate) async fn prepare(pool: &Pool, schema: &str) -> Result<(), StoreError> {
    let mut client = pool.get().await.map_err(StoreError::backend)?;
    let settings = client
        .query_typed(SETTINGS, &[])
        .await
        .map_err(StoreError::backend)?;
    let settings = settings.first().ok_or_else(|| StoreError::backend(NoRow))?;
    check_durability(
        &settings.get::<_, String>(0),
        settings.get(1),
        &settings.get::<_, String>(2),
    )?;
    let tx = client.transaction().await.map_err(StoreError::backend)?;
    // Instances starting together would race to create the table; one at a time.
    tx.query_typed("SELECT pg_advisory_xact_lock(7460371526101)", &[])
        .await
        .map_err(StoreError::backend)?;
    tx.batch_execute(schema)
        .await
        .map_err(StoreError::backend)?;
    tx.commit().await.map_err(StoreError::backend)
}

/// Runs `sql` on a pooled connection and returns its rows. A connection the server had
/// closed (a restart, a failover) is dropped and the statement run once more on a fresh one,
/// so every statement a store runs here must be safe to run twice.
pub(crate) async fn query(
    pool: &Pool,
    sql: &str,
    params: &[(&(dyn ToSql + Sync), Type)],
) -> Result<Vec<Row>, StoreError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        // Dropped mid-statement (a timeout), the connection is closed, not pooled.
        let checkout = Checkout::get(pool).await?;
        match checkout.client().query_typed(sql, params).await {
            Ok(rows) => {
                checkout.release();
                return Ok(rows);
            }
            Err(error) if error.is_closed() && attempt == 1 => {
                tracing::debug!(%error, "a pooled connection was closed; retrying on a fresh one");
            }
            Err(error) => {
                // The server's own error leaves the connection usable; any other does not.
                if error.as_db_error().is_some() {
                    checkout.release();
                }
                return Err(StoreError::backend(error));
            }
        }
    }
}

/// Refuses settings under which an acknowledged record can vanish; warns about asynchronous
/// replicas.
fn check_durability(
    synchronous_commit: &str,
    in_recovery: bool,
    standby_names: &str,
) -> Result<(), StoreError> {
    if synchronous_commit == "off" {
        return Err(StoreError::Unsafe {
            setting: "synchronous_commit",
            found: "off".to_owned(),
            required: "on, local, remote_write or remote_apply: with off, a crash can lose a record the server acknowledged",
        });
    }
    if in_recovery {
        return Err(StoreError::Unsafe {
            setting: "pg_is_in_recovery()",
            found: "true (a read-only standby)".to_owned(),
            required: "the primary",
        });
    }
    if standby_names.trim().is_empty() {
        tracing::info!(
            "PostgreSQL has no synchronous standby: a failover to an asynchronous replica can lose the last records, and those notifications run again"
        );
    }
    Ok(())
}

/// A statement that always returns a row (an upsert with `RETURNING`, the settings) returned
/// none.
#[derive(Debug, thiserror::Error)]
#[error("the statement returned no row")]
pub(crate) struct NoRow;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_that_can_lose_a_record_are_refused() {
        assert!(matches!(
            check_durability("off", false, ""),
            Err(StoreError::Unsafe {
                setting: "synchronous_commit",
                ..
            })
        ));
        assert!(matches!(
            check_durability("on", true, ""),
            Err(StoreError::Unsafe { .. })
        ));
        for setting in ["on", "local", "remote_write", "remote_apply"] {
            check_durability(setting, false, "").unwrap();
        }
    }
}
