//! One contract, three stores: the checks of `IntentStore`'s contract, generic over the trait,
//! run against the in-memory store, SQLite (a temporary file), and a real PostgreSQL (direct,
//! and through PgBouncer in transaction mode).
//!
//! The servers come from the environment exactly as for `store_conformance` (the same
//! `server` function decides): `ALIPAYHK_TEST_POSTGRES_URL` and `_RESTART`,
//! `ALIPAYHK_TEST_PGBOUNCER_URL` and `_RESTART`. Without them the PostgreSQL checks are
//! skipped with a note, unless `ALIPAYHK_REQUIRE_STORES=1` (as in CI and `scripts/test.sh`),
//! where a missing server is a failure.

mod claims;
mod durability;
mod harness;
mod holds;
/// `server`, `run` and `Restart`, shared with the notification stores' suite.
#[allow(dead_code)]
#[path = "../store_conformance/harness.rs"]
mod shared;

use std::time::Duration;

use alipayhk::runtime::resolve::{
    IntentStore, MemoryIntentStore, PostgresIntentStore, SqliteIntentStore,
};
use harness::{Harness, Restart, RowEdit, server};

/// The stores' own clocks are what leases are measured by; the checks leave this much slack
/// around every lease, for a loaded CI machine.
pub const SLACK: Duration = Duration::from_millis(400);

async fn all<S: IntentStore>(h: &Harness<S>) {
    holds::concurrent_begins_take_it_once(h).await;
    holds::renewal_keeps_a_live_hold(h).await;
    holds::takeover_after_expiry_fences_the_old_holder(h).await;
    holds::settled_is_final(h).await;
    holds::a_notification_settles_whoever_holds(h).await;
    holds::the_request_is_never_replaced(h).await;
    claims::claim_due_never_hands_one_intent_twice(h).await;
    claims::released_intents_are_claimed_again(h).await;
    claims::claim_due_takes_only_the_named_endpoints(h).await;
    claims::unreadable_rows_hold_up_no_other(h).await;
    durability::tokens_never_repeat_after_a_row_is_lost(h).await;
    durability::restart_keeps_intents_and_tokens(h).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_memory_intent_store_keeps_the_contract() {
    let harness = Harness {
        name: "memory",
        open: Box::new(|lease| Box::pin(async move { MemoryIntentStore::new().with_lease(lease) })),
        // Its intents die with the process, and are never read from text.
        restart: Restart::None,
        forget: None,
        garble: None,
    };
    all(&harness).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_sqlite_intent_store_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("intents.db");
    let garbled = path.clone();
    let harness = Harness {
        name: "sqlite",
        open: Box::new(move |lease| {
            let path = path.clone();
            Box::pin(async move {
                SqliteIntentStore::connect(&path)
                    .await
                    .unwrap()
                    .with_lease(lease)
            })
        }),
        // A new process on the same file is what a restart is to SQLite.
        restart: Restart::Reopen,
        forget: Some(sqlite_edit(
            garbled.clone(),
            "DELETE FROM alipayhk_intents WHERE key = ?1",
        )),
        garble: Some(sqlite_edit(garbled, GARBLE_SQLITE)),
    };
    all(&harness).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_postgres_intent_store_keeps_the_contract() {
    postgres_contract("POSTGRES", "postgres").await;
}

/// Every statement is sent unnamed, so the store keeps the contract through PgBouncer in
/// transaction mode, which hands each statement to any server connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_postgres_intent_store_keeps_the_contract_through_pgbouncer() {
    postgres_contract("PGBOUNCER", "pgbouncer").await;
}

/// The checks on `PostgresIntentStore`, reached at the test environment's `kind` URL.
async fn postgres_contract(kind: &str, name: &'static str) {
    // Both runs share one database, and `claim_due` takes whatever is due in it: one at a
    // time, so neither claims the intents the other is checking.
    static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let Some((url, restart)) = server(kind) else {
        return;
    };
    let _turn = ONE_AT_A_TIME.lock().await;
    let garbled = url.clone();
    let harness = Harness {
        name,
        open: Box::new(move |lease| {
            let url = url.clone();
            Box::pin(async move {
                PostgresIntentStore::connect(&url)
                    .await
                    .unwrap()
                    .with_lease(lease)
            })
        }),
        restart: Restart::Command(restart),
        forget: Some(postgres_edit(
            garbled.clone(),
            "DELETE FROM alipayhk_intents WHERE key = $1",
        )),
        garble: Some(postgres_edit(garbled, GARBLE_POSTGRES)),
    };
    all(&harness).await;
}

/// A stage no version of ours writes.
const GARBLE_SQLITE: &str =
    "UPDATE alipayhk_intents SET stage = 'from-a-newer-version' WHERE key = ?1";
const GARBLE_POSTGRES: &str =
    "UPDATE alipayhk_intents SET stage = 'from-a-newer-version' WHERE key = $1";

/// Runs `sql` on the intent's row in the SQLite file at `path`; it must change that row.
fn sqlite_edit(path: std::path::PathBuf, sql: &'static str) -> RowEdit {
    Box::new(move |key| {
        let path = path.clone();
        Box::pin(async move {
            let db = rusqlite::Connection::open(path).unwrap();
            assert_eq!(db.execute(sql, [key.as_str()]).unwrap(), 1);
        })
    })
}

/// Runs `sql` on the intent's row in the PostgreSQL database at `url`; it must change that row.
fn postgres_edit(url: String, sql: &'static str) -> RowEdit {
    Box::new(move |key| {
        let url = url.clone();
        Box::pin(async move {
            let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(connection);
            assert_eq!(client.execute(sql, &[&key.as_str()]).await.unwrap(), 1);
        })
    })
}
