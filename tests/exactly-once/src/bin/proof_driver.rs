//! Plays AlipayHK in the exactly-once proof.
//!
//! - `proof_driver keys DIR`: writes the platform's and the merchant's key pairs.
//! - `proof_driver run KIND LEDGER_URL KEYS_DIR PORTS BILLS KILLS_FILE PAUSED_FILE LOG_PREFIX`:
//!   delivers `BILLS` distinct bills to the servers on `PORTS` (comma-separated) as AlipayHK does: the first
//!   delivery of each to two servers at once, connections abandoned at random, re-deliveries
//!   after every answer but `S` on a compressed schedule. Then reads the ledger and prints
//!   one line, `KIND: S n/N, lost L, doubled D, superseded X, kills K, T s`, and exits 1
//!   unless nothing was lost or doubled.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use alipayhk::runtime::{Client, KeyRole, PrivateKey, PublicKey};
use alipayhk::{Amount, PointsBillNotifyPointsProvider, PointsBillNotifyRequest};
use alipayhk_exactly_once::Ledger;
use tokio::sync::Semaphore;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// AlipayHK's schedule, compressed: 2 min, 10 min, 10 min, 1 h, ... become seconds.
const SCHEDULE: [f64; 8] = [0.2, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 5.0];
/// How long one bill may take before it counts as lost.
const PATIENCE: Duration = Duration::from_secs(180);

struct Alipayhk {
    /// Per server: a patient client and one that hangs up almost at once.
    clients: Vec<(Client, Client)>,
    deliveries: AtomicU64,
    abandoned: AtomicU64,
}

impl Alipayhk {
    /// Delivers `bill` to server `server`; whether it was answered `S`.
    async fn deliver(&self, server: usize, bill: &PointsBillNotifyRequest, abandon: bool) -> bool {
        self.deliveries.fetch_add(1, Ordering::Relaxed);
        let (patient, impatient) = &self.clients[server];
        let client = if abandon {
            self.abandoned.fetch_add(1, Ordering::Relaxed);
            impatient
        } else {
            patient
        };
        client.execute(bill).await.is_ok()
    }
}

fn bill(bill_no: String) -> PointsBillNotifyRequest {
    PointsBillNotifyRequest::new(
        "2160220000000002",
        bill_no,
        Amount::new("HKD", 1800),
        "2026-12-02T11:12:13+08:00",
        PointsBillNotifyPointsProvider::Alipayhk,
    )
}

/// Delivers one bill until it is answered `S`, or patience runs out.
async fn one_bill(alipayhk: Arc<Alipayhk>, bill_no: String) -> bool {
    let notification = bill(bill_no);
    let servers = alipayhk.clients.len();
    let started = Instant::now();
    // The first delivery goes to two servers at once (AlipayHK's own retry racing its first
    // attempt through a load balancer), one of them often abandoned.
    let a = fastrand::usize(0..servers);
    let b = (a + 1 + fastrand::usize(0..servers - 1)) % servers;
    let (first, second) = tokio::join!(
        alipayhk.deliver(a, &notification, fastrand::f64() < 0.3),
        alipayhk.deliver(b, &notification, false),
    );
    if first || second {
        return true;
    }
    for attempt in 0.. {
        let pause = SCHEDULE[attempt.min(SCHEDULE.len() - 1)];
        tokio::time::sleep(Duration::from_secs_f64(pause)).await;
        if started.elapsed() > PATIENCE {
            return false;
        }
        let server = fastrand::usize(0..servers);
        if alipayhk
            .deliver(server, &notification, fastrand::f64() < 0.15)
            .await
        {
            return true;
        }
    }
    false
}

async fn run(args: &[String]) -> Result<bool, Error> {
    let [
        kind,
        ledger_url,
        keys,
        ports,
        bills,
        kills_file,
        paused_file,
        logs,
    ] = args
    else {
        return Err(
            "usage: proof_driver run KIND LEDGER_URL KEYS_DIR PORTS BILLS KILLS_FILE PAUSED_FILE LOG_PREFIX"
                .into(),
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
        clients.push((
            client(port, Duration::from_secs(5))?,
            client(port, impatient)?,
        ));
    }
    let alipayhk = Arc::new(Alipayhk {
        clients,
        deliveries: AtomicU64::new(0),
        abandoned: AtomicU64::new(0),
    });
    let bills: usize = bills.parse()?;
    let started = Instant::now();
    let in_flight = Arc::new(Semaphore::new(16));
    let mut tasks = Vec::with_capacity(bills);
    for n in 0..bills {
        let permit = in_flight.clone().acquire_owned().await?;
        let alipayhk = alipayhk.clone();
        tasks.push(tokio::spawn(async move {
            let answered = one_bill(alipayhk, format!("PROOF-{n:05}")).await;
            drop(permit);
            answered
        }));
    }
    let mut answered = 0;
    for task in tasks {
        answered += usize::from(task.await?);
    }
    let elapsed = started.elapsed().as_secs_f64();

    let ledger = Ledger::open(kind, ledger_url).await?;
    let tally = ledger.tally().await?;
    let pids = |file: &str| -> BTreeSet<u32> {
        std::fs::read_to_string(file)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.trim().parse().ok())
            .collect()
    };
    let killed = pids(kills_file);
    let paused = pids(paused_file);
    let disturbed: BTreeSet<u32> = killed.union(&paused).copied().collect();
    let written = (0..bills)
        .filter(|n| tally.entries.contains_key(&format!("PROOF-{n:05}")))
        .count();
    let lost = bills - answered.min(written);
    // The side effect applied twice: two ledger entries for one bill.
    let doubled = tally.entries.values().filter(|n| **n > 1).count();
    // Superseded runs are refused in two places: the runtime stops a handler whose renewal
    // finds its claim taken over, or refuses its answer; the ledger refuses its write.
    let stopped_by_runtime: usize = (0..ports.split(',').count())
        .map(|i| std::fs::read_to_string(format!("{logs}{i}.log")).unwrap_or_default())
        .map(|log| {
            log.lines()
                .filter(|l| {
                    l.contains("was taken over while its handler ran")
                        || l.contains("succeeded under a superseded claim")
                })
                .count()
        })
        .sum();
    println!(
        "{kind}: S {answered}/{bills}, lost {lost}, doubled {doubled}, superseded {}, kills {}, {elapsed:.0} s",
        tally.superseded as usize + stopped_by_runtime,
        killed.len(),
    );
    println!(
        "  {kind} detail: {} deliveries, {} abandoned by AlipayHK, {} bills in the ledger, {} pauses; {} handler re-runs found their bill already written ({} after its first writer was killed or paused, the others after it answered U)",
        alipayhk.deliveries.load(Ordering::Relaxed),
        alipayhk.abandoned.load(Ordering::Relaxed),
        tally.entries.len(),
        paused.len(),
        tally.reruns.len(),
        tally
            .reruns
            .iter()
            .filter(|(_, pid)| disturbed.contains(pid))
            .count(),
    );
    Ok(lost == 0 && doubled == 0)
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
