//! `cargo run --example refund` and `cargo run --example a_points` do what the README says:
//! each runs to the end against its own in-process gateway, and the refusals it shows are the
//! pages' codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Builds the gateway's example `name` and runs it to the end (at most a minute); its output.
fn run_example(name: &str) -> String {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "-q", "-p", "alipayhk-gateway", "--example", name])
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the example {name} builds");
    let exe = std::env::current_exe().expect("test path");
    let profile: PathBuf = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>")
        .to_path_buf();
    let mut child = Command::new(profile.join("examples").join(name))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example runs");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("waits").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the example {name} ran past a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{name}: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn the_refund_example_pays_refunds_in_part_and_is_refused_past_the_amount() {
    let out = run_example("refund");
    assert!(out.contains("-> ALIPAY_HK"), "{out}");
    assert!(out.contains("refused: RefundAmountExceed"), "{out}");
    assert!(out.contains("the payment: SUCCESS (S), HKD 50000"), "{out}");
    assert!(
        out.contains("refunded 20000 of 50000 in 1 refund(s)"),
        "{out}"
    );
}

#[test]
fn the_a_points_example_issues_reads_redeems_and_is_refused() {
    let out = run_example("a_points");
    assert!(out.contains("refused: PointsNotEnough"), "{out}");
    let balances: Vec<&str> = out
        .lines()
        .filter_map(|l| l.trim().strip_prefix("-> A. Points: "))
        .collect();
    assert_eq!(balances, ["0", "500", "380", "380"], "{out}");
}
