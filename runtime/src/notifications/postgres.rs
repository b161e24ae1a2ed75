//! A [`NotificationStore`] in PostgreSQL (feature `postgres`), for several instances.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use deadpool_postgres::Pool;
use tokio_postgres::Row;
use tokio_postgres::types::{ToSql, Type};

use super::durations::{DEFAULT_LEASE, DEFAULT_RETENTION};
use super::handler_transaction::DeliveryTransaction;
use super::postgres_connection::{NoRow, pool, prepare, query};
use super::postgres_sql::{
    COMPLETE, RELEASE, RENEW, SCHEMA, SWEEP, claim_sql, fenced_sql, millis, token_param,
};
use super::postgres_transaction::PostgresTransaction;
use super::store::{Claim, FenceToken, NotificationKey, NotificationStore, StoreError};
use crate::crypto::Backend;

/// A [`NotificationStore`] in PostgreSQL: any number of webhook instances, on any number of
/// hosts, share it.
///
/// - **One statement each.** `claim` is one `INSERT … ON CONFLICT DO UPDATE … RETURNING`, which
///   locks the key's row, so of concurrent claims exactly one takes it; `renew`, `complete`
///   and `release` are each one `UPDATE … WHERE token = $token AND state = claimed`, so a
///   superseded holder changes nothing.
/// - **The database's clock.** Leases and retention are `now()` plus an interval, compared
///   with `now()`: every instance measures them on the same clock, whatever its own says.
/// - **Pooled** with deadpool (16 connections by default); a connection the server closed
///   (a restart, a failover) is dropped from the pool and replaced on the next call, and the
///   call that met it fails with [`StoreError::Backend`], answered `U`. A connection whose
///   statement was abandoned mid-flight (a timeout during a partition) is closed, never
///   pooled: it would answer the next caller with the old reply, or not at all.
/// - **The handler's writes in the record's transaction**: [`Delivery::postgres`](super::Delivery::postgres)
///   gives the handler a connection inside a transaction that the router commits with the
///   fenced answer ([`PostgresTransaction`]).
/// - The table `alipayhk_notification_records` is created on [`connect`](Self::connect), and
///   expired rows are deleted in batches, at most once a minute per instance.
///
/// [`connect`](Self::connect) speaks plain TCP, for a database on the same network;
/// for TLS, build a pool with your TLS connector and use [`from_pool`](Self::from_pool).
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
    retention: Duration,
    lease: Duration,
    last_sweep: Arc<AtomicU64>,
    started: tokio::time::Instant,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The pool's configuration holds the password: none of it is printed.
        f.debug_struct("PostgresStore")
            .field("retention", &self.retention)
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`), checks that the
    /// server keeps what it acknowledges (see [`from_pool`](Self::from_pool)) and creates the
    /// table if needed, with a 50-hour retention and a 30-second lease.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::from_pool(pool(url)?).await
    }

    /// A store on a pool you built (for TLS, or your own sizes); creates the table if needed.
    ///
    /// Refuses ([`StoreError::Unsafe`]) a server with `synchronous_commit = off`, which may
    /// lose a committed record in a crash, and a standby. A primary whose replicas are
    /// asynchronous (`synchronous_standby_names` empty) is accepted with a warning: a failover
    /// to such a replica can lose the records of the last moments before it, and a
    /// notification answered then is run again. Tokens stay unique through that (they are at
    /// least the database clock in microseconds). Every statement is sent unnamed
    /// (`query_typed`), so PgBouncer in transaction mode works.
    pub async fn from_pool(pool: Pool) -> Result<Self, StoreError> {
        prepare(&pool, SCHEMA).await?;
        Ok(Self {
            pool,
            retention: DEFAULT_RETENTION,
            lease: DEFAULT_LEASE,
            last_sweep: Arc::new(AtomicU64::new(0)),
            started: tokio::time::Instant::now(),
        })
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

    /// Runs `sql` on a pooled connection and returns its rows. A connection the server had
    /// closed (a restart, a failover) is dropped and the statement run once more on a fresh
    /// one. Every statement here may be run twice: a claim that did run finds itself "in
    /// progress" the second time, and a fenced update that did run finds its claim gone and
    /// reports it superseded; both are answered `U`, and what the first run wrote stands.
    async fn query(
        &self,
        sql: &str,
        params: &[(&(dyn ToSql + Sync), Type)],
    ) -> Result<Vec<Row>, StoreError> {
        query(&self.pool, sql, params).await
    }

    /// Runs one fenced `UPDATE … RETURNING`: a row back, or the token is not the current claim.
    async fn fenced(
        &self,
        sql: &'static str,
        token: FenceToken,
        params: &[(&(dyn ToSql + Sync), Type)],
    ) -> Result<(), StoreError> {
        match self.query(&fenced_sql(sql), params).await?.len() {
            0 => Err(StoreError::Superseded { token }),
            _ => Ok(()),
        }
    }

    /// Deletes expired records, at most once a minute per instance, off the caller's path.
    fn sweep_now_and_then(&self) {
        let now = self.started.elapsed().as_secs();
        let last = self.last_sweep.load(Ordering::Relaxed);
        if now < last + 60
            || self
                .last_sweep
                .compare_exchange(last, now.max(1), Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let pool = self.pool.clone();
        tokio::spawn(async move {
            if let Ok(client) = pool.get().await
                && let Err(error) = client.query_typed(SWEEP, &[]).await
            {
                tracing::warn!(%error, "could not delete expired notification records");
            }
        });
    }
}

impl NotificationStore for PostgresStore {
    async fn claim(&self, key: &NotificationKey) -> Result<Claim, StoreError> {
        static SQL: LazyLock<String> = LazyLock::new(claim_sql);
        self.sweep_now_and_then();
        let mut nonce = [0u8; 8];
        Backend::default().primitives().fill_random(&mut nonce);
        let nonce = i64::from_be_bytes(nonce);
        let rows = self
            .query(
                &SQL,
                &[
                    (&&key.as_bytes()[..], Type::BYTEA),
                    (&nonce, Type::INT8),
                    (&millis(self.lease), Type::FLOAT8),
                    (&millis(self.retention), Type::FLOAT8),
                ],
            )
            .await?;
        let row = rows.first().ok_or_else(|| StoreError::backend(NoRow))?;
        let token: i64 = row.get(0);
        let state: i16 = row.get(1);
        let taken: bool = row.get(3);
        Ok(match (taken, state) {
            (true, _) => Claim::New(FenceToken::new(token as u64)),
            (false, 3) => Claim::Answered(row.get::<_, Option<Vec<u8>>>(2).unwrap_or_default()),
            (false, _) => Claim::InProgress,
        })
    }

    async fn renew(&self, key: &NotificationKey, token: FenceToken) -> Result<(), StoreError> {
        let params: [(&(dyn ToSql + Sync), Type); 4] = [
            (&&key.as_bytes()[..], Type::BYTEA),
            (&token_param(token), Type::INT8),
            (&millis(self.lease), Type::FLOAT8),
            (&millis(self.retention), Type::FLOAT8),
        ];
        self.fenced(RENEW, token, &params).await
    }

    async fn complete(
        &self,
        key: &NotificationKey,
        token: FenceToken,
        answer: Vec<u8>,
    ) -> Result<(), StoreError> {
        let params: [(&(dyn ToSql + Sync), Type); 4] = [
            (&&key.as_bytes()[..], Type::BYTEA),
            (&token_param(token), Type::INT8),
            (&answer, Type::BYTEA),
            (&millis(self.retention), Type::FLOAT8),
        ];
        self.fenced(COMPLETE, token, &params).await
    }

    async fn release(&self, key: &NotificationKey, token: FenceToken) -> Result<(), StoreError> {
        let params: [(&(dyn ToSql + Sync), Type); 3] = [
            (&&key.as_bytes()[..], Type::BYTEA),
            (&token_param(token), Type::INT8),
            (&millis(self.retention), Type::FLOAT8),
        ];
        self.fenced(RELEASE, token, &params).await
    }

    fn transaction(&self, key: &NotificationKey, token: FenceToken) -> Option<DeliveryTransaction> {
        Some(DeliveryTransaction::new(PostgresTransaction::new(
            self.pool.clone(),
            *key,
            token,
            self.lease,
            self.retention,
        )))
    }

    fn lease(&self) -> Duration {
        self.lease
    }

    fn retention(&self) -> Duration {
        self.retention
    }
}
