//! `cargo run -p alipayhk --example webhook_server --features sqlite`, run as a merchant would
//! run it: keys from files, a port on 127.0.0.1, and the local gateway's notifier playing
//! AlipayHK. A notification delivered twice (as AlipayHK re-delivers after a lost answer) is
//! answered `S` both times and credited once; Ctrl-C stops the server cleanly.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use alipayhk::runtime::keys::files::write_private_key;
use alipayhk::{Amount, PointsBillNotifyPointsProvider, PointsBillNotifyRequest};
use alipayhk_gateway::{GatewayConfig, start};

/// The example's binary: built beside this test by `cargo test --workspace`, else built now.
fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test path");
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let binary = profile.join("examples").join("webhook_server");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "build",
            "-q",
            "-p",
            "alipayhk",
            "--example",
            "webhook_server",
        ])
        .args(["--features", "sqlite"])
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the example builds");
    assert!(binary.exists(), "{} exists", binary.display());
    binary
}

/// Stops the server with SIGINT, as Ctrl-C would, and returns its exit status and output.
fn interrupt(mut child: Child) -> (bool, String) {
    let pid = child.id().to_string();
    let _ = Command::new("kill").args(["-INT", &pid]).status();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not stop within 20 s of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut output = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut output)
        .expect("output");
    (status.success(), output)
}

fn bill(bill_no: &str) -> PointsBillNotifyRequest {
    PointsBillNotifyRequest::new(
        "2160220000000002",
        bill_no,
        Amount::new("HKD", 18_000),
        "2026-11-26T12:00:00+08:00",
        PointsBillNotifyPointsProvider::Alipayhk,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_example_credits_a_notification_delivered_twice_once() {
    let binary = example_binary();
    let config = GatewayConfig::generated("EXAMPLE_CLIENT").expect("keys");
    let merchant_key = config.merchant_key.clone().expect("generated");
    let gateway = start(config).await.expect("gateway");
    let dir = tempfile::tempdir().expect("dir");
    let merchant_file = dir.path().join("merchant_private.pem");
    write_private_key(&merchant_file, &merchant_key).expect("key written 0600");
    let alipayhk_file = dir.path().join("alipayhk_public.pem");
    std::fs::write(&alipayhk_file, gateway.platform_public_key.to_pem()).expect("public key");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();

    let child = Command::new(&binary)
        .arg("--merchant-key")
        .arg(&merchant_file)
        .arg("--alipayhk-public-key")
        .arg(&alipayhk_file)
        .args(["--client-id", "EXAMPLE_CLIENT"])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .arg("--db")
        .arg(dir.path().join("notifications.sqlite"))
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the example starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the example listens within 20 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let notifier = gateway
        .notifier(&format!("http://127.0.0.1:{port}/merchant/api/alipayhk"))
        .expect("notifier");
    let first = notifier.execute(&bill("B-1")).await;
    let again = notifier.execute(&bill("B-1")).await;
    let (stopped, output) = interrupt(child);

    assert_eq!(first.expect("delivered").result.result_code, "SUCCESS");
    assert_eq!(again.expect("re-delivered").result.result_code, "SUCCESS");
    assert!(stopped, "Ctrl-C stops it with success:\n{output}");
    let credited = output
        .lines()
        .filter(|l| l.contains("credited") && !l.contains("already"))
        .count();
    assert_eq!(credited, 1, "credited once:\n{output}");
    assert!(
        !output.contains("already credited"),
        "the re-delivery was answered from the store:\n{output}"
    );
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(dir.path().join("notifications.sqlite"))
            .expect("db")
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600, "the store file is private");
}
