//! How the checks open a store, and restart what is behind it.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::Duration;

use alipayhk::runtime::notifications::{NotificationKey, NotificationStore};

/// Opens a store with a lease and a retention.
pub type Open<S> =
    Box<dyn Fn(Duration, Duration) -> Pin<Box<dyn Future<Output = S> + Send>> + Send + Sync>;

/// Deletes one key's record behind the store's back, as an evicting Redis or a failover to a
/// replica that never received it would.
pub type Forget =
    Box<dyn Fn(NotificationKey) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// One store under test.
pub struct Harness<S> {
    pub name: &'static str,
    pub open: Open<S>,
    /// The store's capacity, when it has one.
    pub capacity: Option<usize>,
    pub restart: Restart,
    /// How to lose a record, for a store whose records live outside the process.
    pub forget: Option<Forget>,
}

/// What a restart of the store's database is.
pub enum Restart {
    /// Nothing outlives the process: no restart to test.
    None,
    /// Open the store anew on the same file.
    Reopen,
    /// Run this shell command, which restarts the server.
    Command(String),
}

impl<S: NotificationStore> Harness<S> {
    pub async fn open(&self, lease: Duration, retention: Duration) -> S {
        (self.open)(lease, retention).await
    }

    /// A key no other check (nor earlier run on the same server) uses.
    pub fn key(&self, check: &str, n: usize) -> NotificationKey {
        static RUN: OnceLock<String> = OnceLock::new();
        let run = RUN.get_or_init(|| {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            format!("{}-{nanos}", std::process::id())
        });
        NotificationKey::new("TEST_CLIENT", self.name, &[run, check, &n.to_string()])
    }
}

/// The server `kind` (`POSTGRES`, `REDIS`) from the environment, or `None` (with a note)
/// when it is not configured and not required.
pub fn server(kind: &str) -> Option<(String, String)> {
    let url = std::env::var(format!("ALIPAYHK_TEST_{kind}_URL")).ok();
    let restart = std::env::var(format!("ALIPAYHK_TEST_{kind}_RESTART")).ok();
    match (url, restart) {
        (Some(url), Some(restart)) => Some((url, restart)),
        _ if std::env::var("ALIPAYHK_REQUIRE_STORES").as_deref() == Ok("1") => {
            panic!(
                "ALIPAYHK_REQUIRE_STORES=1 but ALIPAYHK_TEST_{kind}_URL and _RESTART are not set"
            )
        }
        _ => {
            eprintln!(
                "note: {kind} checks skipped; set ALIPAYHK_TEST_{kind}_URL and _RESTART (scripts/stores.sh starts a server)"
            );
            None
        }
    }
}

/// Runs a restart command to completion.
pub fn run(command: &str) {
    let status = std::process::Command::new("sh")
        .args(["-c", command])
        .status()
        .expect("the restart command runs");
    assert!(status.success(), "`{command}` failed: {status}");
}
