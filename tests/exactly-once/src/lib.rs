//! The exactly-once proof across processes (`scripts/exactly_once.sh`): webhook servers on a
//! shared store, a driver that plays AlipayHK, and the evidence.
//!
//! **The evidence is kept apart from what it judges.** Every handler execution that reaches
//! its side effect appends, unconditionally, a `begin` line before the effect and an `end`
//! line after it to an effects log: a file of its own process's, outside every store, each
//! line one `write(2)` to a file opened for appending. Nothing de-duplicates it; a second
//! execution of a bill is always visible.
//!
//! Two modes:
//! - **transactional** (PostgreSQL, SQLite): the effect is a row written in the delivery's
//!   transaction (`Delivery::postgres` / `Delivery::sqlite`), in a table *without* a unique
//!   constraint. Two committed rows for a bill are a double, whoever wrote them.
//! - **external**: the effect is a call elsewhere (a pause standing for an HTTP request in
//!   flight). Every second execution of a bill must be explained by its earlier execution
//!   having been killed, paused, cut off from the database, or caught by a database restart
//!   before its answer was recorded; and no two executions of a bill may overlap in time
//!   unless the earlier one's process was paused (an effect in flight when the process
//!   stopped completes when it resumes: the case downstream idempotency keys are for).

pub mod evidence;

use std::io::Write;
use std::time::{Duration, SystemTime};

/// How long the servers' claims hold unrenewed: short, so a killed server's claims are
/// taken over within the driver's schedule.
pub const LEASE: Duration = Duration::from_secs(2);

/// How long one store call may take, compressed with the lease (10 s against 30 s by
/// default): the slow-store fault delays the store past it.
pub const STORE_TIMEOUT: Duration = Duration::from_secs(1);

/// Nanoseconds since the Unix epoch: every process on the host reads the same clock.
pub fn now_nanos() -> u128 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos()
}

/// One process's effects log.
pub struct EffectsLog {
    file: std::fs::File,
    pid: u32,
}

impl EffectsLog {
    /// Opens (creating) `DIR/effects-PID.log` for appending.
    pub fn open(dir: &str) -> std::io::Result<Self> {
        let pid = std::process::id();
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(format!("{dir}/effects-{pid}.log"))?;
        Ok(Self { file, pid })
    }

    /// Appends `phase bill token pid nanos` in one write.
    pub fn append(&self, phase: &str, bill: &str, token: u64) -> std::io::Result<()> {
        let line = format!("{phase} {bill} {token} {} {}\n", self.pid, now_nanos());
        (&self.file).write_all(line.as_bytes())
    }
}
