//! How the checks open an intent store, name their intents, lose a row behind the store's
//! back, and claim what they need from a database other checks (and earlier runs) share.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::Duration;

use alipayhk::runtime::resolve::{FenceToken, Intent, IntentKey, IntentRecord, IntentStore};

pub use crate::shared::{Restart, run, server};

/// Opens a store with a lease.
pub type Open<S> = Box<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = S> + Send>> + Send + Sync>;

/// Changes one intent's row behind the store's back.
pub type RowEdit = Box<dyn Fn(IntentKey) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// One store under test.
pub struct Harness<S> {
    pub name: &'static str,
    pub open: Open<S>,
    pub restart: Restart,
    /// How to lose a row, for a store whose rows live outside the process: deleted, as a
    /// restore of an older backup or a failover to a replica that never received it would.
    pub forget: Option<RowEdit>,
    /// How to make a row unreadable to this version: a stage no version of ours writes, as a
    /// newer version's row after a rollback, or a hand edit.
    pub garble: Option<RowEdit>,
}

/// A deadline no check's claims reach before their own: 2100-01-01.
pub const FAR: u64 = 4_102_444_800_000;

impl<S: IntentStore> Harness<S> {
    pub async fn open(&self, lease: Duration) -> S {
        (self.open)(lease).await
    }

    /// A key no other check (nor earlier run on the same server) uses.
    pub fn key(&self, check: &str, n: usize) -> IntentKey {
        static RUN: OnceLock<String> = OnceLock::new();
        let run = RUN.get_or_init(|| {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            format!("{}-{nanos}", std::process::id())
        });
        IntentKey::new(
            "TEST_CLIENT",
            "pay",
            &[self.name, run, check, &n.to_string()],
        )
    }

    /// The intent `n` of `check`, due at `deadline_ms`.
    pub fn intent(&self, check: &str, n: usize, deadline_ms: u64) -> Intent {
        Intent {
            key: self.key(check, n),
            endpoint: "pay".to_owned(),
            request: format!(r#"{{"check":"{check}","n":{n}}}"#).into_bytes(),
            deadline_ms,
        }
    }
}

/// Calls `claim_due(batch)` until every key of `own` is held, and returns their tokens, in the
/// order they were claimed. Intents of other checks or earlier runs that come up meanwhile are
/// held until the end (so they cannot come up again), then released, untouched. Panics if
/// `claim_due` runs dry first, or hands any intent out twice.
pub async fn claim_own<S: IntentStore>(
    store: &S,
    own: &[IntentKey],
    batch: usize,
) -> Vec<(IntentKey, FenceToken, IntentRecord)> {
    let mut claimed: Vec<(IntentKey, FenceToken, IntentRecord)> = Vec::new();
    let mut foreign: HashMap<IntentKey, FenceToken> = HashMap::new();
    while claimed.len() < own.len() {
        let due = store.claim_due(batch, &["pay"]).await.unwrap();
        assert!(
            !due.is_empty(),
            "claim_due ran dry with {} of {} intents unclaimed",
            own.len() - claimed.len(),
            own.len()
        );
        assert!(
            due.len() <= batch,
            "{} intents for a limit of {batch}",
            due.len()
        );
        assert_sorted(&due);
        for (token, record) in due {
            let key = record.intent.key.clone();
            let again = claimed.iter().any(|(k, ..)| *k == key) || foreign.contains_key(&key);
            assert!(!again, "{key:?} was handed out twice");
            if own.contains(&key) {
                claimed.push((key, token, record));
            } else {
                foreign.insert(key, token);
            }
        }
    }
    for (key, token) in foreign {
        // Another check's short lease may have run out and been taken over meanwhile.
        let _ = store.release(&key, token).await;
    }
    claimed
}

/// One `claim_due` answer is in deadline order, oldest first.
pub fn assert_sorted(due: &[(FenceToken, IntentRecord)]) {
    let deadlines: Vec<u64> = due.iter().map(|(_, r)| r.intent.deadline_ms).collect();
    assert!(
        deadlines.is_sorted(),
        "claim_due answered deadlines {deadlines:?}"
    );
}
