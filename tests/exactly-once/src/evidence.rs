//! Reads the effects logs and the fault log, and judges them.

use std::collections::BTreeMap;
use std::time::Duration;

/// How long a store takes to recover from a partition or a restart: a connection opened
/// while the database was unreachable times out after 5 s (`PostgresStore`'s pool create
/// timeout, Redis's connection timeout), and a caller waiting for a pooled connection gives
/// up after 5 s more.
pub const RECOVERY: Duration = Duration::from_secs(10);

/// One execution of a handler that reached its effect.
#[derive(Debug, Clone)]
pub struct Execution {
    /// The process it ran in.
    pub pid: u32,
    /// Its claim's fence token.
    pub token: u64,
    /// When it began its effect (ns since the epoch).
    pub begin: u128,
    /// When its effect completed, if it did.
    pub end: Option<u128>,
}

/// A fault the chaos loop injected: `kill PID T`, `pause PID FROM TO`, `partition PID FROM
/// TO`, `slow PID FROM TO` (its store answers late), `restart - FROM TO`.
#[derive(Debug, Clone)]
pub struct Fault {
    /// `kill`, `pause`, `partition`, `slow` or `restart`.
    pub kind: String,
    /// The process it struck (none for a database restart).
    pub pid: Option<u32>,
    /// When it began (ns since the epoch).
    pub from: u128,
    /// When it ended.
    pub to: u128,
}

/// Every execution per bill, in the order of their claims.
pub fn executions(dir: &str) -> std::io::Result<BTreeMap<String, Vec<Execution>>> {
    let mut by_key: BTreeMap<(String, u64, u32), Execution> = BTreeMap::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !(name.starts_with("effects-") && name.ends_with(".log")) {
            continue;
        }
        for line in std::fs::read_to_string(&path)?.lines() {
            let parts: Vec<&str> = line.split(' ').collect();
            let [phase, bill, token, pid, at] = parts[..] else {
                continue;
            };
            let (Ok(token), Ok(pid), Ok(at)) = (token.parse(), pid.parse(), at.parse()) else {
                continue;
            };
            let execution = by_key
                .entry((bill.to_owned(), token, pid))
                .or_insert(Execution {
                    pid,
                    token,
                    begin: at,
                    end: None,
                });
            match phase {
                "begin" => execution.begin = at,
                "end" => execution.end = Some(at),
                _ => {}
            }
        }
    }
    let mut by_bill: BTreeMap<String, Vec<Execution>> = BTreeMap::new();
    for ((bill, ..), execution) in by_key {
        by_bill.entry(bill).or_default().push(execution);
    }
    // In claim order: a token is the database clock in microseconds when it was claimed.
    for runs in by_bill.values_mut() {
        runs.sort_by_key(|e| e.token);
    }
    Ok(by_bill)
}

/// The faults in `path` (missing: none).
pub fn faults(path: &str) -> Vec<Fault> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let parts: Vec<&str> = line.split_whitespace().collect();
            let kind = (*parts.first()?).to_owned();
            let pid = parts.get(1)?.parse().ok();
            let from: u128 = parts.get(2)?.parse().ok()?;
            let to = parts.get(3).and_then(|t| t.parse().ok()).unwrap_or(from);
            Some(Fault {
                kind,
                pid,
                from,
                to,
            })
        })
        .collect()
}

/// What the re-runs and overlaps of one run came to.
#[derive(Debug, Default)]
pub struct Judgement {
    /// Re-runs per cause (`killed`, `paused`, `partitioned`, `slowed`, `restart`,
    /// `unexplained`).
    pub reruns: BTreeMap<&'static str, usize>,
    /// Overlapping executions of one bill whose earlier process was not paused.
    pub overlaps: usize,
    /// The first few unexplained cases, for the log.
    pub examples: Vec<String>,
}

/// Why `earlier` (the older claim) did not record its answer before `later` ran: the fault
/// that struck it between its claim and the later of the two effects' beginnings. A claim's
/// token is the database clock in microseconds when it was taken (every process here shares
/// the host's clock).
///
/// A partition, a slow spell or a database restart is over for the store only once the
/// connections opened or broken during it have timed out and been replaced: up to
/// [`RECOVERY`] after it ended.
///
/// With `one_writer` (SQLite: one writer at a time for the whole file), a process paused
/// inside a write transaction holds every other process's writes too: a pause then strikes
/// every execution, not only its own process's.
fn cause(
    earlier: &Execution,
    later: &Execution,
    faults: &[Fault],
    one_writer: bool,
) -> &'static str {
    let claimed = u128::from(earlier.token) * 1000;
    let until = earlier.begin.max(later.begin);
    let window = |f: &Fault| {
        let recovery = match f.kind.as_str() {
            "partition" | "slow" | "restart" => RECOVERY.as_nanos(),
            _ => 0,
        };
        f.from <= until && f.to + recovery >= claimed
    };
    for (kind, label) in [
        ("kill", "killed"),
        ("pause", "paused"),
        ("partition", "partitioned"),
        ("slow", "slowed"),
    ] {
        let struck = |f: &Fault| f.pid == Some(earlier.pid) || (one_writer && kind == "pause");
        if faults
            .iter()
            .any(|f| f.kind == kind && struck(f) && window(f))
        {
            return label;
        }
    }
    if faults.iter().any(|f| f.kind == "restart" && window(f)) {
        return "restart";
    }
    "unexplained"
}

/// Judges every bill's executions against the faults. With `one_writer` (SQLite), a pause
/// strikes every process, since the paused one may hold the file's one write lock.
pub fn judge(
    executions: &BTreeMap<String, Vec<Execution>>,
    faults: &[Fault],
    one_writer: bool,
) -> Judgement {
    let mut judgement = Judgement::default();
    for (bill, runs) in executions {
        for pair in runs.windows(2) {
            let (earlier, later) = (&pair[0], &pair[1]);
            let why = cause(earlier, later, faults, one_writer);
            *judgement.reruns.entry(why).or_default() += 1;
            if why == "unexplained" && judgement.examples.len() < 5 {
                judgement.examples.push(format!(
                    "{bill}: token {} (pid {}) then token {} (pid {})",
                    earlier.token, earlier.pid, later.token, later.pid
                ));
            }
            // Intervals from the effect's beginning to its end (its beginning, when it never
            // completed): overlapping ones ran at once.
            let (earlier_end, later_end) = (
                earlier.end.unwrap_or(earlier.begin),
                later.end.unwrap_or(later.begin),
            );
            let overlapped = earlier.begin < later_end && later.begin < earlier_end;
            if overlapped && why != "paused" {
                judgement.overlaps += 1;
                if judgement.examples.len() < 5 {
                    judgement.examples.push(format!(
                        "{bill}: tokens {} and {} overlap ({why})",
                        earlier.token, later.token
                    ));
                }
            }
        }
    }
    judgement
}
