//! The statements `PostgresStore` and its handler transactions run, and their parameters: a
//! leaf, so the store and the transaction share one text of each.

use std::borrow::Cow;
use std::time::Duration;

use super::mutants::{Mutant, active};
use crate::store_values::FenceToken;

pub(super) const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS alipayhk_notification_records (
        key bytea PRIMARY KEY,          -- SHA-256 of the client id and the notification's key
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
const FREE: &str =
    "(r.expires_at <= now() OR r.state = 2 OR (r.state = 1 AND r.lease_until <= now()))";

/// A new token: one more than the record's, and at least the database clock in microseconds,
/// so that a token never repeats even when the record was lost (a failover to a replica that
/// had not received it, a restore).
pub(crate) const CLOCK_TOKEN: &str = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint";

/// `$1` key, `$2` nonce, `$3` lease ms, `$4` retention ms. `FREE` and `CLOCK_TOKEN` are
/// substituted once, in [`claim_sql`].
const CLAIM: &str = "
    INSERT INTO alipayhk_notification_records AS r
        (key, token, state, answer, claim_nonce, lease_until, expires_at)
    VALUES ($1, CLOCK_TOKEN, 1, NULL, $2, now() + $3 * interval '1 millisecond',
            now() + $4 * interval '1 millisecond')
    ON CONFLICT (key) DO UPDATE SET
        token = CASE WHEN FREE THEN greatest(r.token + 1, CLOCK_TOKEN) ELSE r.token END,
        state = CASE WHEN FREE THEN 1 ELSE r.state END,
        answer = CASE WHEN FREE THEN NULL ELSE r.answer END,
        lease_until = CASE WHEN FREE THEN excluded.lease_until ELSE r.lease_until END,
        claim_nonce = CASE WHEN FREE THEN excluded.claim_nonce ELSE r.claim_nonce END,
        -- Every use extends the record, answering from it included.
        expires_at = greatest(r.expires_at, excluded.expires_at)
    RETURNING token, state, answer, claim_nonce = $2 AS taken
";

/// The condition every fenced statement holds to: the claim under `$2` is the current one.
pub(super) const FENCE: &str = "token = $2 AND state = 1";

pub(super) const RENEW: &str = "
    UPDATE alipayhk_notification_records
    SET lease_until = now() + $3 * interval '1 millisecond',
        expires_at = greatest(expires_at, now() + $4 * interval '1 millisecond')
    WHERE key = $1 AND token = $2 AND state = 1
    RETURNING token
";

pub(super) const COMPLETE: &str = "
    UPDATE alipayhk_notification_records
    SET state = 3, answer = $3, lease_until = NULL,
        expires_at = greatest(expires_at, now() + $4 * interval '1 millisecond')
    WHERE key = $1 AND token = $2 AND state = 1
    RETURNING token
";

pub(super) const RELEASE: &str = "
    UPDATE alipayhk_notification_records
    SET state = 2, lease_until = NULL,
        expires_at = greatest(expires_at, now() + $3 * interval '1 millisecond')
    WHERE key = $1 AND token = $2 AND state = 1
    RETURNING token
";

pub(super) const SWEEP: &str = "
    DELETE FROM alipayhk_notification_records WHERE key IN (
        SELECT key FROM alipayhk_notification_records WHERE expires_at <= now() LIMIT 10000)
";

/// What the store relies on the server for, read in one statement.
pub(super) const SETTINGS: &str = "
    SELECT current_setting('synchronous_commit'), pg_is_in_recovery(),
           current_setting('synchronous_standby_names')
";

/// The claim statement, as run.
pub(super) fn claim_sql() -> String {
    let free = if active(Mutant::NoDedup) {
        "TRUE"
    } else {
        FREE
    };
    let clock = if active(Mutant::TokenRestart) {
        "1"
    } else {
        CLOCK_TOKEN
    };
    CLAIM.replace("FREE", free).replace("CLOCK_TOKEN", clock)
}

/// A fenced statement, as run: with its fence, unless the proof's mutant removes it.
pub(super) fn fenced_sql(sql: &'static str) -> Cow<'static, str> {
    if active(Mutant::IgnoreFence) {
        Cow::Owned(sql.replace(FENCE, "TRUE"))
    } else {
        Cow::Borrowed(sql)
    }
}

pub(crate) fn token_param(token: FenceToken) -> i64 {
    i64::try_from(token.get()).unwrap_or(i64::MAX)
}

pub(crate) fn millis(d: Duration) -> f64 {
    d.as_millis().min(i64::MAX as u128) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_claim_statement_has_every_part_substituted() {
        let sql = claim_sql();
        assert!(
            !sql.contains("FREE") && !sql.contains("CLOCK_TOKEN"),
            "{sql}"
        );
        assert_eq!(sql.matches(FREE).count(), 5);
        for fenced in [RENEW, COMPLETE, RELEASE] {
            assert!(fenced.contains(FENCE));
        }
    }
}
