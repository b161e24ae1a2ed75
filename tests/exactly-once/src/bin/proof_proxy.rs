//! A TCP proxy on 127.0.0.1 between one webhook server and its database, for two faults:
//!
//! - **partition**: while the file `PARTITION_FLAG` exists, it reads what either side sends
//!   and drops it, keeping every connection open, as a network that stops forwarding would;
//! - **slow store**: while the file `SLOW_FLAG` exists, whatever either side sends arrives
//!   [`SLOW_DELAY`] late, longer than the servers' `store_timeout`, as a database stalled on
//!   its disk or a saturated link would. Order is kept, and nothing is dropped.
//!
//! `proof_proxy LISTEN_PORT UPSTREAM_PORT PARTITION_FLAG SLOW_FLAG`

use std::path::PathBuf;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, tcp};
use tokio::sync::mpsc;
use tokio::time::{Duration, Instant};

/// How late bytes arrive while the store is slow: past the proof servers' 1 s store timeout.
const SLOW_DELAY: Duration = Duration::from_millis(1500);

struct Flags {
    partition: PathBuf,
    slow: PathBuf,
}

/// Reads from one side and hands each chunk on with the time it may be delivered: delaying
/// by arrival, not one chunk after another, so a slow spell delays by `SLOW_DELAY` at most.
async fn read_side(
    mut from: tcp::OwnedReadHalf,
    chunks: mpsc::UnboundedSender<(Instant, Vec<u8>)>,
    flags: Arc<Flags>,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if flags.partition.exists() {
            continue;
        }
        let due = if flags.slow.exists() {
            Instant::now() + SLOW_DELAY
        } else {
            Instant::now()
        };
        if chunks.send((due, buffer[..n].to_vec())).is_err() {
            return;
        }
    }
}

async fn write_side(
    mut to: tcp::OwnedWriteHalf,
    mut chunks: mpsc::UnboundedReceiver<(Instant, Vec<u8>)>,
) {
    while let Some((due, chunk)) = chunks.recv().await {
        tokio::time::sleep_until(due).await;
        if to.write_all(&chunk).await.is_err() {
            return;
        }
    }
}

fn pipe(from: tcp::OwnedReadHalf, to: tcp::OwnedWriteHalf, flags: Arc<Flags>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    tokio::spawn(read_side(from, sender, flags));
    tokio::spawn(write_side(to, receiver));
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, listen, upstream, partition, slow] = &args[..] else {
        return Err("usage: proof_proxy LISTEN_PORT UPSTREAM_PORT PARTITION_FLAG SLOW_FLAG".into());
    };
    let listener = TcpListener::bind(("127.0.0.1", listen.parse::<u16>()?)).await?;
    let upstream = format!("127.0.0.1:{upstream}");
    let flags = Arc::new(Flags {
        partition: PathBuf::from(partition),
        slow: PathBuf::from(slow),
    });
    loop {
        let (client, _) = listener.accept().await?;
        let Ok(server) = TcpStream::connect(&upstream).await else {
            continue;
        };
        let (client_read, client_write) = client.into_split();
        let (server_read, server_write) = server.into_split();
        pipe(client_read, server_write, flags.clone());
        pipe(server_read, client_write, flags.clone());
    }
}
