//! A durable [`IntentStore`] in PostgreSQL (feature `postgres`), for several instances.

use std::sync::LazyLock;
use std::time::Duration;

use deadpool_postgres::Pool;
use tokio_postgres::Row;
use tokio_postgres::types::{ToSql, Type};

use super::intent_rows::{
    Claimed, DEFAULT_INTENT_LEASE, RECORD_COLUMNS, StoredIntent, settlement_columns, signed,
    token_from,
};
use super::intent_store::{
    Begin, FenceToken, Intent, IntentKey, IntentRecord, IntentStore, Settlement, Stage, StoreError,
};
use super::mutants::{self, Mutant};
use crate::crypto::Backend;
use crate::notifications::postgres_connection::{NoRow, pool, prepare, query};
use crate::notifications::postgres_sql::{CLOCK_TOKEN, millis, token_param};

/// An [`IntentStore`] in PostgreSQL: any number of instances, on any number of hosts, share
/// it, and whichever is alive resumes the intents of one that died. It may share the database
/// (and the pool) of `PostgresStore`: the table is `alipayhk_intents`.
///
/// The discipline is `PostgresStore`'s, for the same reasons:
///
/// - **One statement each.** `begin` is one `INSERT … ON CONFLICT DO UPDATE … RETURNING`
///   (which locks the key's row, so of concurrent begins exactly one takes it); `claim_due`
///   one `UPDATE` over a `SELECT … FOR UPDATE SKIP LOCKED`, so two resumers never hold the
///   same intent; every fenced write one `UPDATE … WHERE token = $token`, so a superseded
///   holder changes nothing.
/// - **The database's clock.** Leases are `now()` plus the lease, compared with `now()`: every
///   instance measures them alike, whatever its own clock says.
/// - **Tokens** are one more than the row's, and at least the database clock in microseconds:
///   one never repeats for a key, even if its row was lost (a failover to a replica that had
///   not received it, a restore).
/// - **Refuses an unsafe server** ([`StoreError::Unsafe`]) as `PostgresStore` does:
///   `synchronous_commit = off`, or a standby.
/// - **Pooled** with deadpool, every statement sent unnamed (so PgBouncer in transaction mode
///   works); a statement that met a connection the server had closed is run once more on a
///   fresh one. Each is safe to run twice: a `begin` run again finds its own hold (by the
///   call's nonce), and a fenced write that did run reports `Superseded` the second time,
///   what it wrote standing.
///
/// Settled intents are kept: the table is the merchant's record of how each call ended. An
/// operator may delete settled rows (`settlement IS NOT NULL`); never an unsettled one.
///
/// [`connect`](Self::connect) speaks plain TCP, for a database on the same network;
/// for TLS, build a pool with your TLS connector and use [`from_pool`](Self::from_pool).
#[derive(Clone)]
pub struct PostgresIntentStore {
    pool: Pool,
    lease: Duration,
}

impl std::fmt::Debug for PostgresIntentStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The pool's configuration holds the password: none of it is printed.
        f.debug_struct("PostgresIntentStore")
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS alipayhk_intents (
        key text PRIMARY KEY,           -- client id, endpoint and key values, length-prefixed
        endpoint text NOT NULL,         -- the endpoint's spec name: what resume dispatches on
        request bytea NOT NULL,         -- the request JSON as first written, never replaced
        deadline_ms bigint NOT NULL,    -- wall-clock epoch ms the merchant stops waiting
        stage text NOT NULL,            -- pending or cancelling: what a resumer does next
        settlement text,                -- done, failed, cancelled or unresolved: final
        outcome bytea,                  -- the response, the result, or the unresolved reason
        token bigint NOT NULL,          -- the fencing token of the latest hold
        holds bigint NOT NULL,          -- how many holds were taken: 1, then one a resume
        hold_nonce bigint,              -- which begin call took the hold, for RETURNING
        lease_until timestamptz,        -- when the hold runs out; NULL when not held
        created_at timestamptz NOT NULL DEFAULT now(),
        settled_at timestamptz
    );
    CREATE INDEX IF NOT EXISTS alipayhk_intents_due
        ON alipayhk_intents (deadline_ms) WHERE settlement IS NULL;
";

/// Unsettled, and nobody's lease is live: `begin` and `claim_due` may take it.
const FREE: &str = "(r.settlement IS NULL AND (r.lease_until IS NULL OR r.lease_until <= now()))";

/// `$1` key, `$2` endpoint, `$3` request, `$4` deadline, `$5` nonce, `$6` lease ms. A taken
/// row's `holds` tells a new intent (1) from a resumed one; a row not taken keeps everything,
/// `hold_nonce` included, so a retried call finds its own hold. Never sets `endpoint`,
/// `request` or `deadline_ms` on conflict: a resumed call goes on with its first request.
const BEGIN: &str = "
    INSERT INTO alipayhk_intents AS r
        (key, endpoint, request, deadline_ms, stage, token, holds, hold_nonce, lease_until)
    VALUES ($1, $2, $3, $4, 'pending', CLOCK_TOKEN, 1, $5,
            now() + $6 * interval '1 millisecond')
    ON CONFLICT (key) DO UPDATE SET
        token = CASE WHEN FREE THEN greatest(r.token + 1, CLOCK_TOKEN) ELSE r.token END,
        holds = CASE WHEN FREE THEN r.holds + 1 ELSE r.holds END,
        hold_nonce = CASE WHEN FREE THEN excluded.hold_nonce ELSE r.hold_nonce END,
        lease_until = CASE WHEN FREE THEN excluded.lease_until ELSE r.lease_until END
    RETURNING RECORD_COLUMNS, token, hold_nonce IS NOT DISTINCT FROM $5 AS taken, holds
";

/// `$1` limit, `$2` lease ms, `$3` the endpoints. `SKIP LOCKED` passes over rows another
/// resumer (or a `begin`) is taking right now, and the lock re-checks `FREE` on the row's
/// latest version, so no row is taken twice.
const CLAIM_DUE: &str = "
    UPDATE alipayhk_intents AS r
    SET token = greatest(r.token + 1, CLOCK_TOKEN), holds = r.holds + 1, hold_nonce = NULL,
        lease_until = now() + $2 * interval '1 millisecond'
    FROM (SELECT key FROM alipayhk_intents AS r WHERE FREE AND r.endpoint = ANY($3)
          ORDER BY deadline_ms, key LIMIT $1 FOR UPDATE SKIP LOCKED) AS due
    WHERE r.key = due.key
    RETURNING r.token, r.key, r.endpoint, r.request, r.deadline_ms, r.stage, r.settlement,
        r.outcome
";

/// The condition of every fenced write (`$1` key, `$2` token): the hold is the current one,
/// and neither released nor settled.
const FENCE: &str = "key = $1 AND token = $2 AND settlement IS NULL AND lease_until IS NOT NULL";

const RENEW: &str =
    "UPDATE alipayhk_intents SET lease_until = now() + $3 * interval '1 millisecond'
    WHERE FENCE RETURNING token";

const ADVANCE: &str = "UPDATE alipayhk_intents SET stage = $3 WHERE FENCE RETURNING token";

const SETTLE: &str = "UPDATE alipayhk_intents
    SET settlement = $3, outcome = $4, lease_until = NULL, hold_nonce = NULL, settled_at = now()
    WHERE FENCE RETURNING token";

/// The token stays, so the next hold's is larger.
const RELEASE: &str = "UPDATE alipayhk_intents SET lease_until = NULL, hold_nonce = NULL
    WHERE FENCE RETURNING token";

/// `$1` key, `$2` settlement, `$3` outcome. A new token, whoever held it: the holder's next
/// fenced write is refused.
const SETTLE_FROM_NOTIFICATION: &str = "
    UPDATE alipayhk_intents
    SET settlement = $2, outcome = $3, lease_until = NULL, hold_nonce = NULL,
        settled_at = now(), token = greatest(token + 1, CLOCK_TOKEN)
    WHERE key = $1 AND settlement IS NULL AND stage = 'pending'
    RETURNING token
";

/// A statement as run: its placeholders substituted once.
fn sql(text: &str) -> String {
    text.replace("RECORD_COLUMNS", RECORD_COLUMNS)
        .replace("FREE", FREE)
        .replace("FENCE", FENCE)
        .replace("CLOCK_TOKEN", CLOCK_TOKEN)
}

impl PostgresIntentStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`) with the pool
    /// `PostgresStore::connect` builds, checks that the server keeps what it acknowledges
    /// (see [`from_pool`](Self::from_pool)) and creates the table if needed, with a 30-second
    /// lease.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::from_pool(pool(url)?).await
    }

    /// A store on a pool you built (for TLS, your own sizes, or `PostgresStore`'s); creates the
    /// table if needed.
    ///
    /// Refuses ([`StoreError::Unsafe`]) a server with `synchronous_commit = off`, which may
    /// lose a committed intent in a crash, and a standby. A primary whose replicas are
    /// asynchronous is accepted with a note: a failover can lose the intents of its last
    /// moments (tokens stay unique through it).
    pub async fn from_pool(pool: Pool) -> Result<Self, StoreError> {
        prepare(&pool, SCHEMA).await?;
        Ok(Self {
            pool,
            lease: DEFAULT_INTENT_LEASE,
        })
    }

    /// How long a hold lasts unrenewed before another resolver may take the intent over.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Runs one fenced `UPDATE … RETURNING`: a row back, or the token does not hold the key.
    async fn fenced(
        &self,
        sql: &str,
        token: FenceToken,
        params: &[(&(dyn ToSql + Sync), Type)],
    ) -> Result<(), StoreError> {
        match query(&self.pool, sql, params).await?.len() {
            0 => Err(StoreError::Superseded { token }),
            _ => Ok(()),
        }
    }
}

/// [`RECORD_COLUMNS`] from `row`, starting at column `at`.
fn stored(row: &Row, at: usize) -> StoredIntent {
    StoredIntent {
        key: row.get(at),
        endpoint: row.get(at + 1),
        request: row.get(at + 2),
        deadline_ms: row.get(at + 3),
        stage: row.get(at + 4),
        settlement: row.get(at + 5),
        outcome: row.get(at + 6),
    }
}

impl IntentStore for PostgresIntentStore {
    async fn begin(&self, intent: &Intent) -> Result<Begin, StoreError> {
        static SQL: LazyLock<String> = LazyLock::new(|| sql(BEGIN));
        let mut nonce = [0u8; 8];
        Backend::default().primitives().fill_random(&mut nonce);
        let nonce = i64::from_be_bytes(nonce);
        let rows = query(
            &self.pool,
            &SQL,
            &[
                (&intent.key.as_str(), Type::TEXT),
                (&intent.endpoint.as_str(), Type::TEXT),
                (&intent.request.as_slice(), Type::BYTEA),
                (&signed(intent.deadline_ms), Type::INT8),
                (&nonce, Type::INT8),
                (&millis(self.lease), Type::FLOAT8),
            ],
        )
        .await?;
        let row = rows.first().ok_or_else(|| StoreError::backend(NoRow))?;
        let mut record = stored(row, 0).into_record()?;
        let (token, taken, holds): (i64, bool, i64) = (row.get(7), row.get(8), row.get(9));
        if let Some(settlement) = record.settlement.take() {
            return Ok(Begin::Settled(settlement));
        }
        Ok(match (taken, holds) {
            (true, 1) => Begin::New(token_from(token)),
            (true, _) => Begin::Resumed(token_from(token), record),
            (false, _) => Begin::Held,
        })
    }

    async fn claim_due(
        &self,
        limit: usize,
        endpoints: &[&str],
    ) -> Result<Vec<(FenceToken, IntentRecord)>, StoreError> {
        static SQL: LazyLock<String> = LazyLock::new(|| sql(CLAIM_DUE));
        static UNLOCKED: LazyLock<String> =
            LazyLock::new(|| sql(&CLAIM_DUE.replace(" FOR UPDATE SKIP LOCKED", "")));
        let statement = if mutants::active(Mutant::ClaimUnlocked) {
            &UNLOCKED
        } else {
            &SQL
        };
        let mut claimed = Claimed::new(limit);
        while let Some(wanted) = claimed.wanted() {
            let rows = query(
                &self.pool,
                statement,
                &[
                    (&i64::try_from(wanted).unwrap_or(i64::MAX), Type::INT8),
                    (&millis(self.lease), Type::FLOAT8),
                    (&endpoints, Type::TEXT_ARRAY),
                ],
            )
            .await?;
            let rows = rows
                .iter()
                .map(|row| (token_from(row.get(0)), stored(row, 1)));
            claimed.add(rows.collect(), wanted);
        }
        Ok(claimed.into_oldest_first())
    }

    async fn renew(&self, key: &IntentKey, token: FenceToken) -> Result<(), StoreError> {
        static SQL: LazyLock<String> = LazyLock::new(|| sql(RENEW));
        let params: [(&(dyn ToSql + Sync), Type); 3] = [
            (&key.as_str(), Type::TEXT),
            (&token_param(token), Type::INT8),
            (&millis(self.lease), Type::FLOAT8),
        ];
        self.fenced(&SQL, token, &params).await
    }

    async fn advance(
        &self,
        key: &IntentKey,
        token: FenceToken,
        stage: Stage,
    ) -> Result<(), StoreError> {
        static SQL: LazyLock<String> = LazyLock::new(|| sql(ADVANCE));
        let params: [(&(dyn ToSql + Sync), Type); 3] = [
            (&key.as_str(), Type::TEXT),
            (&token_param(token), Type::INT8),
            (&stage.as_str(), Type::TEXT),
        ];
        self.fenced(&SQL, token, &params).await
    }

    async fn settle(
        &self,
        key: &IntentKey,
        token: FenceToken,
        settlement: &Settlement,
    ) -> Result<(), StoreError> {
        static SQL: LazyLock<String> = LazyLock::new(|| sql(SETTLE));
        let (kind, outcome) = settlement_columns(settlement);
        let params: [(&(dyn ToSql + Sync), Type); 4] = [
            (&key.as_str(), Type::TEXT),
            (&token_param(token), Type::INT8),
            (&kind, Type::TEXT),
            (&outcome, Type::BYTEA),
        ];
        self.fenced(&SQL, token, &params).await
    }

    async fn settle_from_notification(
        &self,
        key: &IntentKey,
        settlement: &Settlement,
    ) -> Result<bool, StoreError> {
        static SQL: LazyLock<String> = LazyLock::new(|| sql(SETTLE_FROM_NOTIFICATION));
        let (kind, outcome) = settlement_columns(settlement);
        let rows = query(
            &self.pool,
            &SQL,
            &[
                (&key.as_str(), Type::TEXT),
                (&kind, Type::TEXT),
                (&outcome, Type::BYTEA),
            ],
        )
        .await?;
        Ok(!rows.is_empty())
    }

    async fn release(&self, key: &IntentKey, token: FenceToken) -> Result<(), StoreError> {
        static SQL: LazyLock<String> = LazyLock::new(|| sql(RELEASE));
        let params: [(&(dyn ToSql + Sync), Type); 2] = [
            (&key.as_str(), Type::TEXT),
            (&token_param(token), Type::INT8),
        ];
        self.fenced(&SQL, token, &params).await
    }

    async fn get(&self, key: &IntentKey) -> Result<Option<IntentRecord>, StoreError> {
        static SQL: LazyLock<String> = LazyLock::new(|| {
            format!("SELECT {RECORD_COLUMNS} FROM alipayhk_intents WHERE key = $1")
        });
        let rows = query(&self.pool, &SQL, &[(&key.as_str(), Type::TEXT)]).await?;
        rows.first()
            .map(|row| stored(row, 0).into_record())
            .transpose()
    }

    fn lease(&self) -> Duration {
        self.lease
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_has_its_placeholders_substituted() {
        for text in [
            BEGIN,
            CLAIM_DUE,
            RENEW,
            ADVANCE,
            SETTLE,
            RELEASE,
            SETTLE_FROM_NOTIFICATION,
        ] {
            let sql = sql(text);
            for placeholder in ["RECORD_COLUMNS", "FREE", "FENCE", "CLOCK_TOKEN"] {
                assert!(!sql.contains(placeholder), "{placeholder} in {sql}");
            }
        }
        for fenced in [RENEW, ADVANCE, SETTLE, RELEASE] {
            assert!(sql(fenced).contains(FENCE));
        }
    }
}
