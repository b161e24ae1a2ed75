//! A [`NotificationStore`] in PostgreSQL (feature `postgres`), for several instances.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};

use super::memory::{DEFAULT_LEASE, DEFAULT_RETENTION};
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
///   call that met it fails with [`StoreError::Backend`], answered `U`.
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

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS alipayhk_notification_records (
        key bytea PRIMARY KEY,          -- SHA-256 of the notification's key
        token bigint NOT NULL,          -- the fencing token of the latest claim
        state smallint NOT NULL,        -- 1 claimed, 2 released, 3 answered (S, final)
        answer bytea,                   -- the S answer, once answered
        claim_nonce bigint,             -- which claim call took the row, for RETURNING
        lease_until timestamptz,        -- while claimed: when the lease runs out
        expires_at timestamptz NOT NULL -- when the record may be forgotten
    );
    CREATE INDEX IF NOT EXISTS alipayhk_notification_records_expiry
        ON alipayhk_notification_records (expires_at);
";

/// A key is free when its record has expired, was released, or its lease ran out unrenewed.
const CLAIM: &str = "
    INSERT INTO alipayhk_notification_records AS r
        (key, token, state, answer, claim_nonce, lease_until, expires_at)
    VALUES ($1, 1, 1, NULL, $2, now() + $3 * interval '1 millisecond',
            now() + $4 * interval '1 millisecond')
    ON CONFLICT (key) DO UPDATE SET
        token = CASE WHEN r.expires_at <= now() OR r.state = 2
                       OR (r.state = 1 AND r.lease_until <= now())
                     THEN r.token + 1 ELSE r.token END,
        state = CASE WHEN r.expires_at <= now() OR r.state = 2
                       OR (r.state = 1 AND r.lease_until <= now())
                     THEN 1 ELSE r.state END,
        answer = CASE WHEN r.expires_at <= now() OR r.state = 2
                        OR (r.state = 1 AND r.lease_until <= now())
                      THEN NULL ELSE r.answer END,
        lease_until = CASE WHEN r.expires_at <= now() OR r.state = 2
                             OR (r.state = 1 AND r.lease_until <= now())
                           THEN excluded.lease_until ELSE r.lease_until END,
        claim_nonce = CASE WHEN r.expires_at <= now() OR r.state = 2
                             OR (r.state = 1 AND r.lease_until <= now())
                           THEN excluded.claim_nonce ELSE r.claim_nonce END,
        -- Every use extends the record, answering from it included.
        expires_at = greatest(r.expires_at, excluded.expires_at)
    RETURNING token, state, answer, claim_nonce = $2 AS taken
";

const RENEW: &str = "
    UPDATE alipayhk_notification_records
    SET lease_until = now() + $3 * interval '1 millisecond',
        expires_at = greatest(expires_at, now() + $4 * interval '1 millisecond')
    WHERE key = $1 AND token = $2 AND state = 1
    RETURNING token
";

const COMPLETE: &str = "
    UPDATE alipayhk_notification_records
    SET state = 3, answer = $3, lease_until = NULL,
        expires_at = greatest(expires_at, now() + $4 * interval '1 millisecond')
    WHERE key = $1 AND token = $2 AND state = 1
    RETURNING token
";

const RELEASE: &str = "
    UPDATE alipayhk_notification_records
    SET state = 2, lease_until = NULL,
        expires_at = greatest(expires_at, now() + $3 * interval '1 millisecond')
    WHERE key = $1 AND token = $2 AND state = 1
    RETURNING token
";

const SWEEP: &str = "
    DELETE FROM alipayhk_notification_records WHERE key IN (
        SELECT key FROM alipayhk_notification_records WHERE expires_at <= now() LIMIT 10000)
";

fn millis(d: Duration) -> f64 {
    d.as_millis().min(i64::MAX as u128) as f64
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`), creates the table
    /// if needed, with a 50-hour retention and a 30-second lease.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let mut config: tokio_postgres::Config = url.parse().map_err(StoreError::backend)?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(16)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(5)))
            .create_timeout(Some(Duration::from_secs(5)))
            .build()
            .map_err(StoreError::backend)?;
        Self::from_pool(pool).await
    }

    /// A store on a pool you built (for TLS, or your own sizes); creates the table if needed.
    pub async fn from_pool(pool: Pool) -> Result<Self, StoreError> {
        let mut client = pool.get().await.map_err(StoreError::backend)?;
        let tx = client.transaction().await.map_err(StoreError::backend)?;
        // Instances starting together would race to create the table; one at a time.
        tx.execute("SELECT pg_advisory_xact_lock(7460371526101)", &[])
            .await
            .map_err(StoreError::backend)?;
        tx.batch_execute(SCHEMA)
            .await
            .map_err(StoreError::backend)?;
        tx.commit().await.map_err(StoreError::backend)?;
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
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let client = self.pool.get().await.map_err(StoreError::backend)?;
            let run = async {
                let statement = client.prepare_cached(sql).await?;
                client.query(&statement, params).await
            };
            match run.await {
                Ok(rows) => return Ok(rows),
                Err(error) if error.is_closed() && attempt == 1 => {
                    tracing::debug!(%error, "a pooled connection was closed; retrying on a fresh one");
                }
                Err(error) => return Err(StoreError::backend(error)),
            }
        }
    }

    /// Runs one fenced `UPDATE … RETURNING`: a row back, or the token is not the current claim.
    async fn fenced(
        &self,
        sql: &str,
        token: FenceToken,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<(), StoreError> {
        match self.query(sql, params).await?.len() {
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
                && let Err(error) = client.execute(SWEEP, &[]).await
            {
                tracing::warn!(%error, "could not delete expired notification records");
            }
        });
    }
}

/// The claim statement returned no row, which an upsert with `RETURNING` cannot do.
#[derive(Debug, thiserror::Error)]
#[error("the claim statement returned no row")]
struct NoRow;

fn token_param(token: FenceToken) -> i64 {
    i64::try_from(token.get()).unwrap_or(i64::MAX)
}

impl NotificationStore for PostgresStore {
    async fn claim(&self, key: &NotificationKey) -> Result<Claim, StoreError> {
        self.sweep_now_and_then();
        let mut nonce = [0u8; 8];
        Backend::default().primitives().fill_random(&mut nonce);
        let nonce = i64::from_be_bytes(nonce);
        let rows = self
            .query(
                CLAIM,
                &[
                    &&key.as_bytes()[..],
                    &nonce,
                    &millis(self.lease),
                    &millis(self.retention),
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
        let params: [&(dyn ToSql + Sync); 4] = [
            &&key.as_bytes()[..],
            &token_param(token),
            &millis(self.lease),
            &millis(self.retention),
        ];
        self.fenced(RENEW, token, &params).await
    }

    async fn complete(
        &self,
        key: &NotificationKey,
        token: FenceToken,
        answer: Vec<u8>,
    ) -> Result<(), StoreError> {
        let params: [&(dyn ToSql + Sync); 4] = [
            &&key.as_bytes()[..],
            &token_param(token),
            &answer,
            &millis(self.retention),
        ];
        self.fenced(COMPLETE, token, &params).await
    }

    async fn release(&self, key: &NotificationKey, token: FenceToken) -> Result<(), StoreError> {
        let params: [&(dyn ToSql + Sync); 3] = [
            &&key.as_bytes()[..],
            &token_param(token),
            &millis(self.retention),
        ];
        self.fenced(RELEASE, token, &params).await
    }

    fn lease(&self) -> Duration {
        self.lease
    }

    fn retention(&self) -> Duration {
        self.retention
    }
}
