//! Plays AlipayHK in the exactly-once proof, then judges what happened.
//!
//! - `proof_driver keys DIR`: writes the platform's and the merchant's key pairs.
//! - `proof_driver run KIND MODE STORE_URL KEYS_DIR PORTS BILLS WORK_DIR`: delivers `BILLS`
//!   distinct bills to the servers on `PORTS` (comma-separated) as AlipayHK does: the first
//!   delivery of each to two servers at once, connections abandoned at random, then up to 7
//!   re-deliveries on a compressed schedule while the answer is not `S`; a bill still without
//!   `S` after the eighth is lost. Then reads the effects logs and the fault log in `WORK_DIR`
//!   (and, in transactional mode, the committed effects in the store's database) and prints
//!   one line; exits 1 if anything was lost or committed twice, or (external mode) ran again
//!   without a fault to explain it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use alipayhk::runtime::{Client, KeyRole, PrivateKey, PublicKey};
use alipayhk::{Amount, PointsBillNotifyPointsProvider, PointsBillNotifyRequest};
use alipayhk_exactly_once::evidence::{executions, faults, judge};
use tokio::sync::Semaphore;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// AlipayHK's seven waits (2 min, 10 min, 10 min, 1 h, 2 h, 6 h, 15 h), compressed with the
/// lease (2 s here, 30 s by default): what the compression keeps is that the schedule outlasts
/// a dead holder's claim many times over (31.5 s against 2 s, as a day against 30 s), so a
/// bill still without `S` after the eighth delivery is lost by the webhook, not by the
/// compression.
const SCHEDULE: [f64; 7] = [0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 12.0];
/// How long AlipayHK waits for an answer before it counts the delivery as unanswered, as
/// compressed as its schedule: a handler slower than this (one in twenty takes 3 s) is
/// re-delivered while it still runs, which is what a claim's renewals must hold against.
const PATIENCE: Duration = Duration::from_millis(1500);

struct Alipayhk {
    /// Per server: a patient client and one that hangs up almost at once.
    clients: Vec<(Client, Client)>,
    deliveries: AtomicU64,
    abandoned: AtomicU64,
    started: Instant,
}

/// What became of one delivery, for the trace of a bill never answered `S`.
struct Attempt {
    /// Milliseconds since the run started, when it was sent and when it ended.
    sent: u128,
    took: u128,
    server: usize,
    abandoned: bool,
    outcome: String,
}

impl Alipayhk {
    /// Delivers `bill` to server `server`; whether it was answered `S`, and what happened.
    async fn deliver(
        &self,
        server: usize,
        bill: &PointsBillNotifyRequest,
        abandon: bool,
    ) -> (bool, Attempt) {
        self.deliveries.fetch_add(1, Ordering::Relaxed);
        let (patient, impatient) = &self.clients[server];
        let client = if abandon {
            self.abandoned.fetch_add(1, Ordering::Relaxed);
            impatient
        } else {
            patient
        };
        let sent = self.started.elapsed();
        let result = client.execute(bill).await;
        let attempt = Attempt {
            sent: sent.as_millis(),
            took: (self.started.elapsed() - sent).as_millis(),
            server,
            abandoned: abandon,
            outcome: match &result {
                Ok(_) => "S".to_owned(),
                Err(error) => error.to_string().chars().take(80).collect(),
            },
        };
        (result.is_ok(), attempt)
    }
}

fn bill(bill_no: String) -> PointsBillNotifyRequest {
    PointsBillNotifyRequest::new(
        "2160220000000002",
        bill_no,
        Amount::new("HKD", 1800),
        "2026-12-02 11:12:13",
        PointsBillNotifyPointsProvider::Alipayhk,
    )
}

/// Delivers one bill until it is answered `S`, or patience runs out: `Ok` when answered,
/// else every attempt, for the log.
async fn one_bill(alipayhk: Arc<Alipayhk>, bill_no: String) -> Result<(), Vec<Attempt>> {
    let notification = bill(bill_no);
    let servers = alipayhk.clients.len();
    // The first delivery goes to two servers at once (AlipayHK's own retry racing its first
    // attempt through a load balancer), one of them often abandoned.
    let a = fastrand::usize(0..servers);
    let b = (a + 1 + fastrand::usize(0..servers - 1)) % servers;
    let ((first, one), (second, two)) = tokio::join!(
        alipayhk.deliver(a, &notification, fastrand::f64() < 0.3),
        alipayhk.deliver(b, &notification, false),
    );
    if first || second {
        return Ok(());
    }
    let mut attempts = vec![one, two];
    for pause in SCHEDULE {
        tokio::time::sleep(Duration::from_secs_f64(pause)).await;
        let server = fastrand::usize(0..servers);
        // AlipayHK hangs up on a re-delivery now and then too; less often than on the first,
        // whose hang-ups already put most handlers past an abandoned connection. (At 15% a
        // bill whose every re-delivery also met a faulted server went unanswered in about one
        // run in eight, its effect committed once: the compressed schedule packs a day's
        // deliveries among a fault every two seconds.)
        let (answered, attempt) = alipayhk
            .deliver(server, &notification, fastrand::f64() < 0.05)
            .await;
        if answered {
            return Ok(());
        }
        attempts.push(attempt);
    }
    Err(attempts)
}

/// The committed effects per bill, from the store's database.
async fn committed(kind: &str, store_url: &str) -> Result<BTreeMap<String, i64>, Error> {
    let sql = "SELECT bill, count(*) FROM proof_effects GROUP BY bill";
    let mut rows = BTreeMap::new();
    match kind {
        "postgres" => {
            let (client, connection) =
                tokio_postgres::connect(store_url, tokio_postgres::NoTls).await?;
            tokio::spawn(connection);
            for row in client.query(sql, &[]).await? {
                rows.insert(row.get(0), row.get(1));
            }
        }
        "sqlite" => {
            let db = rusqlite::Connection::open(store_url)?;
            let mut statement = db.prepare(sql)?;
            let mut found = statement.query([])?;
            while let Some(row) = found.next()? {
                rows.insert(row.get(0)?, row.get(1)?);
            }
        }
        other => return Err(format!("no transactional store {other}").into()),
    }
    Ok(rows)
}

async fn run(args: &[String]) -> Result<bool, Error> {
    let [kind, mode, store_url, keys, ports, bills, work] = args else {
        return Err(
            "usage: proof_driver run KIND MODE STORE_URL KEYS_DIR PORTS BILLS WORK_DIR".into(),
        );
    };
    let read = |name: &str| std::fs::read_to_string(format!("{keys}/{name}"));
    let platform_pem = read("platform.pem")?;
    let merchant_public = PublicKey::parse(&read("merchant.pub")?, KeyRole::MerchantPublic)?;
    let client = |port: &str, timeout: Duration| -> Result<Client, Error> {
        Ok(Client::builder()
            .base_url(format!("http://127.0.0.1:{port}"))
            .client_id("PROOF_CLIENT")
            .merchant_key(PrivateKey::parse(&platform_pem, KeyRole::PlatformPrivate)?)
            .platform_key(merchant_public.clone())
            .timeout(timeout)
            .build()?)
    };
    let mut clients = Vec::new();
    for port in ports.split(',') {
        let impatient = Duration::from_millis(fastrand::u64(20..80));
        clients.push((client(port, PATIENCE)?, client(port, impatient)?));
    }
    let alipayhk = Arc::new(Alipayhk {
        clients,
        deliveries: AtomicU64::new(0),
        abandoned: AtomicU64::new(0),
        started: Instant::now(),
    });
    let bills: usize = bills.parse()?;
    // Bills of their own per run: a store's records outlive it.
    let run_id = alipayhk_exactly_once::now_nanos() % 1_000_000_000;
    let name = move |n: usize| format!("P{run_id:09}-{n:05}");
    let started = Instant::now();
    let in_flight = Arc::new(Semaphore::new(16));
    let mut tasks = Vec::with_capacity(bills);
    for n in 0..bills {
        let permit = in_flight.clone().acquire_owned().await?;
        let alipayhk = alipayhk.clone();
        tasks.push(tokio::spawn(async move {
            let answered = one_bill(alipayhk, name(n)).await;
            drop(permit);
            answered
        }));
    }
    let mut answered = 0;
    // The first few bills never answered S, with every delivery of each, for whoever reads a
    // failed run's logs.
    let mut unanswered = Vec::new();
    for (n, task) in tasks.into_iter().enumerate() {
        match task.await? {
            Ok(()) => answered += 1,
            Err(attempts) if unanswered.len() < 5 => unanswered.push((name(n), attempts)),
            Err(_) => {}
        }
    }
    let elapsed = started.elapsed().as_secs_f64();

    let executions = executions(work)?;
    let faults = faults(&format!("{work}/faults"));
    let judgement = judge(&executions, &faults, kind == "sqlite");
    let count = |kind: &str| faults.iter().filter(|f| f.kind == kind).count();
    let transactional = mode == "transactional";
    let (effects, doubled, with_effect) = if transactional {
        let rows = committed(kind, store_url).await?;
        let ours = |bill: &String| bill.starts_with(&name(0)[..10]);
        let effects: i64 = rows.iter().filter(|(b, _)| ours(b)).map(|(_, n)| n).sum();
        let doubled = rows.iter().filter(|(b, n)| ours(b) && **n > 1).count();
        (
            effects as usize,
            doubled,
            rows.keys().filter(|b| ours(b)).count(),
        )
    } else {
        let completed = |runs: &Vec<alipayhk_exactly_once::evidence::Execution>| {
            runs.iter().filter(|e| e.end.is_some()).count()
        };
        let effects = executions.values().map(completed).sum();
        let doubled = executions.values().filter(|r| completed(r) > 1).count();
        (
            effects,
            doubled,
            executions.values().filter(|r| completed(r) > 0).count(),
        )
    };
    let lost = bills - answered.min(with_effect);
    let causes: Vec<String> = judgement
        .reruns
        .iter()
        .map(|(cause, n)| format!("{cause} {n}"))
        .collect();
    let reruns: usize = judgement.reruns.values().sum();
    let unexplained = judgement.reruns.get("unexplained").copied().unwrap_or(0);
    println!(
        "{kind} {mode}: S {answered}/{bills}, lost {lost}, effects {effects} (doubled {doubled}), re-runs {reruns} by cause [{}], overlaps {}, partitions {}, slow spells {}, kills {}, pauses {}, restarts {}, {elapsed:.0} s",
        causes.join(", "),
        judgement.overlaps,
        count("partition"),
        count("slow"),
        count("kill"),
        count("pause"),
        count("restart"),
    );
    println!(
        "  {kind} {mode} detail: {} deliveries, {} abandoned by AlipayHK",
        alipayhk.deliveries.load(Ordering::Relaxed),
        alipayhk.abandoned.load(Ordering::Relaxed),
    );
    for example in &judgement.examples {
        println!("  {kind} {mode}: {example}");
    }
    let wall_start = alipayhk_exactly_once::now_nanos() - alipayhk.started.elapsed().as_nanos();
    for (bill, attempts) in &unanswered {
        println!("  {kind} {mode}: {bill} was never answered S; its deliveries:");
        for a in attempts {
            println!(
                "    at {} ns (+{} ms into the run), server {}, {}{} ms: {}",
                wall_start + a.sent * 1_000_000,
                a.sent,
                a.server,
                if a.abandoned { "abandoned after " } else { "" },
                a.took,
                a.outcome
            );
        }
    }
    // Transactional: every committed effect is the only one; a run that rolled back is no
    // effect, so a re-run needs no fault to excuse it (a commit can time out on a busy store,
    // as SQLite's one write lock under four processes does). External: a completed effect may
    // repeat only after a fault that explains it, and never alongside a live one.
    let held = lost == 0
        && if transactional {
            doubled == 0
        } else {
            unexplained == 0 && judgement.overlaps == 0
        };
    Ok(held)
}

fn keys(dir: &str) -> Result<(), Error> {
    std::fs::create_dir_all(dir)?;
    let platform = PrivateKey::generate(KeyRole::PlatformPrivate)?;
    let merchant = PrivateKey::generate(KeyRole::MerchantPrivate)?;
    alipayhk::runtime::keys::files::write_private_key(
        std::path::Path::new(&format!("{dir}/platform.pem")),
        &platform,
    )?;
    alipayhk::runtime::keys::files::write_private_key(
        std::path::Path::new(&format!("{dir}/merchant.pem")),
        &merchant,
    )?;
    std::fs::write(
        format!("{dir}/platform.pub"),
        platform.public_key().to_pem(),
    )?;
    std::fs::write(
        format!("{dir}/merchant.pub"),
        merchant.public_key().to_pem(),
    )?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("keys") if args.len() == 2 => keys(&args[1]),
        Some("run") => {
            if run(&args[1..]).await? {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
        _ => Err("usage: proof_driver keys DIR | proof_driver run ...".into()),
    }
}
