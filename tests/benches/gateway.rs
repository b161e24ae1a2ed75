//! Client requests per second against the local gateway over keep-alive connections, next to
//! the pure signing ceiling measured in the same run.
//!
//! `cargo bench -p alipayhk-tests --bench gateway`
//!
//! Every call costs two RSA private-key operations (the client signs the request, the gateway
//! signs the response) and two public-key ones, all on this machine's cores; the ratio shows
//! what HTTP, serialization, validation and routing add on top.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use alipayhk::runtime::sign;
use alipayhk::runtime::{Client, PrivateKey};
use alipayhk::{UpdatePassRequest, UpdatePassStatus, UpdatePassUpdateDetailType};
use alipayhk_gateway::{GatewayConfig, start};

const WINDOW: Duration = Duration::from_secs(5);
const IN_FLIGHT: usize = 16;

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

    // The ceiling: one core signing as fast as it can.
    let body = serde_json::to_vec(&request).unwrap();
    let start_sign = Instant::now();
    let mut signs = 0u64;
    while start_sign.elapsed() < WINDOW {
        std::hint::black_box(
            sign::SignedContent {
                method: "POST",
                path: "/p",
                client_id: "C",
                time: "T",
                body: &body,
            }
            .sign(&merchant),
        );
        signs += 1;
    }
    let sign_rate = signs as f64 / start_sign.elapsed().as_secs_f64();

    // Warm the connection pool, then keep IN_FLIGHT calls going for the window.
    for _ in 0..IN_FLIGHT {
        client.execute(&request).await.unwrap();
    }
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..IN_FLIGHT)
        .map(|_| {
            let (client, request, done) = (client.clone(), request.clone(), done.clone());
            tokio::spawn(async move {
                while started.elapsed() < WINDOW {
                    client.execute(&request).await.expect("every call succeeds");
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    let call_rate = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();

    println!(
        "RSA-2048, {} cores, {IN_FLIGHT} calls in flight over keep-alive, client and gateway in one process",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:<52} {:>10.0}",
        "signing ceiling, one core: sign/s", sign_rate
    );
    println!(
        "{:<52} {:>10.0}  ({:.2}x the signing ceiling)",
        "client -> gateway -> client: verified calls/s",
        call_rate,
        call_rate / sign_rate
    );
    println!(
        "{:<52} {:>10}",
        "gateway requests seen",
        gateway.gateway.requests_seen()
    );
}
