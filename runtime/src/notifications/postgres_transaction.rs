//! A handler's writes in PostgreSQL, in one transaction with the notification's record.

use std::any::Any;
use std::ops::Deref;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use deadpool_postgres::Pool;
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};
use tokio_postgres::types::{ToSql, Type};

use super::handler_transaction::{Boxed, Commit};
use super::postgres_connection::Checkout;
use super::postgres_sql::{COMPLETE, fenced_sql, millis, token_param};
use super::store::{FenceToken, NotificationKey, StoreError};

/// The transaction a delivery's handler writes in, on `PostgresStore`'s own database
/// ([`Delivery::postgres`](super::Delivery::postgres)).
///
/// Begun on the first [`client`](Self::client) call, on a connection from the store's pool.
/// When the handler answers `S`, the router records the answer in the same transaction, under
/// the claim's fence, and commits: the handler's writes and the record commit together, and
/// only while the claim is the notification's current one. Any other ending (`F`, `U`, an
/// error, a panic, a stop, a superseded claim, a commit that failed) rolls the writes back.
///
/// Rules for the handler: do not `COMMIT` or `ROLLBACK` yourself (nest with savepoints if you
/// must); do not keep the client past your answer (it has ended then, and further use fails);
/// and do not sit idle in the transaction for longer than the store's lease (PostgreSQL ends
/// a session idle in a transaction that long, `idle_in_transaction_session_timeout`, so that a
/// handler cut off from the database does not hold its locks).
pub struct PostgresTransaction {
    pool: Pool,
    key: NotificationKey,
    token: FenceToken,
    lease: Duration,
    retention: Duration,
    began: AtomicBool,
    slot: Mutex<Slot>,
}

impl std::fmt::Debug for PostgresTransaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresTransaction")
            .field("key", &self.key)
            .field("token", &self.token)
            .field("began", &self.began.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

enum Slot {
    Idle,
    Open(InTransaction),
    Ended,
}

/// The transaction's connection: closed, not pooled, unless the transaction ended cleanly.
struct InTransaction(Checkout);

impl InTransaction {
    fn client(&self) -> &tokio_postgres::Client {
        self.0.client()
    }

    /// Ends the transaction with `statement` (`COMMIT` or `ROLLBACK`); the connection goes
    /// back to the pool only when that succeeded.
    async fn finish(self, statement: &str) -> Result<(), tokio_postgres::Error> {
        let outcome = self.client().batch_execute(statement).await;
        if outcome.is_ok() {
            self.0.release();
        }
        outcome
    }
}

/// The handler's connection, inside its transaction: a `tokio_postgres::Client`.
pub struct TransactionClient<'a>(MappedMutexGuard<'a, InTransaction>);

impl Deref for TransactionClient<'_> {
    type Target = tokio_postgres::Client;

    fn deref(&self) -> &tokio_postgres::Client {
        self.0.client()
    }
}

impl PostgresTransaction {
    pub(super) fn new(
        pool: Pool,
        key: NotificationKey,
        token: FenceToken,
        lease: Duration,
        retention: Duration,
    ) -> Self {
        Self {
            pool,
            key,
            token,
            lease,
            retention,
            began: AtomicBool::new(false),
            slot: Mutex::new(Slot::Idle),
        }
    }

    /// The connection to write on, inside the delivery's transaction (begun on first use).
    /// Fails once the delivery has been answered or stopped.
    pub async fn client(&self) -> Result<TransactionClient<'_>, StoreError> {
        let mut slot = self.slot.lock().await;
        if let Slot::Idle = *slot {
            let open = InTransaction(Checkout::get(&self.pool).await?);
            let begin = format!(
                "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL idle_in_transaction_session_timeout = {}",
                self.lease.as_millis().clamp(1, i32::MAX as u128)
            );
            open.client()
                .batch_execute(&begin)
                .await
                .map_err(StoreError::backend)?;
            *slot = Slot::Open(open);
            self.began.store(true, Ordering::SeqCst);
        }
        MutexGuard::try_map(slot, |slot| match slot {
            Slot::Open(open) => Some(open),
            _ => None,
        })
        .map(TransactionClient)
        .map_err(|_| StoreError::Transaction("has ended: its delivery was answered or stopped"))
    }
}

impl Commit for PostgresTransaction {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn began(&self) -> bool {
        self.began.load(Ordering::SeqCst)
    }

    fn commit(&self, answer: Vec<u8>) -> Boxed<'_, Result<(), StoreError>> {
        Box::pin(async move {
            let mut slot = self.slot.lock().await;
            let Slot::Open(open) = std::mem::replace(&mut *slot, Slot::Ended) else {
                return Err(StoreError::Transaction("was never begun"));
            };
            let key = &self.key.as_bytes()[..];
            let params: [(&(dyn ToSql + Sync), Type); 4] = [
                (&key, Type::BYTEA),
                (&token_param(self.token), Type::INT8),
                (&answer, Type::BYTEA),
                (&millis(self.retention), Type::FLOAT8),
            ];
            // The fenced update locks the record's row until the commit: a claim racing it
            // waits, then finds the answer.
            let recorded = open
                .client()
                .query_typed(&fenced_sql(COMPLETE), &params)
                .await;
            match recorded {
                Ok(rows) if rows.is_empty() => {
                    let _ = open.finish("ROLLBACK").await;
                    Err(StoreError::Superseded { token: self.token })
                }
                Ok(_) => open.finish("COMMIT").await.map_err(StoreError::backend),
                Err(error) => {
                    let _ = open.finish("ROLLBACK").await;
                    Err(StoreError::backend(error))
                }
            }
        })
    }

    fn roll_back(&self) -> Boxed<'_, ()> {
        Box::pin(async move {
            let mut slot = self.slot.lock().await;
            if let Slot::Open(open) = std::mem::replace(&mut *slot, Slot::Ended)
                && let Err(error) = open.finish("ROLLBACK").await
            {
                tracing::warn!(%error, "could not roll a handler's transaction back; its connection was closed instead");
            }
        })
    }
}
