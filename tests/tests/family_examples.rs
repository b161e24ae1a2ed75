//! `cargo run --example refund`, `a_points`, `a_points_authorisation`, `vouchers`,
//! `auto_earn`, `contract_card`, `order_sync` and `bill_sync` do what the README and docs/families.md say: each runs to the
//! end against its own in-process gateway, and the refusals it shows are the pages' codes.

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
    assert!(out.contains("-> userId: \"2160220000000002\""), "{out}");
}

#[test]
fn the_a_points_authorisation_example_agrees_on_the_page_and_reads_the_balance() {
    let out = run_example("a_points_authorisation");
    assert!(out.contains("/oauth/authorize?session="), "{out}");
    assert!(
        out.contains("-> redirected to https://merchant.example/points/back?order=42&authCode="),
        "{out}"
    );
    assert!(out.contains("-> authResult SUCCESS"), "{out}");
    assert_eq!(after(&out, "-> A. Points: "), ["500"], "{out}");
}

/// The lines of `out` that start (after indentation) with `prefix`, without it.
fn after<'a>(out: &'a str, prefix: &str) -> Vec<&'a str> {
    out.lines()
        .filter_map(|l| l.trim().strip_prefix(prefix))
        .collect()
}

#[test]
fn the_vouchers_example_audits_pauses_is_refused_lists_and_closes() {
    let out = run_example("vouchers");
    let statuses: Vec<&str> = after(&out, "-> status: ")
        .into_iter()
        .map(|s| s.split(' ').next().unwrap_or_default())
        .collect();
    assert_eq!(
        statuses,
        ["AUDIT", "ACTIVITING", "ACTIVTED", "CLOSED"],
        "{out}"
    );
    assert!(out.contains("refused: ProcessFail"), "{out}");
    assert!(out.contains("\"Summer HKD 10 off\": PAUSED"), "{out}");
    assert!(out.contains("-> 1 template(s) in all"), "{out}");
}

#[test]
fn the_auto_earn_example_reads_records_collects_stores_once_and_is_refused() {
    let out = run_example("auto_earn");
    assert_eq!(
        after(&out, "-> record "),
        [
            "BILL-0001 in 20230316001: HKD cents 18000",
            "BILL-0002 in 20230316002: HKD cents 2500",
            "BILL-0001 in 20230316001: HKD cents 18000",
        ],
        "{out}"
    );
    assert_eq!(
        after(&out, "-> store "),
        [
            "S-001: Tea House IFC (renamed)",
            "S-002: Tea House Pacific Place"
        ],
        "{out}"
    );
    assert!(out.contains("\"totalItemCount\":\"2\""), "{out}");
    assert!(out.contains("refused: ParamIllegal"), "{out}");
}

#[test]
fn the_contract_card_example_sends_once_updates_in_order_and_is_refused() {
    let out = run_example("contract_card");
    assert_eq!(
        after(&out, "-> card: "),
        [
            "WAIT_PAY",
            "WAIT_PAY -> OVERDUED",
            "WAIT_PAY -> OVERDUED",
            "WAIT_PAY -> OVERDUED -> CLOSED"
        ],
        "{out}"
    );
    assert!(out.contains("refused: UnSupportBusiness"), "{out}");
    assert!(out.contains("refused: OrderNotFound"), "{out}");
}

#[test]
fn the_order_sync_example_lists_syncs_is_refused_going_back_and_delists() {
    let out = run_example("order_sync");
    assert_eq!(
        after(&out, "-> order: "),
        ["PAID -> TICKETED (2 syncs)", "PAID -> TICKETED (2 syncs)"],
        "{out}"
    );
    assert!(out.contains("refused: OrderStatusInvalid"), "{out}");
    assert_eq!(
        after(&out, "-> \"Egg tart box\": listed "),
        ["true", "false"],
        "{out}"
    );
}

#[test]
fn the_bill_sync_example_keeps_the_latest_and_is_refused_an_empty_sync() {
    let out = run_example("bill_sync");
    assert_eq!(
        after(&out, "-> latest: "),
        [
            "\"JAN-2026\" after 1 sync(s)",
            "\"FEB-2026\" after 2 sync(s)",
            "\"FEB-2026\" after 2 sync(s)"
        ],
        "{out}"
    );
    assert!(out.contains("refused: ParamIllegal"), "{out}");
}
