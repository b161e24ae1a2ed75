//! A TCP proxy on 127.0.0.1 between one webhook server and its database, for the partition
//! fault: while the file `PARTITION_FLAG` exists, it reads what either side sends and drops
//! it, keeping every connection open, as a network that stops forwarding would.
//!
//! `proof_proxy LISTEN_PORT UPSTREAM_PORT PARTITION_FLAG`

use std::path::PathBuf;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, tcp};

async fn pipe(mut from: tcp::OwnedReadHalf, mut to: tcp::OwnedWriteHalf, flag: PathBuf) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if flag.exists() {
            continue;
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            return;
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, listen, upstream, flag] = &args[..] else {
        return Err("usage: proof_proxy LISTEN_PORT UPSTREAM_PORT PARTITION_FLAG".into());
    };
    let listener = TcpListener::bind(("127.0.0.1", listen.parse::<u16>()?)).await?;
    let upstream = format!("127.0.0.1:{upstream}");
    let flag = PathBuf::from(flag);
    loop {
        let (client, _) = listener.accept().await?;
        let Ok(server) = TcpStream::connect(&upstream).await else {
            continue;
        };
        let (client_read, client_write) = client.into_split();
        let (server_read, server_write) = server.into_split();
        tokio::spawn(pipe(client_read, server_write, flag.clone()));
        tokio::spawn(pipe(server_read, client_write, flag.clone()));
    }
}
