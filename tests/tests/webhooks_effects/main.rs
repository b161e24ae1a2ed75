//! Exactly-once *effects*, over 127.0.0.1 with real databases: a handler's writes commit with
//! the notification's record (PostgreSQL, SQLite) or not at all, and an instance cut off from
//! PostgreSQL mid-handler is stopped before another instance may run the notification, so no
//! side effect completes twice.

mod harness;
mod proxy;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use alipayhk::runtime::notifications::{
    Delivery, Inbox, InboxLimits, PostgresStore, SqliteStore, Stop, StoreError,
};
use alipayhk::runtime::{ResultInfo, ResultStatus};
use alipayhk::webhooks::Webhooks;
use alipayhk::{PointsBillNotifyRequest, PointsBillNotifyResponse};
use harness::{Keys, bill, postgres_url, status_of};
use proxy::Proxy;

/// The merchant's points ledger: each run writes one row in the store's transaction (no
/// unique constraint, so a second commit would show as a second row), then takes `hold`
/// (an external call), then counts a completed external effect.
struct PointsLedger {
    table: String,
    hold: Mutex<Duration>,
    answer: Mutex<ResultStatus>,
    completed: Arc<AtomicUsize>,
    stops: Arc<Mutex<Vec<Stop>>>,
}

impl PointsLedger {
    fn new(table: &str, completed: Arc<AtomicUsize>) -> Arc<Self> {
        Arc::new(Self {
            table: table.to_owned(),
            hold: Mutex::new(Duration::ZERO),
            answer: Mutex::new(ResultStatus::Success),
            completed,
            stops: Arc::default(),
        })
    }
}

fn unknown(error: StoreError) -> ResultInfo {
    ResultInfo::new("SYSTEM_ERROR", ResultStatus::Unknown, error.to_string())
}

impl Webhooks for PointsLedger {
    async fn points_bill_notify(
        &self,
        bill: PointsBillNotifyRequest,
        delivery: Delivery,
    ) -> Result<PointsBillNotifyResponse, ResultInfo> {
        let bill_no = bill.bill_no.into_inner();
        let token = delivery.token().expect("billNo is the key").get() as i64;
        let insert = format!("INSERT INTO {} (bill, token) VALUES ($1, $2)", self.table);
        if let Some(tx) = delivery.postgres() {
            let client = tx.client().await.map_err(unknown)?;
            client
                .execute(&insert, &[&bill_no, &token])
                .await
                .map_err(|e| unknown(StoreError::backend(e)))?;
        } else if let Some(tx) = delivery.sqlite() {
            tx.run(move |db| db.execute(&insert, (bill_no, token)))
                .await
                .map_err(unknown)?;
        }
        let hold = *self.hold.lock().unwrap();
        tokio::select! {
            () = tokio::time::sleep(hold) => {}
            why = delivery.cancelled() => {
                self.stops.lock().unwrap().push(why);
                std::future::pending::<()>().await;
            }
        }
        self.completed.fetch_add(1, Ordering::SeqCst);
        let status = self.answer.lock().unwrap().clone();
        Ok(PointsBillNotifyResponse::new(ResultInfo::new(
            if status == ResultStatus::Success {
                "SUCCESS"
            } else {
                "SYSTEM_ERROR"
            },
            status,
            "",
        )))
    }
}

fn unique(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}_{}_{nanos}", std::process::id())
}

async fn postgres_rows(url: &str, table: &str, bill: &str) -> i64 {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let sql = format!("SELECT count(*) FROM {table} WHERE bill = $1");
    client.query_one(&sql, &[&bill]).await.unwrap().get(0)
}

async fn create_postgres_table(url: &str, table: &str) {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let sql = format!("CREATE TABLE {table} (bill text NOT NULL, token bigint NOT NULL)");
    client.batch_execute(&sql).await.unwrap();
}

/// Delivers `bill_no` to `url` until it is answered `S` (at most 50 times).
async fn deliver_until_s(keys: &Keys, url: &str, bill_no: &str) {
    let alipayhk = keys.alipayhk(url, Duration::from_secs(10));
    for _ in 0..50 {
        if status_of(&alipayhk.execute(&bill(bill_no)).await) == "S" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{bill_no} was never answered S");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_writes_commit_with_the_record_once_and_roll_back_without_s() {
    let Some(url) = postgres_url("POSTGRES") else {
        return;
    };
    writes_commit_once_and_roll_back_without_s(url).await;
}

/// The same through PgBouncer in transaction mode: the handler's statements (named, prepared)
/// run inside its transaction, which PgBouncer keeps on one server connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn through_pgbouncer_writes_commit_with_the_record_once_and_roll_back_without_s() {
    let Some(url) = postgres_url("PGBOUNCER") else {
        return;
    };
    writes_commit_once_and_roll_back_without_s(url).await;
}

async fn writes_commit_once_and_roll_back_without_s(url: String) {
    let table = unique("ledger_commit");
    create_postgres_table(&url, &table).await;
    // The store's records outlive a test run: bills of their own per run.
    let (tx1, tx2) = (format!("{table}-1"), format!("{table}-2"));
    let keys = Keys::new();
    let completed = Arc::new(AtomicUsize::new(0));
    let (a, b) = (
        PointsLedger::new(&table, completed.clone()),
        PointsLedger::new(&table, completed.clone()),
    );
    *a.hold.lock().unwrap() = Duration::from_millis(300);
    let url_a = keys
        .serve(
            a.clone(),
            Inbox::new(PostgresStore::connect(&url).await.unwrap()),
        )
        .await;
    let url_b = keys
        .serve(
            b.clone(),
            Inbox::new(PostgresStore::connect(&url).await.unwrap()),
        )
        .await;
    // The first delivery reaches both instances at once; then AlipayHK re-delivers to each.
    let (to_a, to_b) = (
        keys.alipayhk(&url_a, Duration::from_secs(10)),
        keys.alipayhk(&url_b, Duration::from_secs(10)),
    );
    let notification = bill(&tx1);
    let (first, second) = tokio::join!(to_a.execute(&notification), to_b.execute(&notification));
    assert!(status_of(&first) == "S" || status_of(&second) == "S");
    deliver_until_s(&keys, &url_a, &tx1).await;
    deliver_until_s(&keys, &url_b, &tx1).await;
    assert_eq!(postgres_rows(&url, &table, &tx1).await, 1);

    // An answer that is not S commits nothing: the row is rolled back with it.
    *a.answer.lock().unwrap() = ResultStatus::Unknown;
    *a.hold.lock().unwrap() = Duration::ZERO;
    let unknown = keys
        .alipayhk(&url_a, Duration::from_secs(10))
        .execute(&bill(&tx2))
        .await;
    assert_eq!(status_of(&unknown), "U");
    assert_eq!(postgres_rows(&url, &table, &tx2).await, 0);
    *a.answer.lock().unwrap() = ResultStatus::Success;
    deliver_until_s(&keys, &url_a, &tx2).await;
    assert_eq!(postgres_rows(&url, &table, &tx2).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_writes_commit_with_the_record_once_and_roll_back_without_s() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("merchant.db");
    let table = "points_ledger";
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(&format!(
            "CREATE TABLE {table} (bill TEXT NOT NULL, token INTEGER NOT NULL)"
        ))
        .unwrap();
    let keys = Keys::new();
    let completed = Arc::new(AtomicUsize::new(0));
    let (a, b) = (
        PointsLedger::new(table, completed.clone()),
        PointsLedger::new(table, completed.clone()),
    );
    let url_a = keys
        .serve(a.clone(), Inbox::new(SqliteStore::open(&path).unwrap()))
        .await;
    let url_b = keys
        .serve(b.clone(), Inbox::new(SqliteStore::open(&path).unwrap()))
        .await;
    let rows = |bill: &'static str| {
        let path = path.clone();
        move || -> i64 {
            rusqlite::Connection::open(&path)
                .unwrap()
                .query_row(
                    &format!("SELECT count(*) FROM {table} WHERE bill = ?1"),
                    [bill],
                    |row| row.get(0),
                )
                .unwrap()
        }
    };
    let (to_a, to_b) = (
        keys.alipayhk(&url_a, Duration::from_secs(10)),
        keys.alipayhk(&url_b, Duration::from_secs(10)),
    );
    let notification = bill("TX-1");
    let _ = tokio::join!(to_a.execute(&notification), to_b.execute(&notification));
    deliver_until_s(&keys, &url_a, "TX-1").await;
    deliver_until_s(&keys, &url_b, "TX-1").await;
    assert_eq!(rows("TX-1")(), 1);

    *b.answer.lock().unwrap() = ResultStatus::Failure;
    let failed = keys
        .alipayhk(&url_b, Duration::from_secs(10))
        .execute(&bill("TX-2"))
        .await;
    assert_eq!(status_of(&failed), "F");
    assert_eq!(rows("TX-2")(), 0);
    deliver_until_s(&keys, &url_a, "TX-2").await;
    assert_eq!(rows("TX-2")(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_instance_partitioned_from_postgres_mid_handler_never_doubles_its_effect() {
    let Some(url) = postgres_url("POSTGRES") else {
        return;
    };
    let table = unique("ledger_partition");
    create_postgres_table(&url, &table).await;
    let cut = format!("{table}-1");
    let upstream = url
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let proxy = Proxy::start(upstream.clone()).await;
    let proxied = url.replacen(&upstream, &format!("127.0.0.1:{}", proxy.port), 1);
    let lease = Duration::from_secs(2);
    let limits = InboxLimits::default().store_timeout(Duration::from_secs(1));
    let keys = Keys::new();
    let completed = Arc::new(AtomicUsize::new(0));
    let (a, b) = (
        PointsLedger::new(&table, completed.clone()),
        PointsLedger::new(&table, completed.clone()),
    );
    // Instance A reaches PostgreSQL through the proxy; its handler writes, then takes 4 s,
    // twice the lease.
    *a.hold.lock().unwrap() = Duration::from_secs(4);
    let store_a = PostgresStore::connect(&proxied)
        .await
        .unwrap()
        .with_lease(lease);
    let store_b = PostgresStore::connect(&url)
        .await
        .unwrap()
        .with_lease(lease);
    let url_a = keys
        .serve(a.clone(), Inbox::with_limits(store_a, limits))
        .await;
    let url_b = keys
        .serve(b.clone(), Inbox::with_limits(store_b, limits))
        .await;

    let alipayhk_a = keys.alipayhk(&url_a, Duration::from_secs(10));
    let notification = bill(&cut);
    let at_a = tokio::spawn(async move { alipayhk_a.execute(&notification).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Cut A off from the database mid-handler, its row written but not committed.
    proxy.partition(true);
    // AlipayHK re-delivers to B after A's lease has run out at the database.
    tokio::time::sleep(lease + Duration::from_millis(500)).await;
    deliver_until_s(&keys, &url_b, &cut).await;
    proxy.partition(false);

    let at_a = at_a.await.unwrap();
    assert_eq!(status_of(&at_a), "U", "{at_a:?}");
    // A was told to stop before its lease could run out, and was stopped: its external
    // effect never completed, and its write never committed.
    assert_eq!(*a.stops.lock().unwrap(), [Stop::ClaimLost]);
    assert_eq!(completed.load(Ordering::SeqCst), 1);
    assert_eq!(postgres_rows(&url, &table, &cut).await, 1);
    // Healed, A answers the re-delivery from the record.
    deliver_until_s(&keys, &url_a, &cut).await;
    assert_eq!(completed.load(Ordering::SeqCst), 1);
    assert_eq!(postgres_rows(&url, &table, &cut).await, 1);
}
