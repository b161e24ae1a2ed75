//! A clock every process on one host reads alike, and that no wall-clock step moves: what
//! the SQLite store measures leases by, since its processes share nothing but the file.
//!
//! On Linux it is `CLOCK_BOOTTIME` (it counts suspend, unlike `CLOCK_MONOTONIC`), tagged with
//! the kernel's boot id: after a reboot every process that held a lease is gone, so a lease
//! taken under another boot has run out whatever its number says. Elsewhere it falls back to
//! the wall clock, which a step can move; the store's docs say so.

/// A reading of the host clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostInstant {
    /// Which run of the clock this is (the boot id on Linux).
    pub(crate) boot: String,
    /// Milliseconds on that run.
    pub(crate) millis: i64,
}

#[cfg(target_os = "linux")]
pub(crate) fn now() -> HostInstant {
    use std::sync::OnceLock;
    static BOOT: OnceLock<String> = OnceLock::new();
    let boot = BOOT.get_or_init(|| {
        std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
            .map(|id| id.trim().to_owned())
            // Without /proc (a sandbox), every process still reads the same boot clock;
            // only a reboot would go unnoticed, and it also ends every holder.
            .unwrap_or_else(|_| "unknown-boot".to_owned())
    });
    let time = rustix::time::clock_gettime(rustix::time::ClockId::Boottime);
    let millis = time
        .tv_sec
        .saturating_mul(1000)
        .saturating_add(time.tv_nsec / 1_000_000);
    HostInstant {
        boot: boot.clone(),
        millis,
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn now() -> HostInstant {
    HostInstant {
        boot: "wall-clock".to_owned(),
        millis: crate::EpochMillis::from(std::time::SystemTime::now()).as_millis(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_host_clock_moves_forward_and_keeps_its_boot() {
        let a = super::now();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let b = super::now();
        assert_eq!(a.boot, b.boot);
        assert!(b.millis >= a.millis + 4, "{a:?} then {b:?}");
    }
}
