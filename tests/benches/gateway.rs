//! Client requests per second against the local gateway over keep-alive connections, next to
//! the pure signing ceiling measured in the same run.
//!
//! `cargo bench -p alipayhk-tests --bench gateway`
//!
//! Prints a table of verified calls per second and p50/p99 latency at 1, 16 and 64 calls in
//! flight, each as a share of the two-signatures-per-call ceiling from the same run.
//!
//! Every call costs two RSA private-key operations (the client signs the request, the gateway
//! signs the response) and two public-key ones, all on this machine's cores; the ratio shows
//! what HTTP, serialization, validation and routing add on top.
//!
//! The ceiling is what every core signing at once achieves, measured right before and right
//! after each level and averaged: this VM's signing rate drifts by a third within a minute,
//! and one core alone signs faster than each of two busy ones, so neither one measurement nor
//! one core times the core count is the rate the load level actually had.

use std::time::{Duration, Instant};

use alipayhk::runtime::sign;
use alipayhk::runtime::{Client, PrivateKey};
use alipayhk::{UpdatePassRequest, UpdatePassStatus, UpdatePassUpdateDetailType};
use alipayhk_gateway::{GatewayConfig, start};

const WINDOW: Duration = Duration::from_secs(5);
const CEILING_WINDOW: Duration = Duration::from_secs(3);

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

async fn run() {
    let config = GatewayConfig::generated("BENCH_CLIENT").unwrap();
    let merchant = config.merchant_key.clone().unwrap();
    let gateway = start(config).await.unwrap();
    let client = Client::builder()
        .base_url(gateway.url())
        .client_id("BENCH_CLIENT")
        .merchant_key(PrivateKey::merchant(&merchant.to_pkcs8_pem()).unwrap())
        .platform_key(gateway.platform_public_key.clone())
        .build()
        .unwrap();
    let request = UpdatePassRequest::new(
        "2160120000000001",
        "2020091119027102160530200000039",
        UpdatePassStatus::Update,
        UpdatePassUpdateDetailType::UpdateMemberCard,
    )
    .user_id("2160220000000002");

    let body = serde_json::to_vec(&request).unwrap();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "RSA-2048, {cores} cores, keep-alive, client and gateway in one process; each call is two \
         signatures, so the ceiling is all-core sign/s / 2 calls/s"
    );
    println!(
        "| in flight | all-core sign/s before / after | verified calls/s | of the ceiling | p50 | p99 |"
    );
    println!("|---|---|---|---|---|---|");
    for in_flight in [1, 16, 64] {
        let before = signs_per_second(&merchant, &body, cores);
        let run = load(&client, &request, in_flight).await;
        let after = signs_per_second(&merchant, &body, cores);
        let ceiling = (before + after) / 2.0 / 2.0;
        println!(
            "| {in_flight} | {before:.0} / {after:.0} | {:.0} | {:.2}x | {:.1} ms | {:.1} ms |",
            run.calls_per_second,
            run.calls_per_second / ceiling,
            run.p50.as_secs_f64() * 1e3,
            run.p99.as_secs_f64() * 1e3,
        );
    }
    println!("gateway requests seen: {}", gateway.requests_seen());
}

/// Signatures per second with `threads` threads each signing a request body as fast as it can
/// for the ceiling's window.
fn signs_per_second(key: &PrivateKey, body: &[u8], threads: usize) -> f64 {
    let started = Instant::now();
    let signs: u64 = std::thread::scope(|scope| {
        let signers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut signs = 0u64;
                    while started.elapsed() < CEILING_WINDOW {
                        std::hint::black_box(
                            sign::SignedContent {
                                method: "POST",
                                path: "/p",
                                client_id: "C",
                                time: "T",
                                body,
                            }
                            .sign(key),
                        );
                        signs += 1;
                    }
                    signs
                })
            })
            .collect();
        signers.into_iter().map(|s| s.join().unwrap()).sum()
    });
    signs as f64 / started.elapsed().as_secs_f64()
}

/// What one load level measured.
struct Run {
    calls_per_second: f64,
    p50: Duration,
    p99: Duration,
}

/// Keeps `in_flight` calls going for the window (after one warm-up call each, so the pool holds
/// its connections) and records every call's latency.
async fn load(client: &Client, request: &UpdatePassRequest, in_flight: usize) -> Run {
    let warm_up: Vec<_> = (0..in_flight)
        .map(|_| {
            let (client, request) = (client.clone(), request.clone());
            tokio::spawn(async move { client.execute(&request).await.map(drop) })
        })
        .collect();
    for call in warm_up {
        call.await.unwrap().expect("warm-up call succeeds");
    }
    let started = Instant::now();
    let workers: Vec<_> = (0..in_flight)
        .map(|_| {
            let (client, request) = (client.clone(), request.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while started.elapsed() < WINDOW {
                    let call = Instant::now();
                    client.execute(&request).await.expect("every call succeeds");
                    latencies.push(call.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    Run {
        calls_per_second: latencies.len() as f64 / elapsed,
        p50: at(0.50),
        p99: at(0.99),
    }
}
