//! One contract, four stores: the same checks, generic over `NotificationStore`, run against
//! the in-memory store, SQLite, and real PostgreSQL and Redis servers.
//!
//! The database servers come from the environment, as `.ci/run` (through
//! `scripts/stores.sh`) sets it:
//!
//! - `ALIPAYHK_TEST_POSTGRES_URL`, `ALIPAYHK_TEST_POSTGRES_RESTART` (a command that restarts
//!   the server);
//! - `ALIPAYHK_TEST_REDIS_URL`, `ALIPAYHK_TEST_REDIS_RESTART`.
//!
//! Without them a database's checks are skipped with a note, unless
//! `ALIPAYHK_REQUIRE_STORES=1` (as in CI), where a missing server is a failure.

mod checks;
mod harness;

use std::time::Duration;

use alipayhk::runtime::notifications::{InMemoryStore, PostgresStore, RedisStore, SqliteStore};
use harness::{Harness, Restart, server};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_in_memory_store_keeps_the_contract() {
    let harness = Harness {
        name: "memory",
        open: Box::new(|lease, retention| {
            Box::pin(async move {
                InMemoryStore::with_retention(retention)
                    .with_lease(lease)
                    .with_capacity(1000)
            })
        }),
        capacity: Some(1000),
        restart: Restart::None,
        // Its records die with the process, and every claim with them.
        forget: None,
    };
    checks::all(&harness).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_sqlite_store_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notifications.db");
    let forgotten = path.clone();
    let harness = Harness {
        name: "sqlite",
        open: Box::new(move |lease, retention| {
            let path = path.clone();
            Box::pin(async move {
                SqliteStore::open(&path)
                    .unwrap()
                    .with_lease(lease)
                    .with_retention(retention)
            })
        }),
        capacity: None,
        // A new process on the same file is what a restart is to SQLite.
        restart: Restart::Reopen,
        forget: Some(Box::new(move |key| {
            let path = forgotten.clone();
            Box::pin(async move {
                let db = rusqlite::Connection::open(path).unwrap();
                let sql = "DELETE FROM alipayhk_notification_records WHERE key = ?1";
                assert_eq!(db.execute(sql, [&key.as_bytes()[..]]).unwrap(), 1);
            })
        })),
    };
    checks::all(&harness).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_postgres_store_keeps_the_contract() {
    postgres_contract("POSTGRES", "postgres").await;
}

/// PgBouncer in transaction mode hands each transaction (and each statement outside one) to
/// any server connection: named prepared statements and session settings do not survive.
/// The store sends every statement unnamed, and keeps the contract through it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_postgres_store_keeps_the_contract_through_pgbouncer() {
    postgres_contract("PGBOUNCER", "pgbouncer").await;
}

/// The contract checks on `PostgresStore`, reached at the test environment's `kind` URL.
async fn postgres_contract(kind: &str, name: &'static str) {
    let Some((url, restart)) = server(kind) else {
        return;
    };
    let forgotten = url.clone();
    let harness = Harness {
        name,
        open: Box::new(move |lease, retention| {
            let url = url.clone();
            Box::pin(async move {
                PostgresStore::connect(&url)
                    .await
                    .unwrap()
                    .with_lease(lease)
                    .with_retention(retention)
            })
        }),
        capacity: None,
        restart: Restart::Command(restart),
        forget: Some(Box::new(move |key| {
            let url = forgotten.clone();
            Box::pin(async move {
                let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                    .await
                    .unwrap();
                tokio::spawn(connection);
                let sql = "DELETE FROM alipayhk_notification_records WHERE key = $1";
                let deleted = client.execute(sql, &[&&key.as_bytes()[..]]).await.unwrap();
                assert_eq!(deleted, 1);
            })
        })),
    };
    checks::all(&harness).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_redis_store_keeps_the_contract() {
    let Some((url, restart)) = server("REDIS") else {
        return;
    };
    let forgotten = url.clone();
    let harness = Harness {
        name: "redis",
        open: Box::new(move |lease, retention| {
            let url = url.clone();
            Box::pin(async move {
                RedisStore::connect(&url)
                    .await
                    .unwrap()
                    .with_lease(lease)
                    .with_retention(retention)
            })
        }),
        capacity: None,
        restart: Restart::Command(restart),
        // The record and its lease, as an evicting or failed-over server loses both.
        forget: Some(Box::new(move |key| {
            let url = forgotten.clone();
            Box::pin(async move {
                let client = redis::Client::open(url).unwrap();
                let mut connection = client.get_multiplexed_async_connection().await.unwrap();
                let hex = key.to_hex();
                let names = [
                    format!("alipayhk:notification:{{{hex}}}:record"),
                    format!("alipayhk:notification:{{{hex}}}:lease"),
                ];
                let deleted: usize = redis::cmd("DEL")
                    .arg(&names)
                    .query_async(&mut connection)
                    .await
                    .unwrap();
                assert_eq!(deleted, 2);
            })
        })),
    };
    checks::all(&harness).await;
}

/// The stores' own clocks are what leases are measured by; the checks leave this much slack
/// around every lease and retention, for a loaded CI machine.
pub const SLACK: Duration = Duration::from_millis(400);
