//! The bounded soak that `scripts/soak.sh` runs against the `alipayhk-gateway` binary on
//! 127.0.0.1. Two roles, since one process cannot hold 20,000 sockets under a 20,000
//! descriptor limit:
//!
//! - `soak hold ADDR N`: opens N idle connections (500 connects in flight), prints
//!   `held N`, waits for a line on stdin, then prints how many the server had closed.
//! - `soak probe URL KEY_DIR CLIENT_ID REQUESTS IN_FLIGHT`: sends REQUESTS signed updatePass
//!   calls, IN_FLIGHT at a time, and prints how many succeeded with p50/p99 latency; then
//!   opens a slow-header connection (one byte a second) and prints when the server closed it
//!   (giving up after 40 s).
//!
//! Every loop is bounded in count and time; nothing leaves 127.0.0.1.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use alipayhk::runtime::{Client, KeyRole, PrivateKey, PublicKey};
use alipayhk::{UpdatePassRequest, UpdatePassStatus, UpdatePassUpdateDetailType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["hold", addr, n] => hold(addr.parse()?, n.parse()?).await,
        ["probe", url, key_dir, client_id, requests, in_flight] => {
            probe(
                url,
                Path::new(key_dir),
                client_id,
                requests.parse()?,
                in_flight.parse()?,
            )
            .await
        }
        _ => Err(
            "usage: soak hold ADDR N | soak probe URL KEY_DIR CLIENT_ID REQUESTS IN_FLIGHT".into(),
        ),
    }
}

async fn hold(addr: SocketAddr, n: usize) -> Result<()> {
    let gate = Arc::new(Semaphore::new(500));
    let mut tasks = Vec::with_capacity(n);
    for _ in 0..n {
        let permit = gate.clone().acquire_owned().await?;
        tasks.push(tokio::spawn(async move {
            let connected =
                tokio::time::timeout(Duration::from_secs(20), TcpStream::connect(addr)).await;
            drop(permit);
            connected.ok().and_then(|c| c.ok())
        }));
    }
    let mut held = Vec::with_capacity(n);
    for task in tasks {
        held.extend(task.await?);
    }
    println!("held {} of {n}", held.len());
    let line = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    });
    let _ = tokio::time::timeout(Duration::from_secs(300), line).await;
    let mut closed = 0;
    for socket in &mut held {
        let mut buf = [0u8; 1];
        if let Ok(Ok(0) | Err(_)) =
            tokio::time::timeout(Duration::from_millis(1), socket.read(&mut buf)).await
        {
            closed += 1;
        }
    }
    println!("closed by the server: {closed} of {}", held.len());
    Ok(())
}

async fn probe(
    url: &str,
    key_dir: &Path,
    client_id: &str,
    requests: usize,
    in_flight: usize,
) -> Result<()> {
    let read = |name: &str| std::fs::read_to_string(key_dir.join(name));
    let client = Client::builder()
        .base_url(url)
        .client_id(client_id)
        .merchant_key(PrivateKey::merchant(&read("merchant_private_key.pem")?)?)
        .platform_key(PublicKey::parse(
            &read("platform_public_key.pem")?,
            KeyRole::PlatformPublic,
        )?)
        .timeout(Duration::from_secs(20))
        .build()?;
    let gate = Arc::new(Semaphore::new(in_flight));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(requests);
    for _ in 0..requests {
        let permit = gate.clone().acquire_owned().await?;
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let request = UpdatePassRequest::new(
                "2160120000000001",
                "2020091119027102160530200000039",
                UpdatePassStatus::Update,
                UpdatePassUpdateDetailType::UpdateMemberCard,
            )
            .user_id("2160220000000002");
            let at = Instant::now();
            let outcome = client.execute(&request).await;
            drop(permit);
            (outcome.is_ok(), at.elapsed())
        }));
    }
    let mut latencies = Vec::with_capacity(requests);
    let mut succeeded = 0;
    for task in tasks {
        let (ok, latency) = task.await?;
        succeeded += usize::from(ok);
        latencies.push(latency);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q) as usize];
    println!(
        "requests: {succeeded} of {requests} answered S, {in_flight} in flight, {:.1} s, p50 {} ms, p99 {} ms",
        elapsed.as_secs_f64(),
        at(0.5).as_millis(),
        at(0.99).as_millis()
    );

    let addr: SocketAddr = url.trim_start_matches("http://").parse()?;
    let mut slow = TcpStream::connect(addr).await?;
    let head = b"POST /api/open/alipay/v1/ipass/pass/manage/updatePass HTTP/1.1\r\n";
    let opened = Instant::now();
    let mut closed_after = None;
    for byte in head.iter().take(40) {
        if slow.write_all(&[*byte]).await.is_err() {
            closed_after = Some(opened.elapsed());
            break;
        }
        // Any answer (an error status, or the end of the stream) ends the connection.
        let mut buf = [0u8; 512];
        if tokio::time::timeout(Duration::from_secs(1), slow.read(&mut buf))
            .await
            .is_ok()
        {
            closed_after = Some(opened.elapsed());
            break;
        }
    }
    match closed_after {
        Some(after) => println!(
            "slow-header connection closed after {:.1} s",
            after.as_secs_f64()
        ),
        None => println!("slow-header connection still open after 40 s"),
    }
    if succeeded != requests || closed_after.is_none() {
        return Err("the gateway lost requests or kept a slow-header connection".into());
    }
    Ok(())
}
